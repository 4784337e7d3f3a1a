"""Whatever text arrives, only the project's own error escapes parsing, layout, the metric and
rendering: the crash inputs an attacker's probe found, each as a test, and a hypothesis search
around real texts (bench/fuzz.py runs the same search over a million inputs)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagramgen.errors import DiagramTextError
from diagramgen.layout import parse_diagram_text
from diagramgen.quality.metrics import readability
from diagramgen.render import svg_to_png, to_svg

NET = "nn horizontal\ninput 4\ndense 6\ndense 10\noutput 1\nend\n"
CNN = "cnn\ninput 32x32x3\nconv 3x3 32 same\npool 2x2\ndense 256\noutput 10\nskip 2 -> 4\nend\n"
FLOW = (
    'flow vertical\nnode q "Question" text\nnode ok "Valid?" decision\nnode db "Store" db\n'
    'group "Backend": ok, db\nq -> ok\nok -> db "yes"\nok -> q "no"\nend\n'
)
NODES = (
    "[1, 100, 100, 'circle', 100, 80, 'solid arrow', (255, 0, 0), (0, 0, 0), [2]]\n"
    "[2, 300, 100, 'rectangle', 100, 80, 'solid arrow', (0, 255, 0), (0, 0, 0), []]\n"
)
PROBE_CRASHES = [  # found by the probe on 166ed6e; each was a traceback or a 500
    NODES.replace("100, 100,", "1e999, 100,"),
    NODES.replace("300, 100,", "1e308, 1e308,"),
    NODES.replace("[2]]", "[99999999999999999999999]]"),
    NET.replace("dense 6", "dense 2➀6"),
    NET.replace("dense 6", "dense 2²"),
    CNN.replace("skip 2 -> 4", "skip ₆ -> 3"),
    CNN.replace("32 same", "9" * 5000 + " same"),
    FLOW.replace("Question", "a\x01b"),
    FLOW.replace('"yes"', '"y\x00es\ufffe"'),
]


def _draw(text: str) -> None:
    """Parse, lay out, measure and draw a text; DiagramTextError is the only way to refuse."""
    diagram, _ = parse_diagram_text(text)
    readability(diagram)
    svg_to_png(to_svg(diagram))


@pytest.mark.parametrize("text", PROBE_CRASHES)
def test_the_probes_crash_inputs_are_refused_in_one_line_or_drawn(text: str) -> None:
    try:
        _draw(text)
    except DiagramTextError as exc:
        assert "\n" not in str(exc)


NASTY = st.sampled_from(["➀", "₆", "²", "\x00", "\x01", "\u202e", '"', "->", "1e999", "9" * 30])


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([NET, CNN, FLOW, NODES]),
    st.lists(st.tuples(st.integers(0, 300), st.integers(0, 5), NASTY | st.text(max_size=4))),
)
def test_edited_real_texts_only_raise_our_error(base: str, edits: list) -> None:
    text = base
    for at, cut, insert in edits[:4]:
        text = text[:at] + insert + text[at + cut :]
    with contextlib.suppress(DiagramTextError):
        _draw(text)
