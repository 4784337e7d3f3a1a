"""Stage 3, formats: the diagram texts a model writes, parsed and written back.

In: text (a compact plan, or the seed's node list). Out: `Plan` (what to draw, no coordinates)
or, for a node list, a `Diagram` with the positions it states. Parsers raise `DiagramTextError`
naming the line; sizes are bounded by `diagramgen.limits`, words by `diagramgen.vocabulary`.
Imports only the core modules.
"""

from __future__ import annotations

from diagramgen.formats.nodelist import diagram_to_node_list, node_list_to_diagram, parse_node_list
from diagramgen.formats.plan import (
    FlowEdge,
    FlowNode,
    Layer,
    Plan,
    Style,
    looks_like_plan,
    parse_plan,
)
from diagramgen.formats.plan_writer import plan_to_text

__all__ = [
    "FlowEdge",
    "FlowNode",
    "Layer",
    "Plan",
    "Style",
    "diagram_to_node_list",
    "looks_like_plan",
    "node_list_to_diagram",
    "parse_node_list",
    "parse_plan",
    "plan_to_text",
]
