"""Which layout draws a plan; its drawing folded when long and fitted to its canvas."""

from __future__ import annotations

from diagramgen.diagram import Diagram, Kind
from diagramgen.formats.plan import Plan
from diagramgen.layout.blocks import block_layout
from diagramgen.layout.canvas import MARGIN, fit_to_canvas
from diagramgen.layout.flow import flow_layout
from diagramgen.layout.fold import fold_long
from diagramgen.layout.net import neuron_layout
from diagramgen.vocabulary import BLOCK_TYPES


def layout_plan(plan: Plan) -> Diagram:
    """Lay out any plan: nets as neuron columns, CNNs as blocks, flows as a layered DAG."""
    if (
        plan.kind is Kind.FLOW
        or plan.kind is Kind.CNN
        or any(layer.type in BLOCK_TYPES or layer.image for layer in plan.layers)
    ):
        diagram = flow_layout(plan) if plan.kind is Kind.FLOW else block_layout(plan)
        fold_long(diagram, plan.style.orientation, MARGIN)  # a long chain wraps like text
    else:
        diagram = neuron_layout(plan)
    fit_to_canvas(diagram)
    return diagram
