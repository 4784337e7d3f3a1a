"""The diagram model: plain geometry and semantics that every stage exchanges.

A strict point of cut-off: layout produces a `Diagram`; renderers, metrics and the structure
summary read only these fields. Coordinates are pixels, `x`/`y` are node *centres* (as in the
seed's node-list format), the origin is the canvas's top-left corner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

RGB = tuple[int, int, int]
Point = tuple[float, float]

DEFAULT_WIDTH = 1000
DEFAULT_HEIGHT = 600


class Shape(StrEnum):
    RECTANGLE = "rectangle"
    ROUND_RECTANGLE = "round rectangle"
    CIRCLE = "circle"


class LineStyle(StrEnum):
    SOLID_ARROW = "solid arrow"
    SOLID_LINE = "solid line"
    DASHED_LINE = "dashed line"


class Kind(StrEnum):
    NN = "nn"
    CNN = "cnn"
    FLOW = "flow"
    NODES = "nodes"  # a bare node list (the seed's format) with no declared semantics


class Orientation(StrEnum):
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"


@dataclass
class Node:
    id: str
    x: float
    y: float
    width: float
    height: float
    shape: Shape = Shape.ROUND_RECTANGLE
    fill: RGB = (255, 255, 255)
    line_color: RGB = (0, 0, 0)
    label: str = ""
    group: str | None = None
    text_color: RGB = (0, 0, 0)
    font_size: float = 14.0

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2

    @property
    def top(self) -> float:
        return self.y - self.height / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height / 2


@dataclass
class Edge:
    source: str
    target: str
    style: LineStyle = LineStyle.SOLID_ARROW
    color: RGB = (60, 60, 60)
    # Intermediate bend points between the two node boundaries; empty means a straight line.
    route: list[Point] = field(default_factory=list)
    # Part of a dense layer-to-layer bundle (crossings inside a bundle are by design).
    bundle: str | None = None


@dataclass
class Group:
    """A set of nodes with one meaning, e.g. a layer of a net: type, true size, label."""

    id: str
    type: str
    size: int | None
    label: str
    node_ids: list[str] = field(default_factory=list)


@dataclass
class Text:
    """Free text on the canvas (layer captions, the ellipsis of a collapsed layer)."""

    x: float
    y: float
    text: str
    font_size: float = 13.0
    color: RGB = (40, 40, 40)
    anchor: str = "middle"  # SVG text-anchor: start | middle | end


@dataclass
class Diagram:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    width: int = DEFAULT_WIDTH
    height: int = DEFAULT_HEIGHT
    kind: Kind = Kind.NODES
    orientation: Orientation = Orientation.HORIZONTAL
    background: RGB = (255, 255, 255)

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def structure(self) -> dict[str, Any]:
        """The structure summary: the contract other tools compare against."""
        return {
            "kind": self.kind.value,
            "layers": [{"type": g.type, "size": g.size, "label": g.label} for g in self.groups],
            "nodes": [{"id": n.id, "label": n.label.replace("\n", " ")} for n in self.nodes],
            "edges": [[e.source, e.target] for e in self.edges],
        }
