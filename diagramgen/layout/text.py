"""One entry point for any diagram text: a plan or a seed node list, detected by content."""

from __future__ import annotations

from typing import Literal

from diagramgen.diagram import Diagram
from diagramgen.errors import Problem
from diagramgen.formats.nodelist import node_list_to_diagram
from diagramgen.formats.plan import looks_like_plan, parse_plan
from diagramgen.layout.engine import layout_plan

TextFormat = Literal["auto", "plan", "nodelist"]


def detect_format(text: str) -> Literal["plan", "nodelist"]:
    """Which format a diagram text is written in, by its first meaningful line."""
    return "plan" if looks_like_plan(text) else "nodelist"


def parse_diagram_text(
    text: str, fmt: TextFormat = "auto", strict: bool = False
) -> tuple[Diagram, list[Problem]]:
    """Text to a laid-out Diagram plus any tolerated problems (node lists only)."""
    if fmt == "auto":
        fmt = detect_format(text)
    if fmt == "plan":
        return layout_plan(parse_plan(text)), []
    return node_list_to_diagram(text, strict=strict)
