from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagramgen.diagram import LineStyle, Shape
from diagramgen.errors import DiagramTextError
from diagramgen.formats.nodelist import diagram_to_node_list, node_list_to_diagram, parse_node_list
from diagramgen.limits import MAX_NODES


def test_every_seed_format_case_parses(seed_format_cases: str) -> None:
    diagram, problems = node_list_to_diagram(seed_format_cases)
    assert [n.id for n in diagram.nodes] == ["1", "2", "3", "4", "5", "6", "7"]
    second = diagram.node("2")  # unquoted style word, colour tuple of quoted numbers
    assert second.shape is Shape.ROUND_RECTANGLE and second.fill == (0, 255, 0)
    sixth = diagram.node("6")  # every field quoted, colour and targets given as strings
    assert (sixth.x, sixth.y, sixth.width, sixth.fill) == (650, 500, 120, (255, 0, 255))
    assert ("6", "5") in {(e.source, e.target) for e in diagram.edges}
    assert next(e for e in diagram.edges if e.source == "1").style is LineStyle.DASHED_LINE
    # Self-pointing targets are not drawn, and each one is reported, not dropped silently.
    assert [p.line for p in problems] == [6, 7, 8]


def test_all_700_seed_answers_parse_strictly(seed_sft: list[dict]) -> None:
    for row in seed_sft:
        diagram, problems = node_list_to_diagram(row["seed_target_answer"], strict=True)
        assert diagram.nodes and not problems


def test_199_of_200_seed_system_outputs_parse(seed_benchmark: list[dict]) -> None:
    parsed, truncated = 0, 0
    for row in seed_benchmark:
        try:
            _, problems = node_list_to_diagram(row["seed_system_output"])
        except DiagramTextError as exc:
            assert "line 1" in str(exc)
            continue
        parsed += 1
        truncated += any("truncated" in p.message for p in problems)
    assert parsed == 199
    assert truncated > 150  # the seed's answers mostly ran into its token limit


def test_truncated_line_is_reported_with_its_number() -> None:
    text = "[0, 100, 100, 'circle', 50, 50, 'solid arrow', (1, 2, 3), (0, 0, 0), [1]]\n[1, 200,"
    diagram, problems = node_list_to_diagram(text)
    assert len(diagram.nodes) == 1
    assert any(p.line == 2 and "truncated" in p.message for p in problems)
    assert any(p.line == 1 and "unknown 1" in p.message for p in problems)
    with pytest.raises(DiagramTextError, match="line 2"):
        node_list_to_diagram(text, strict=True)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[0, 1, 2, 'circle', 5, 5, 'solid arrow', (300, 0, 0), (0, 0, 0), []]", "0-255"),
        ("[0, 1, 2, 'hexagon', 5, 5, 'solid arrow', (3, 0, 0), (0, 0, 0), []]", "unknown shape"),
        ("[0, 1, 2, 'circle', 5, 5, 'solid arrow', (3, 0, 0), []]", "10 fields"),
        ("[0, 1, 2, 'circle', -5, 5, 'solid arrow', (3, 0, 0), (0, 0, 0), []]", "positive"),
        ("[0, 1, 2, 'circle', 5, 5, 'wavy', (3, 0, 0), (0, 0, 0), []]", "line style"),
        ("[0, x, 2, 'circle', 5, 5, 'solid arrow', (3, 0, 0), (0, 0, 0), []]", "x should be"),
        ("nonsense", "must be a"),
    ],
)
def test_bad_lines_name_the_line_and_the_fault(line: str, expected: str) -> None:
    good = "[9, 1, 2, 'circle', 5, 5, 'solid arrow', (3, 0, 0), (0, 0, 0), []]"
    with pytest.raises(DiagramTextError) as info:
        node_list_to_diagram(good + "\n" + line, strict=True)
    assert "line 2" in str(info.value) and expected in str(info.value)


def test_round_trip_is_stable(seed_sft: list[dict]) -> None:
    for row in seed_sft[::7]:
        first, _ = node_list_to_diagram(row["seed_target_answer"], strict=True)
        text = diagram_to_node_list(first)
        second, _ = node_list_to_diagram(text, strict=True)
        assert diagram_to_node_list(second) == text
        assert [(n.id, n.x, n.y, n.fill) for n in first.nodes] == [
            (n.id, n.x, n.y, n.fill) for n in second.nodes
        ]
        assert [(e.source, e.target, e.style) for e in first.edges] == [
            (e.source, e.target, e.style) for e in second.edges
        ]


def test_labels_are_an_optional_eleventh_field() -> None:
    text = (
        "model = [\n"
        "  [0, 100, 100, rectangle, 120, 60, solid arrow, (255, 255, 255), (0, 0, 0), [1], 'Load data'],\n"
        '  [1, 300, 100, "circle", 80, 80, "dashed line", "(9, 9, 9)", "(0, 0, 0)", "[]", "Bob\'s model"],\n'
        "]\n"
    )
    diagram, problems = node_list_to_diagram(text, strict=True)
    assert not problems
    assert [n.label for n in diagram.nodes] == ["Load data", "Bob's model"]
    again, _ = node_list_to_diagram(diagram_to_node_list(diagram), strict=True)
    assert [n.label for n in again.nodes] == ["Load data", "Bob's model"]


def test_oversized_input_is_refused_quickly() -> None:
    line = "[{i}, 1, 2, 'circle', 5, 5, 'solid arrow', (3, 0, 0), (0, 0, 0), []]"
    text = "\n".join(line.format(i=i) for i in range(100_000))
    with pytest.raises(DiagramTextError, match="limit"):
        parse_node_list(text)
    medium = "\n".join(line.format(i=i) for i in range(MAX_NODES + 1))
    with pytest.raises(DiagramTextError, match=f"more than {MAX_NODES} nodes"):
        parse_node_list(medium)


def test_input_is_never_executed(tmp_path) -> None:
    marker = tmp_path / "pwned"
    payload = f"[__import__('os').system('touch {marker}'), 1, 2, 'circle', 5, 5, 'solid arrow', (3,0,0), (0,0,0), []]"
    with pytest.raises(DiagramTextError):
        node_list_to_diagram(payload)
    assert not marker.exists()


SEED_LINE = '[6, \'650\', \'500\', "circle", "120", \'100\', "solid arrow", "(255, 0, 255)", "(0, 0, 0)", \'[5, 6]\']'


@settings(max_examples=300, deadline=500)
@given(st.text(max_size=300))
def test_random_text_only_raises_our_error(text: str) -> None:
    with contextlib.suppress(DiagramTextError):
        node_list_to_diagram(text)


@settings(max_examples=300, deadline=500)
@given(st.integers(0, len(SEED_LINE)), st.integers(0, 8), st.text(max_size=6))
def test_mutated_seed_lines_only_raise_our_error(at: int, cut: int, insert: str) -> None:
    text = SEED_LINE[:at] + insert + SEED_LINE[at + cut :]
    with contextlib.suppress(DiagramTextError):
        node_list_to_diagram(text)


def test_several_nodes_on_one_line() -> None:
    text = "model = [[0, 1, 2, 'circle', 5, 5, 'solid arrow', (3,0,0), (0,0,0), [1]], [1, 9, 9, rect, 5, 5, line, (3,0,0), (0,0,0), []]]"
    diagram, problems = node_list_to_diagram(text)
    assert [n.id for n in diagram.nodes] == ["0", "1"] and not problems


def test_the_flow_shapes_survive_a_node_list_round_trip() -> None:
    from diagramgen.formats.plan import parse_plan
    from diagramgen.layout import layout_plan

    plan = 'flow\nnode a "In" data\nnode b "Ok?" decision\nnode c "Store" db\na -> b -> c\nend\n'
    diagram = layout_plan(parse_plan(plan))
    again, problems = node_list_to_diagram(diagram_to_node_list(diagram), strict=True)
    assert problems == []
    assert [n.shape for n in again.nodes] == [Shape.PARALLELOGRAM, Shape.DIAMOND, Shape.CYLINDER]
