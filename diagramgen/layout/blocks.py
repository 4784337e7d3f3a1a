"""CNNs as a stack of labelled blocks, with tensor shapes propagated through the stack."""

from __future__ import annotations

import math
from dataclasses import dataclass

from diagramgen.diagram import Diagram, Edge, Group, Kind, LineStyle, Node, Shape
from diagramgen.errors import DiagramTextError
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

FONT = 13.0
LINE_H = 17.0
RANK_GAP = 38.0
CROSS_GAP = 30.0
TYPE_FILL = {"input": 0, "conv": 1, "pool": 2, "flatten": 3, "dropout": 3, "dense": 0, "output": 2}
TYPE_FILL["repeat"] = 1


@dataclass(frozen=True)
class Tensor:
    """A layer's output: an image (h, w, channels) or a vector of n units; None = unknown."""

    h: int | None = None
    w: int | None = None
    c: int | None = None
    n: int | None = None

    def text(self) -> str:
        """The shape as a block shows it, e.g. '30×30×16' or '128' (empty when unknown)."""
        if self.h is not None and self.w is not None:
            return f"{self.h}×{self.w}" + (f"×{self.c}" if self.c else "")
        return str(self.n) if self.n is not None else ""


def _window(size: int, k: int, stride: int, same: bool, layer: Layer) -> int:
    out = math.ceil(size / stride) if same else (size - k) // stride + 1
    if out < 1:
        raise DiagramTextError.at(
            layer.line, f"a {k}x{k} window does not fit the {size}-wide input of this layer"
        )
    return out


def next_tensor(layer: Layer, x: Tensor) -> Tensor:
    """Shape propagation: 32x32 -> conv 3x3 -> 30x30 -> pool 2x2 -> 15x15."""
    t = layer.type
    if t == "input":
        if layer.image:
            dims = (*layer.image, None)
            return Tensor(dims[0], dims[1], dims[2])
        return Tensor(n=layer.units)
    if t in ("dense", "output"):
        return Tensor(n=layer.units)
    if t == "flatten":
        if x.h is not None and x.w is not None:
            return Tensor(n=x.h * x.w * (x.c or 1) if x.c else None)
        return x
    if t == "conv" and layer.kernel and x.h is not None and x.w is not None:
        s = layer.stride or 1
        h = _window(x.h, layer.kernel[0], s, layer.same, layer)
        w = _window(x.w, layer.kernel[1], s, layer.same, layer)
        return Tensor(h, w, layer.filters or x.c)
    if t == "conv":
        return Tensor(c=layer.filters)
    if t == "pool" and layer.global_pool:
        return Tensor(n=x.c)
    if t == "pool" and layer.kernel and x.h is not None and x.w is not None:
        s = layer.stride or layer.kernel[0]
        h = _window(x.h, layer.kernel[0], s, False, layer)
        w = _window(x.w, layer.kernel[1], s, False, layer)
        return Tensor(h, w, x.c)
    return x if t in ("dropout", "pool", "repeat") else Tensor()


def propagate(plan: Plan) -> list[Tensor]:
    """The output tensor of every layer of the plan, in order."""
    shapes: list[Tensor] = []
    for layer, ins in zip(plan.layers, layer_inputs(plan), strict=True):
        shapes.append(next_tensor(layer, shapes[ins[0]] if ins else Tensor()))
    return shapes


def _kernel(layer: Layer) -> str:
    return f"{layer.kernel[0]}×{layer.kernel[1]}" if layer.kernel else ""


def block_title(layer: Layer) -> str:
    """A block's title: the layer type with its window and filters, pool mode or dropout rate."""
    t = layer.type
    if t == "conv":
        filters = f", {layer.filters}" if layer.filters else ""
        return f"conv {_kernel(layer)}{filters}"
    if t == "pool":
        return (
            f"global {layer.mode} pool"
            if layer.global_pool
            else f"{layer.mode} pool {_kernel(layer)}"
        )
    if t == "dropout" and layer.rate is not None:
        return f"dropout {layer.rate:g}"
    if t == "repeat":
        return f"{layer.label or 'block'} × {layer.times}"
    return t


def structure_size(layer: Layer, tensor: Tensor) -> int | None:
    """The size the structure summary reports: spatial side for images, units for vectors."""
    if layer.type in ("dense", "output") or (layer.type == "input" and not layer.image):
        return layer.units
    if layer.type == "repeat":
        return layer.times
    return tensor.h if tensor.h is not None else tensor.n


def _extent(tensor: Tensor, biggest_side: int, biggest_n: int) -> float:
    """Block length across the flow: area-like for images, log-scaled for vectors."""
    if tensor.h is not None:
        return 70 + 190 * math.sqrt(tensor.h / biggest_side)
    if tensor.n is not None:
        return 50 + 120 * math.log1p(tensor.n) / math.log1p(biggest_n)
    return 80.0


def _elements(t: Tensor) -> int | None:
    if t.h is not None and t.w is not None:
        return t.h * t.w * (t.c or 1)
    return t.n


def _shrink_with_the_tensor(
    plan: Plan, shapes: list[Tensor], sized: dict[int, tuple[float, float, str]], axes: Axes
) -> None:
    """A block is never drawn larger across the flow than the block it comes from unless its
    tensor is larger (a pool after a conv, a flatten after a pool), text room permitting."""
    for i, ins in enumerate(layer_inputs(plan)):
        if len(ins) != 1:
            continue
        j = ins[0]
        mine, theirs = _elements(shapes[i]), _elements(shapes[j])
        if mine is None or theirs is None or mine > theirs:
            continue
        along, across, label = sized[i]
        lines = label.split("\n")
        text_room = (
            LINE_H * len(lines) + 14
            if axes.horizontal
            else max(text_width(line, FONT) for line in lines) + 20
        )
        sized[i] = (along, max(text_room, min(across, sized[j][1])), label)


def block_layout(plan: Plan) -> Diagram:
    """Blocks left to right (or top to bottom), arrows between, residual arrows around."""
    axes = Axes(plan.style.orientation)
    palette = PALETTES[plan.style.palette]
    shapes = propagate(plan)
    biggest_side = max([t.h for t in shapes if t.h is not None] or [1])
    biggest_n = max([t.n for t in shapes if t.n is not None] or [1])
    diagram = Diagram(kind=Kind(plan.kind.value), orientation=plan.style.orientation)
    sized: dict[int, tuple[float, float, str]] = {}
    for i, (layer, tensor) in enumerate(zip(plan.layers, shapes, strict=True)):
        title = block_title(layer) if layer.type == "repeat" else layer.label or block_title(layer)
        label = f"{title}\n{tensor.text()}" if tensor.text() else title
        text_w = max(text_width(line, FONT) for line in label.split("\n")) + 20
        lines_h = LINE_H * len(label.split("\n")) + 14
        if plan.style.shape is Shape.CIRCLE:  # an ellipse holds text in its middle 3/4
            text_w, lines_h = text_w / 0.72, lines_h / 0.72
        if axes.horizontal:
            along, across = (
                max(72.0, text_w),
                max(lines_h, _extent(tensor, biggest_side, biggest_n)),
            )
        else:
            along, across = lines_h, max(text_w, 1.2 * _extent(tensor, biggest_side, biggest_n))
        sized[i] = (along, across, label)
    _shrink_with_the_tensor(plan, shapes, sized, axes)

    u = 0.0
    for column in layer_columns(plan):
        along = max(sized[i][0] for i in column)
        total = sum(sized[i][1] for i in column) + CROSS_GAP * (len(column) - 1)
        v = -total / 2
        for i in column:
            layer, (_a, c, label) = plan.layers[i], sized[i]
            fill = palette.fills[TYPE_FILL.get(layer.type, 3)]
            x, y = axes.xy(u + along / 2, v + c / 2)
            w, h = axes.wh(along, c)
            diagram.nodes.append(
                Node(
                    id=f"L{i + 1}",
                    x=x,
                    y=y,
                    width=w,
                    height=h,
                    shape=plan.style.shape or Shape.RECTANGLE,
                    fill=fill,
                    line_color=palette.stroke,
                    label=label,
                    group=f"L{i + 1}",
                    text_color=readable_text_color(fill),
                    font_size=FONT,
                    copies=min(layer.times or 1, 3),
                )
            )
            v += c + CROSS_GAP
        u += along + RANK_GAP
    for i, layer in enumerate(plan.layers):
        size = structure_size(layer, shapes[i])
        title = sized[i][2].replace("\n", " · ")
        diagram.groups.append(
            Group(f"L{i + 1}", layer.type, size, title, [f"L{i + 1}"], layer_options(layer))
        )
    style = plan.style.line or LineStyle.SOLID_ARROW
    for i, ins in enumerate(layer_inputs(plan)):
        for j in ins:
            diagram.edges.append(Edge(f"L{j + 1}", f"L{i + 1}", style, palette.edge))
    nodes = {n.id: n for n in diagram.nodes}
    skips = [
        (nodes[f"L{a + 1}"], nodes[f"L{b + 1}"], [nodes[f"L{k + 1}"] for k in range(a + 1, b)])
        for a, b in plan.skips
    ]
    route_skips(diagram, axes, skips, palette.stroke)
    return diagram
