"""Fidelity to the request (recall, precision, structure, consensus) and the ranking it drives;
the structure matcher on the extended schema (options, node types, edge labels)."""

from __future__ import annotations

from diagramgen.layout import parse_diagram_text
from diagramgen.pipeline import Candidate, rank_candidates
from diagramgen.quality.fidelity import Fidelity, request_fidelity
from diagramgen.quality.match import compare_structures, label_likeness
from diagramgen.request import read_request

CNN_REQUEST = (
    "CNN: 64x64 input, two 3x3 convs with 32 filters, 2x2 average pooling, dense 128, 4 outputs"
)
CNN_RIGHT = "cnn\ninput 64x64\nconv 3x3 32\nconv 3x3 32\npool 2x2 avg\ndense 128\noutput 4\nend\n"


def fidelity(request: str, text: str) -> Fidelity:
    diagram, _ = parse_diagram_text(text)
    return request_fidelity(read_request(request), text, diagram.structure())


def test_the_faithful_cnn_scores_one_and_mistakes_score_less() -> None:
    assert fidelity(CNN_REQUEST, CNN_RIGHT).overall == 1.0
    wrong = {
        "extra conv": CNN_RIGHT.replace("conv 3x3 32\npool", "conv 3x3 32\nconv 3x3 32\npool"),
        "max pool": CNN_RIGHT.replace(" avg", ""),
        "invented size": CNN_RIGHT.replace("dense 128", "dense 100"),
        "lost layer": CNN_RIGHT.replace("dense 128\n", ""),
        "lost filters": CNN_RIGHT.replace("conv 3x3 32\nconv", "conv 3x3\nconv"),
    }
    for name, text in wrong.items():
        assert fidelity(CNN_REQUEST, text).overall < 1.0, name


def test_number_words_count_for_recall() -> None:
    request = "four inputs, a hidden layer of 8, five outputs"
    right = "nn\ninput 4\ndense 8\noutput 5\nend\n"
    wrong = "nn\ninput 8\ndense 8\noutput 1\nend\n"
    assert fidelity(request, right).overall == 1.0
    assert fidelity(request, wrong).overall < 0.5


def test_a_flow_must_keep_every_named_step_and_its_branches() -> None:
    request = (
        "flowchart: enter password, check if it is valid; if yes show dashboard, otherwise retry"
    )
    full = (
        'flow\nnode a "enter password" data\nnode b "valid?" decision\nnode c "show dashboard"\n'
        'a -> b\nb -> c "yes"\nb -> a "no"\nend\n'
    )
    chain = 'flow\nnode a "enter password"\nnode c "show dashboard"\na -> c\nend\n'
    made_up = 'flow\nnode a "login server"\nnode c "database"\na -> c\nend\n'
    f_full, f_chain, f_made = (fidelity(request, t) for t in (full, chain, made_up))
    assert f_full.rank_key() > f_chain.rank_key() > f_made.rank_key()
    assert f_chain.structure < f_full.structure  # no decision, no loop back


def test_arrow_labels_and_group_names_count_as_drawn_words() -> None:
    request = "the backend group has the api and the store; the api writes to the store"
    boxed = 'flow\nnode a "api"\nnode b "store" db\ngroup "Backend": a, b\na -> b "writes"\nend\n'
    bare = 'flow\nnode a "api"\nnode b "store" db\na -> b\nend\n'
    assert fidelity(request, boxed).recall > fidelity(request, bare).recall
    assert fidelity(request, boxed).precision == fidelity(request, bare).precision


def test_a_net_for_a_flow_request_scores_zero() -> None:
    request = "pipeline: load data -> train model -> evaluate"
    assert fidelity(request, "nn\ninput 4\noutput 1\nend\n").overall == 0.0


def test_ranking_puts_the_faithful_candidate_first_then_the_agreed_one() -> None:
    diagram, _ = parse_diagram_text(CNN_RIGHT)
    scores = {"readability": 5.0, "user": None, "final": 5.0}
    faithful = Candidate("z" + CNN_RIGHT, diagram, dict(scores), fidelity=Fidelity(1, 1, 1))
    unfaithful = Candidate("a" + CNN_RIGHT, diagram, dict(scores), fidelity=Fidelity(1, 0.5, 1))
    assert rank_candidates([unfaithful, faithful], 1)[0] is faithful
    lone_text = CNN_RIGHT.replace("dense 128", "dense 129")
    lone = Candidate(lone_text, parse_diagram_text(lone_text)[0], dict(scores), votes=1)
    agreed = Candidate(CNN_RIGHT, diagram, dict(scores), votes=3)
    assert rank_candidates([lone, agreed], 1)[0] is agreed
    assert agreed.fidelity.consensus == 2 / 3 and lone.fidelity.consensus == 0.0  # of 3 others


def test_matching_nets_compares_what_the_truth_states() -> None:
    drawn = parse_diagram_text(
        "cnn\ninput 32x32x3\nconv 3x3 16 same stride=2\npool 2x2\nflatten\noutput 10\nend\n"
    )[0]
    truth = {
        "kind": "cnn",
        "layers": [
            {"type": "input", "shape": [32, 32, 3]},
            {"type": "conv", "kernel": 3, "stride": 2, "padding": "same"},
            {"type": "pool", "mode": "max"},
            {"type": "output", "size": 10},
        ],
    }
    assert compare_structures(drawn.structure(), truth).exact  # flatten is implied glue
    truth["layers"][1]["filters"] = 32
    result = compare_structures(drawn.structure(), truth)
    assert not result.exact and "conv filters 16 (asked 32)" in result.differences


def test_matching_flows_pairs_labels_and_checks_branches() -> None:
    drawn = parse_diagram_text(
        'flow\nnode a "Receive the order" \nnode b "In stock?" decision\nnode c "Ship it"\n'
        'node d "Back-order"\na -> b\nb -> c "yes"\nb -> d "no"\nend\n'
    )[0]
    truth = {
        "kind": "flow",
        "nodes": [
            {"id": "o", "label": "receive order"},
            {"id": "s", "label": "item in stock?", "type": "decision"},
            {"id": "p", "label": "ship"},
            {"id": "b", "label": "backorder"},
        ],
        "edges": [["o", "s"], ["s", "p", "yes"], ["s", "b", "no"]],
    }
    assert compare_structures(drawn.structure(), truth).exact
    truth["edges"][2] = ["s", "b", "rejected"]
    assert not compare_structures(drawn.structure(), truth).exact
    assert label_likeness("데이터 수집", "데이터를 수집") > 0.7
    assert label_likeness("train model", "deploy service") < 0.7
    assert label_likeness("acoustic model", "model") < 0.7  # a lost word is another step


def test_an_arrow_label_matches_with_or_without_the_way_it_goes() -> None:
    drawn = parse_diagram_text(
        'flow\nnode a "Web app"\nnode b "API"\nnode c "Cache"\n'
        'a -> b "over HTTPS"\nb -> c "RESP"\nend\n'
    )[0]
    truth = {
        "kind": "flow",
        "nodes": [
            {"id": "w", "label": "Web app"},
            {"id": "p", "label": "API"},
            {"id": "c", "label": "Cache"},
        ],
        "edges": [["w", "p", "HTTPS"], ["p", "c", "via RESP"]],
    }
    assert compare_structures(drawn.structure(), truth).exact
    truth["edges"][0] = ["w", "p", "over gRPC"]
    assert not compare_structures(drawn.structure(), truth).exact
