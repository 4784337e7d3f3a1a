from __future__ import annotations

import random
from pathlib import Path

import pytest

from diagramgen.data import generate_examples, make_sft_dataset, read_jsonl, request_key
from diagramgen.data.prefs import make_pref_dataset, rejected_answer
from diagramgen.errors import DiagramTextError
from diagramgen.formats.plan import parse_plan
from diagramgen.layout import layout_plan
from diagramgen.quality.match import compare_structures
from diagramgen.quality.metrics import readability
from diagramgen.vocabulary import normalize_label

SEED_DATA = Path(__file__).resolve().parents[2] / "shared" / "seed-data"


@pytest.fixture(scope="module")
def examples() -> list:
    return list(generate_examples(3000, seed=7))


def test_every_answer_parses_lays_out_clean_and_matches_its_structure(examples: list) -> None:
    for example in examples:
        plan = parse_plan(example.answer)  # requires the end line
        diagram = layout_plan(plan)
        r = readability(diagram)
        assert r.clean and r.edges_through_nodes == 0 and r.score >= 3.5, (example.request, r)
        match = compare_structures(diagram.structure(), example.structure)
        assert match.exact, (example.request, example.answer, example.structure)


def test_all_kinds_and_many_templates_are_covered(examples: list) -> None:
    kinds = {e.kind for e in examples}
    sources = {e.source.split("+")[0] for e in examples}
    assert kinds == {"nn", "cnn", "flow"}
    assert len(sources) >= 15
    requests = [e.request for e in examples]
    assert len({request_key(r) for r in requests}) == len(requests)
    assert any(" each" in r for r in requests)  # "two hidden layers with 5 neurons each"
    assert any(word in r.split() for r in requests for word in ("two", "three", "four"))
    assert any(r == r.lower() for r in requests)
    assert any("\n- " in r for r in requests)  # list form
    assert any(" then " in r for r in requests)  # prose
    assert any("skip" in e.answer for e in examples)
    assert any(" -> " in r or " → " in r for r in requests)


def test_flow_labels_are_taken_from_the_request(examples: list) -> None:
    """Every label comes from the request's words; a few carry a typo there (people misspell
    step names too) that the answer writes right."""
    labels = found = 0
    for e in examples:
        if e.kind != "flow" or "story" in e.source:
            continue
        request = normalize_label(e.request)
        for node in e.structure["nodes"]:
            labels += 1
            found += normalize_label(node["label"]) in request
    assert found >= 0.95 * labels


def test_style_varies_between_answers(examples: list) -> None:
    headers = {e.answer.split("\n", 1)[0].split(" ", 1)[1] for e in examples if e.kind == "nn"}
    assert len(headers) > 20


def test_dataset_is_deterministic_split_and_excludes_the_benchmark(tmp_path: Path) -> None:
    a = make_sft_dataset(tmp_path / "a", 400, seed=3, seed_data=SEED_DATA)
    make_sft_dataset(tmp_path / "b", 400, seed=3, seed_data=SEED_DATA)
    make_sft_dataset(tmp_path / "c", 400, seed=4, seed_data=SEED_DATA)
    for split in ("train.jsonl", "val.jsonl"):
        assert (tmp_path / "a" / split).read_bytes() == (tmp_path / "b" / split).read_bytes()
    assert (tmp_path / "a/train.jsonl").read_bytes() != (tmp_path / "c/train.jsonl").read_bytes()
    train = {request_key(r["request"]) for r in read_jsonl(tmp_path / "a/train.jsonl")}
    val = {request_key(r["request"]) for r in read_jsonl(tmp_path / "a/val.jsonl")}
    assert a.val == len(val) and not train & val
    if SEED_DATA.is_dir():
        bench = {
            request_key(r["request"]) for r in read_jsonl(SEED_DATA / "seed_benchmark_200.jsonl")
        }
        assert not (train | val) & bench
        assert a.train + a.val == 400 + 280  # the seed's 280 net requests join the synthetic ones
    row = read_jsonl(tmp_path / "a/train.jsonl")[0]
    assert set(row) == {"request", "answer", "structure", "kind", "source"}
    assert row["answer"].rstrip().endswith("\nend")


def test_rejected_answers_are_realistically_wrong(examples: list) -> None:
    rng = random.Random(0)
    reasons = set()
    for example in examples[:600]:
        made = rejected_answer(rng, example.answer)
        if made is None:
            continue
        rejected, reason = made
        reasons.add(reason.split(" ")[0])
        assert rejected != example.answer
        try:
            wrong = layout_plan(parse_plan(rejected)).structure()
        except DiagramTextError:
            continue  # no end line, or a shape that no longer fits: wrong either way
        assert not compare_structures(wrong, example.structure).exact, (example.answer, rejected)
    assert len(reasons) >= 6


def test_preference_dataset_keeps_the_splits(tmp_path: Path) -> None:
    make_sft_dataset(tmp_path / "sft", 200, seed=1)
    train, val = make_pref_dataset(tmp_path / "sft", tmp_path / "prefs", seed=1)
    assert train > 150 and val > 10
    sft_val = {r["request"] for r in read_jsonl(tmp_path / "sft/val.jsonl")}
    pairs = read_jsonl(tmp_path / "prefs/train.jsonl")
    assert set(pairs[0]) == {"prompt", "chosen", "rejected", "reason", "kind"}
    assert not {p["prompt"] for p in pairs} & sft_val


def test_no_training_row_resembles_a_held_out_natural_request(tmp_path: Path) -> None:
    """The natural set (bench/requests/natural.jsonl) is never trained on: no training request
    equals one of its requests (normalised) or shares an 8-word run with one."""
    from diagramgen.data import HeldOut, make_sft_dataset, natural_requests, request_key, shingles

    natural = natural_requests()
    assert len(natural) >= 300
    held = HeldOut.of(natural)
    make_sft_dataset(tmp_path, 1500, seed=3)
    rows = read_jsonl(tmp_path / "train.jsonl") + read_jsonl(tmp_path / "val.jsonl")
    for row in rows:
        assert request_key(row["request"]) not in held.keys
        assert shingles(row["request"]).isdisjoint(held.runs), row["request"]
    # the check itself can fail: a copied natural request, or one sharing 8 words, is caught
    assert held.touches(natural[0])
    assert held.touches("please draw " + " ".join(natural[0].split()[:8]) + " for me")


def test_flows_told_as_stories_name_every_step_and_branch_yes_or_no() -> None:
    """A story says each step with a verb ('the order is validated'); its label is the short
    name ('Validate order'): the label's words (verb stem, object) are all in the request,
    and a decision's branches are yes / no, as 'if it is ..., otherwise ...' means."""
    stories = [
        e
        for e in generate_examples(600, seed=21, mix={"composed-flow": 1.0})
        if "story" in e.source
    ]
    assert len(stories) >= 150
    labels = found = 0
    for e in stories:
        request = normalize_label(e.request)
        for node in e.structure["nodes"]:
            labels += 1
            words = normalize_label(node["label"]).rstrip("?").split()
            found += all(w[:4] in request for w in words)
        for edge in e.structure["edges"]:
            if len(edge) > 2 and edge[0] in {
                n["id"] for n in e.structure["nodes"] if n["type"] == "decision"
            }:
                assert edge[2] in ("yes", "no", "예", "아니오"), (e.request, edge)
    assert found >= 0.95 * labels
    assert any("otherwise" in e.request or "if not" in e.request for e in stories)
    assert any("아니면" in e.request or "그렇지 않으면" in e.request for e in stories)


def test_story_verbs_and_korean_particles_are_spelled_right() -> None:
    from diagramgen.data.flow_stories import gerund, particle, past_participle, third_person

    assert [past_participle(v) for v in ("validate", "ship", "notify", "send", "fetch")] == [
        "validated", "shipped", "notified", "sent", "fetched"]  # fmt: skip
    assert [gerund(v) for v in ("validate", "ship", "log", "index")] == [
        "validating", "shipping", "logging", "indexing"]  # fmt: skip
    assert [third_person(v) for v in ("fetch", "notify", "pay", "parse")] == [
        "fetches", "notifies", "pays", "parses"]  # fmt: skip
    assert particle("주문", "을", "를") == "주문을"
    assert particle("데이터", "을", "를") == "데이터를"
    assert particle("파일", "으로", "로") == "파일로"  # ㄹ takes 로
    assert particle("송장 확인", "으로", "로") == "송장 확인으로"
    assert particle("DB", "이", "가") == "DB가"


def test_composed_rows_cover_every_construct_in_many_surface_forms(examples: list) -> None:
    from diagramgen.data.card import constructs, surface_pattern

    composed = [
        e.as_dict()
        for e in generate_examples(1500, seed=9, mix={"composed-net": 0.5, "composed-flow": 0.5})
    ]
    patterns: dict[str, set[str]] = {}
    for row in composed:
        for name in constructs(row):
            patterns.setdefault(name, set()).add(surface_pattern(row))
    for name in ("decision", "loop", "fan-in", "group", "edge label", "layer options",
                 "named architecture", "keras or pytorch code", "korean", "number words",
                 "told as a story"):  # fmt: skip
        assert len(patterns.get(name, ())) >= 20, name


def test_a_mix_is_read_and_checked() -> None:
    from diagramgen.data import parse_mix

    assert parse_mix("composed-flow=0.6, nn=0.4") == {"composed-flow": 0.6, "nn": 0.4}
    for bad, message in [
        ("tree=1", "unknown family"),
        ("nn=lots", "must be a number"),
        ("nn=-1", "finite number >= 0"),
        ("nn=inf", "finite number >= 0"),
        ("nn=0", "above 0"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_mix(bad)
    flows = list(generate_examples(40, seed=3, mix=parse_mix("composed-flow=1")))
    assert all(e.kind == "flow" for e in flows)


WRITTEN_ROW = {
    "id": "t-1",
    "request": "login -> check password; if ok show dashboard, otherwise back to login. "
    "The backend has the check and the user DB. Draw it top to bottom.",
    "lang": "en",
    "tags": ["decision", "loop", "groups"],
    "truth": {
        "kind": "flow",
        "nodes": [
            {"id": "login", "label": "Login", "type": "start"},
            {"id": "check", "label": "Password OK?", "type": "decision", "group": "Backend"},
            {"id": "users", "label": "User DB", "type": "db", "group": "Backend"},
            {"id": "dash", "label": "Show dashboard"},
        ],
        "edges": [
            ["login", "check"],
            ["check", "users", "reads"],
            ["check", "dash", "yes"],
            ["check", "login", "no"],
        ],
    },
}


def test_a_written_truth_becomes_the_plan_that_draws_it() -> None:
    from diagramgen.data.written import written_example

    example = written_example(WRITTEN_ROW, random.Random(0))
    plan = parse_plan(example.answer)
    assert plan.style.orientation == "vertical"  # "top to bottom"
    assert [(n.id, n.label, n.type) for n in plan.nodes] == [
        ("a", "Login", "terminal"),
        ("b", "Password OK?", "decision"),
        ("c", "User DB", "db"),
        ("d", "Show dashboard", "process"),
    ]
    assert [(e.source, e.target, e.label) for e in plan.edges] == [
        ("a", "b", ""),
        ("b", "c", "reads"),
        ("b", "d", "yes"),
        ("b", "a", "no"),
    ]
    assert [(g.label, g.members) for g in plan.groups] == [("Backend", ["b", "c"])]
    assert compare_structures(layout_plan(plan).structure(), WRITTEN_ROW["truth"]).exact
    assert example.source == "written/en+decision+groups+loop"


WRITTEN_NET = {
    "id": "t-net",
    "request": "32x32 RGB, conv 3x3 with 64 filters (same), a residual pair of 3x3 convs, "
    "max pooling, dropout 0.3, global average pooling, 10 classes. Left to right please",
    "lang": "en",
    "tags": ["skip"],
    "truth": {
        "kind": "cnn",
        "layers": [
            {"type": "input", "shape": [32, 32, 3]},
            {"type": "conv", "kernel": 3, "filters": 64, "padding": "same"},
            {"type": "conv", "kernel": 3, "padding": "same"},
            {"type": "conv", "kernel": 3, "padding": "same", "stride": 1},
            {"type": "pool", "mode": "max"},
            {"type": "dropout", "rate": 0.3},
            {"type": "pool", "global": True, "mode": "avg"},
            {"type": "output", "size": 10},
        ],
        "skips": [[2, 4]],
    },
}


def test_a_written_net_truth_becomes_the_plan_that_draws_it() -> None:
    from diagramgen.data.written import written_example

    example = written_example(WRITTEN_NET, random.Random(0))
    assert example.answer.splitlines()[1:] == [
        "input 32x32x3",
        "conv 3x3 64 same",
        "conv 3x3 same",
        "conv 3x3 same stride=1",
        "pool 2x2",  # the window the plan needs and the request leaves open
        "dropout 0.3",
        "pool global avg",
        "output 10",
        "skip 2 -> 4",
        "end",
    ]
    assert parse_plan(example.answer).style.orientation == "horizontal"  # "left to right"
    assert compare_structures(example.structure, WRITTEN_NET["truth"]).exact
    dense = {
        "kind": "nn",
        "layers": [{"type": "input", "size": 784}, {"type": "output", "size": 10}],
    }
    answer = written_example({**WRITTEN_NET, "truth": dense}, random.Random(0)).answer
    assert answer.splitlines()[1:] == ["input 784", "output 10", "end"]


def test_written_rows_that_make_no_plan_are_reported(tmp_path: Path) -> None:
    from diagramgen.data.written import written_examples
    from diagramgen.jsonl import write_jsonl

    broken = {**WRITTEN_ROW, "id": "t-2", "truth": {**WRITTEN_ROW["truth"]}}
    broken["truth"]["edges"] = [["login", "nowhere"]]
    net = {**WRITTEN_ROW, "id": "t-3", "truth": {"kind": "nn", "layers": [{"type": "dense"}]}}
    write_jsonl(tmp_path / "w.jsonl", [WRITTEN_ROW, broken, net])
    examples, problems = written_examples([tmp_path / "w.jsonl"], 0)
    assert len(examples) == 1
    assert [p.split(": ")[1] for p in problems] == ["t-2", "t-3"]
    with pytest.raises(ValueError, match="2 written rows make no plan"):
        make_sft_dataset(tmp_path / "d", 20, written=(tmp_path / "w.jsonl",))


def test_written_rows_join_the_dataset_repeated_in_training_never_across_splits(
    tmp_path: Path,
) -> None:
    from diagramgen.data import natural_requests
    from diagramgen.jsonl import write_jsonl

    rows = [
        {**WRITTEN_ROW, "id": f"t-{i}", "request": f"step {i} then step {i + 1}, then stop"}
        for i in range(20)
    ]
    copied = {**WRITTEN_ROW, "id": "t-copy", "request": natural_requests()[5]}
    write_jsonl(tmp_path / "w.jsonl", [*rows, copied])
    make_sft_dataset(tmp_path / "d", 30, written=(tmp_path / "w.jsonl",), written_repeat=3)
    train, val = (
        read_jsonl(tmp_path / "d" / "train.jsonl"),
        read_jsonl(tmp_path / "d" / "val.jsonl"),
    )
    people = lambda split: [r["request"] for r in split if r["source"].startswith("written/")]  # noqa: E731
    train_people, val_people = people(train), people(val)
    assert len(val_people) == 2 and len(train_people) == 18 * 3
    assert set(train_people).isdisjoint(val_people)
    assert all(train_people.count(r) == 3 for r in train_people)
    assert copied["request"] not in train_people + val_people  # held out: never trained on


CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus folder in this checkout")
def test_every_corpus_row_makes_the_plan_that_draws_its_truth() -> None:
    """(Rows resembling a benchmark request are left out when a dataset is made: above.)"""
    from diagramgen.data.written import written_examples

    paths = sorted(CORPUS.glob("*.jsonl"))
    examples, problems = written_examples(paths, 0)
    assert problems == [] and len(examples) >= 400
    truths = {r["request"]: r["truth"] for p in paths for r in read_jsonl(p)}
    for example in examples:
        assert compare_structures(example.structure, truths[example.request]).exact
