"""What neuron and block layouts share: the layer graph, orientation axes, skip routing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from diagramgen.diagram import Diagram, Edge, LineStyle, Node, Orientation, Point
from diagramgen.formats.plan import Layer, Plan


def layer_options(layer: Layer) -> dict[str, Any]:
    """A layer's options as the structure states them, defaults resolved (conv stride 1 and
    valid padding, pool stride = window, pool mode max)."""
    options: dict[str, Any] = {}
    if layer.type == "input" and layer.image:
        options["shape"] = list(layer.image)
    elif layer.type == "conv" and layer.kernel:
        options |= {"kernel": layer.kernel[0], "stride": layer.stride or 1}
        options["padding"] = "same" if layer.same else "valid"
        if layer.filters:
            options["filters"] = layer.filters
    elif layer.type == "pool":
        options["mode"] = layer.mode
        if layer.global_pool:
            options["global"] = True
        elif layer.kernel:
            options |= {"kernel": layer.kernel[0], "stride": layer.stride or layer.kernel[0]}
    elif layer.type == "dropout" and layer.rate is not None:
        options["rate"] = layer.rate
    elif layer.type == "repeat" and layer.times:
        options["count"] = layer.times
    return options


def layer_inputs(plan: Plan) -> list[list[int]]:
    """Each layer's input layers (0-based): none for an input layer (so a net may have
    several inputs), else those listed with from=, else the previous layer."""
    return [
        [] if layer.type == "input" else (layer.inputs or ([i - 1] if i else []))
        for i, layer in enumerate(plan.layers)
    ]


def layer_columns(plan: Plan) -> list[list[int]]:
    """Layers grouped by depth (longest path from an input); branches share a column."""
    depth: list[int] = []
    for ins in layer_inputs(plan):
        depth.append(max((depth[j] + 1 for j in ins), default=0))
    columns: list[list[int]] = [[] for _ in range(max(depth) + 1)]
    for i, d in enumerate(depth):
        columns[d].append(i)
    return columns


@dataclass(frozen=True)
class Axes:
    """Maps (u along the flow, v across it) to (x, y) for either orientation."""

    orientation: Orientation

    @property
    def horizontal(self) -> bool:
        """Whether u runs along x (the flow goes left to right)."""
        return self.orientation is Orientation.HORIZONTAL

    def xy(self, u: float, v: float) -> Point:
        """The (x, y) point at position (u, v)."""
        return (u, v) if self.horizontal else (v, u)

    def wh(self, along_u: float, along_v: float) -> tuple[float, float]:
        """(width, height) of a box `along_u` long along the flow and `along_v` across it."""
        return (along_u, along_v) if self.horizontal else (along_v, along_u)

    def u_of(self, node: Node) -> float:
        """A node's centre along the flow."""
        return node.x if self.horizontal else node.y

    def v_min(self, node: Node) -> float:
        """A node's lowest v: its top side when horizontal, its left side when vertical."""
        return node.top if self.horizontal else node.left


def route_skips(
    diagram: Diagram,
    axes: Axes,
    skips: list[tuple[Node, Node, list[Node]]],
    color: tuple[int, int, int],
) -> None:
    """Residual arrows: out of the source's near side, along a lane clear of every node they
    jump over, back into the target. Nested skips get lanes further out."""
    for k, (src, dst, spanned) in enumerate(sorted(skips, key=lambda s: axes.u_of(s[1]))):
        lane = min(axes.v_min(n) for n in [src, dst, *spanned]) - 22 * (k + 1)
        route = [axes.xy(axes.u_of(src), lane), axes.xy(axes.u_of(dst), lane)]
        diagram.edges.append(Edge(src.id, dst.id, LineStyle.SOLID_ARROW, color, route))
