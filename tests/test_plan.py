from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagramgen.diagram import Kind, LineStyle, Orientation, Shape
from diagramgen.errors import DiagramTextError
from diagramgen.formats.plan import looks_like_plan, parse_plan
from diagramgen.formats.plan_writer import plan_to_text
from diagramgen.limits import MAX_EDGES, MAX_LABEL_CHARS, MAX_NODES

NN = "nn horizontal palette=blue shape=circle\nlayer input 4\nlayer hidden 6\nlayer output 1\nend\n"
CNN = (
    "cnn vertical palette=warm line=dashed\ninput 32x32x3\nconv 3x3 16 same\npool 2x2 avg\n"
    'conv 5x5 stride=2\npool global\nflatten\ndropout 0.5\ndense 256 "classifier"\n'
    "output 10\nskip 2 -> 4\nend\n"
)
FLOW = (
    "flow vertical palette=teal  # a RAG pipeline\n"
    'node q "Question" text\n'
    'node llm "LLM" model shape=circle\n'
    'q -> "Embedding" -> "Vector DB", "Cache" -> llm -> "Answer"\n'
    "llm -> q dashed\n"
    "end\n"
)
DECISION = (
    "flow vertical\n"
    'node pw "Enter password" data\n'
    'node ok "Valid password?" decision\n'
    'node home "Home page"\n'
    'node store "User store" db shape=cylinder\n'
    'group "Frontend": pw, home\n'
    'pw -> ok -> home "yes"\n'
    'ok -> pw "no" dashed\n'
    "ok -> store\n"
    "end\n"
)
TRANSFORMER = 'nn\ninput 512 "tokens"\nrepeat 12 "Transformer block"\noutput 10\nend\n'


def test_nn_plan_reads_as_written() -> None:
    plan = parse_plan(NN)
    assert plan.kind is Kind.NN and plan.style.shape is Shape.CIRCLE
    assert [(layer.type, layer.units) for layer in plan.layers] == [
        ("input", 4),
        ("dense", 6),
        ("output", 1),
    ]


def test_cnn_plan_keeps_every_option() -> None:
    plan = parse_plan(CNN)
    assert plan.style.orientation is Orientation.VERTICAL
    assert plan.style.line is LineStyle.DASHED_LINE
    conv, pool, conv2, gpool = plan.layers[1:5]
    assert conv.kernel == (3, 3) and conv.filters == 16 and conv.same
    assert pool.mode == "avg" and conv2.stride == 2 and gpool.global_pool
    assert plan.layers[6].rate == 0.5 and plan.layers[7].label == "classifier"
    assert plan.skips == [(1, 3)]


def test_flow_plan_chains_fan_out_and_labels() -> None:
    plan = parse_plan(FLOW)
    labels = {n.id: n.label for n in plan.nodes}
    assert labels["vector_db"] == "Vector DB" and labels["cache"] == "Cache"
    edges = {(e.source, e.target) for e in plan.edges}
    assert {("embedding", "vector_db"), ("embedding", "cache"), ("cache", "llm")} <= edges
    assert ("llm", "q") in edges and plan.nodes[1].shape is Shape.CIRCLE


def test_edge_labels_groups_and_shapes_read_as_written() -> None:
    plan = parse_plan(DECISION)
    labels = {(e.source, e.target): e.label for e in plan.edges}
    assert labels == {
        ("pw", "ok"): "",
        ("ok", "home"): "yes",
        ("ok", "pw"): "no",
        ("ok", "store"): "",
    }
    assert [(g.label, g.members) for g in plan.groups] == [("Frontend", ["pw", "home"])]
    assert plan.nodes[1].type == "decision"
    assert plan.nodes[3].shape is Shape.CYLINDER
    assert next(e for e in plan.edges if e.label == "no").style is LineStyle.DASHED_LINE


def test_a_repeated_block_keeps_its_count_and_name() -> None:
    repeat = parse_plan(TRANSFORMER).layers[1]
    assert (repeat.type, repeat.times, repeat.label) == ("repeat", 12, "Transformer block")


@pytest.mark.parametrize("text", [NN, CNN, FLOW, DECISION, TRANSFORMER])
def test_canonical_text_round_trips(text: str) -> None:
    canonical = plan_to_text(parse_plan(text))
    assert canonical.rstrip().endswith("\nend")
    assert plan_to_text(parse_plan(canonical)) == canonical
    assert parse_plan(canonical) == parse_plan(canonical)


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("nn\ninput 4\noutput 1\n", 4, "missing the end line"),
        ("nn\ninput 4\nend\noutput 1\n", 4, "text after the end line"),
        ("nn\ninput 4\nconvv 3x3\nend\n", 3, "unknown layer type 'convv'"),
        ("nn\ninput four\nend\n", 2, "input size should be N"),
        ("cnn\ninput 32x32\nconv 3by3\nend\n", 3, "kernel should look like 3x3"),
        ("nn\ninput 4\ndense 3 from=3\nend\n", 3, "between 1 and 1, got 3"),
        ("nn\ninput 4\ndense 3\noutput 1\nskip 1 -> 2\nend\n", 5, "jump over"),
        ("flow\na -> b\nend\n", 2, "unknown node 'a'"),
        ('flow\nnode a "A"\nnode a "B"\nend\n', 3, "declared twice"),
        ('flow\nnode a "A\nend\n', 2, "unclosed quote"),
        ('flow\nnode a "A"\na ->\nend\n', 3, "each side"),
        ("graph\nend\n", 1, "nn, cnn or flow"),
        ("nn palette=rainbow\ninput 2\nend\n", 1, "palette must be one of"),
        ("nn\ndense 0\nend\n", 2, "between 1"),
        ('flow\nnode a "A"\ngroup "G" a\nend\n', 3, 'group "Label": a, b, c'),
        ('flow\nnode a "A"\ngroup "G": b\nend\n', 3, "unknown node 'b'"),
        ('flow\nnode a "A"\ngroup "G": a,\nend\n', 3, "ends with a node"),
        ('flow\nnode a "A"\ngroup "G": a\ngroup "H": a\nend\n', 4, "already in group 'G'"),
        ('flow\nnode a "A"\nnode b "B"\na "x" -> b\nend\n', 4, "unexpected"),
        ('flow\nnode a "A"\nnode b "B"\na -> b "x" "y"\nend\n', 4, "unexpected"),
        ("nn\ninput 4\nrepeat\nend\n", 3, "repeat needs a count"),
    ],
)
def test_errors_name_the_line_and_the_fault(text: str, line: int, expected: str) -> None:
    with pytest.raises(DiagramTextError) as info:
        parse_plan(text)
    assert info.value.problems[0].line == line
    assert expected in str(info.value)


def test_end_line_can_be_optional_for_partial_answers() -> None:
    assert len(parse_plan("nn\ninput 4\noutput 1\n", require_end=False).layers) == 2


def test_oversized_plans_are_refused() -> None:
    flow = "flow\n" + "\n".join(f'node n{i} "step {i}"' for i in range(100_000)) + "\nend\n"
    with pytest.raises(DiagramTextError, match="limit"):
        parse_plan(flow)
    flow = "flow\n" + "\n".join(f'node n{i} "s"' for i in range(MAX_NODES + 1)) + "\nend\n"
    with pytest.raises(DiagramTextError, match=f"more than {MAX_NODES} nodes"):
        parse_plan(flow)
    sources = ", ".join(f'"a{i}"' for i in range(20))
    targets = ", ".join(f'"b{i}"' for i in range(MAX_EDGES // 20 + 1))
    with pytest.raises(DiagramTextError, match=f"more than {MAX_EDGES} edges"):
        parse_plan(f"flow\n{sources} -> {targets}\nend\n")
    label = "x" * (MAX_LABEL_CHARS + 1)
    with pytest.raises(DiagramTextError, match=f"the limit is {MAX_LABEL_CHARS}"):
        parse_plan(f'flow\nnode a "{label}"\nend\n')
    assert parse_plan("nn\ninput 1000000\nend\n").layers[0].units == 1_000_000


def test_plan_detection() -> None:
    assert looks_like_plan("# comment\n\nflow\nend")
    assert not looks_like_plan("[0, 1, 2, 'circle', 5, 5, 'solid arrow', (3,0,0), (0,0,0), []]")


@settings(max_examples=300, deadline=500)
@given(st.text(max_size=300))
def test_random_text_only_raises_our_error(text: str) -> None:
    for prefix in ("", "nn\n", "cnn\n", "flow\n"):
        with contextlib.suppress(DiagramTextError):
            parse_plan(prefix + text)


@settings(max_examples=400, deadline=500)
@given(
    st.sampled_from([NN, CNN, FLOW]),
    st.integers(0, 200),
    st.integers(0, 6),
    st.text(alphabet='abcdx0123456789 ->,"=\n#', max_size=8),
)
def test_mutated_plans_only_raise_our_error(base: str, at: int, cut: int, insert: str) -> None:
    text = base[:at] + insert + base[at + cut :]
    with contextlib.suppress(DiagramTextError):
        parse_plan(text)
