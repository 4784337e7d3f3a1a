"""Neural nets as columns of neurons; wide layers collapse to first nodes, an ellipsis, last."""

from __future__ import annotations

from diagramgen.diagram import (
    DEFAULT_HEIGHT,
    DEFAULT_WIDTH,
    Diagram,
    Edge,
    Group,
    Kind,
    LineStyle,
    Node,
    Shape,
    Text,
)
from diagramgen.formats.plan import Layer, Plan
from diagramgen.layout.layers import (
    Axes,
    layer_columns,
    layer_inputs,
    layer_options,
    route_skips,
)
from diagramgen.style import PALETTES, readable_text_color
from diagramgen.typeset import text_width

MAX_SHOWN = 10  # a layer up to this many units is drawn whole
HEAD, TAIL = 4, 3  # a wider layer shows its first 4, an ellipsis, its last 3
ROLE_NAMES = {"dense": "hidden"}
ROLE_FILL = {"input": 0, "dense": 1, "output": 2}


def shown_slots(units: int) -> list[int | None]:
    """Unit indices drawn for a layer; None marks the ellipsis slot."""
    if units <= MAX_SHOWN:
        return list(range(units))
    return [*range(HEAD), None, *range(units - TAIL, units)]


def caption(layer: Layer) -> str:
    """A layer's caption: its label, else its role name with its unit count."""
    if layer.label:
        return layer.label
    name = ROLE_NAMES.get(layer.type, layer.type)
    return f"{name} {layer.units}" if layer.units is not None else name


def _units(layer: Layer) -> int:
    return layer.units if layer.units is not None else 1


def neuron_layout(plan: Plan) -> Diagram:
    """Evenly spaced layer columns, fully connected between connected layers."""
    axes = Axes(plan.style.orientation)
    palette = PALETTES[plan.style.palette]
    columns = layer_columns(plan)
    slots = [shown_slots(_units(layer)) for layer in plan.layers]
    column_slots = [sum(len(slots[i]) + 1 for i in col) - 1 for col in columns]
    most = max(column_slots)

    # Fit the default canvas where possible; a larger net grows the canvas instead.
    cross_room = (DEFAULT_HEIGHT - 120) if axes.horizontal else (DEFAULT_WIDTH - 240)
    rank_room = (DEFAULT_WIDTH - 120) if axes.horizontal else (DEFAULT_HEIGHT - 120)
    pitch = max(24.0, min(64.0, cross_room / most))
    diameter = max(14.0, min(40.0, pitch * 0.58))
    rank_pitch = max(3.5 * diameter, min(220.0, rank_room / max(1, len(columns) - 1)))
    # A line between the outermost neurons of two columns must clear the neighbours of its
    # end nodes: with offset dv across and rank distance R it passes a neighbour at
    # R * (pitch - d/2) / dv along, which must exceed d/2.
    reach = max(
        ((a - 1) + (b - 1)) * pitch / 2
        for a, b in zip(column_slots, [*column_slots[1:], 1], strict=True)
    )
    rank_pitch = max(rank_pitch, diameter * reach / (2 * pitch - diameter) + 6)

    diagram = Diagram(kind=Kind(plan.kind.value), orientation=plan.style.orientation)
    shape = plan.style.shape or Shape.CIRCLE
    for depth, column in enumerate(columns):
        v = -column_slots[depth] * pitch / 2
        for i in column:
            layer = plan.layers[i]
            fill = palette.fills[ROLE_FILL.get(layer.type, 3)]
            group = Group(
                f"L{i + 1}", layer.type, layer.units, caption(layer), options=layer_options(layer)
            )
            for unit in slots[i]:
                x, y = axes.xy(depth * rank_pitch, v + pitch / 2)
                v += pitch
                if unit is None:
                    dots = "⋮" if axes.horizontal else "⋯"
                    diagram.texts.append(Text(x, y + 6, dots, 20, palette.caption))
                    continue
                node = Node(
                    id=f"L{i + 1}_{unit + 1}",
                    x=x,
                    y=y,
                    width=diameter,
                    height=diameter,
                    shape=shape,
                    fill=fill,
                    line_color=palette.stroke,
                    group=group.id,
                    text_color=readable_text_color(fill),
                )
                diagram.nodes.append(node)
                group.node_ids.append(node.id)
            # Gap between branch layers stacked in one column, room for a caption between.
            v += pitch if axes.horizontal else max(pitch, text_width(group.label, 13) + 24)
            diagram.groups.append(group)
    diagram.groups.sort(key=lambda g: int(g.id[1:]))
    _connect(diagram, plan, palette.edge)
    _captions(diagram, axes, palette.caption)
    _skips(diagram, plan, axes, palette.stroke)
    return diagram


def _connect(diagram: Diagram, plan: Plan, color: tuple[int, int, int]) -> None:
    style = plan.style.line or LineStyle.SOLID_LINE
    members = {g.id: g.node_ids for g in diagram.groups}
    for i, ins in enumerate(layer_inputs(plan)):
        for j in ins:
            bundle = f"L{j + 1}-L{i + 1}"
            for s in members[f"L{j + 1}"]:
                for t in members[f"L{i + 1}"]:
                    diagram.edges.append(Edge(s, t, style, color, bundle=bundle))


def _captions(diagram: Diagram, axes: Axes, color: tuple[int, int, int]) -> None:
    """Captions in one row (or column) aligned under the layers; a layer sharing its
    column with a branch gets its caption right after its own last node instead."""
    nodes = {n.id: n for n in diagram.nodes}
    at_u: dict[float, int] = {}
    for g in diagram.groups:
        u = axes.u_of(nodes[g.node_ids[0]])
        at_u[u] = at_u.get(u, 0) + 1
    row = max(n.bottom for n in diagram.nodes) + 26
    col = min(n.left for n in diagram.nodes) - 16
    for g in diagram.groups:
        first, last = nodes[g.node_ids[0]], nodes[g.node_ids[-1]]
        shared = at_u[axes.u_of(first)] > 1
        if axes.horizontal:
            y = last.bottom + 18 if shared else row
            diagram.texts.append(Text(first.x, y, g.label, 13, color))
        elif shared:
            diagram.texts.append(Text(last.right + 10, last.y + 4, g.label, 13, color, "start"))
        else:
            diagram.texts.append(Text(col, first.y + 4, g.label, 13, color, anchor="end"))


def _skips(diagram: Diagram, plan: Plan, axes: Axes, color: tuple[int, int, int]) -> None:
    nodes = {n.id: n for n in diagram.nodes}
    first = {g.id: nodes[g.node_ids[0]] for g in diagram.groups}
    skips = []
    for a, b in plan.skips:
        spanned = [first[f"L{k + 1}"] for k in range(a + 1, b)]
        skips.append((first[f"L{a + 1}"], first[f"L{b + 1}"], spanned))
    route_skips(diagram, axes, skips, color)
