"""The diagram model: plain geometry and semantics that every stage exchanges.

A strict point of cut-off: layout produces a `Diagram`; renderers, metrics and the structure
summary read only these fields. Coordinates are pixels, `x`/`y` are node *centres* (as in the
seed's node-list format), the origin is the canvas's top-left corner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NotRequired, TypedDict

RGB = tuple[int, int, int]
Point = tuple[float, float]

DEFAULT_WIDTH = 1000
DEFAULT_HEIGHT = 600


# One layer of a net as the structure summary states it, with its options resolved (a conv's
# stride is 1 unless the plan says otherwise, a pool's stride its window). Functional form
# because one key, "global", is a Python keyword.
StructureLayer = TypedDict(
    "StructureLayer",
    {
        "type": str,
        "size": int | None,
        "label": str,
        "shape": NotRequired[list[int]],  # an image input: [H, W] or [H, W, C]
        "kernel": NotRequired[int],  # conv / pool window side
        "filters": NotRequired[int],  # conv
        "stride": NotRequired[int],  # conv / pool
        "padding": NotRequired[str],  # conv: "same" | "valid"
        "mode": NotRequired[str],  # pool: "max" | "avg"
        "global": NotRequired[bool],  # a global pool
        "rate": NotRequired[float],  # dropout
        "count": NotRequired[int],  # repeat
    },
)


class StructureNode(TypedDict):
    """One node of a flow as the structure summary states it: its plan type (decision, db …)
    and the group box it is drawn in, if any."""

    id: str
    label: str
    type: NotRequired[str]
    group: NotRequired[str]


# [source id, target id] or [source id, target id, label]; a list, as JSON reads it back
StructureEdge = list[str]


class Structure(TypedDict):
    """The structure summary: what a diagram shows, the contract other tools compare against.

    Serialised as JSON unchanged (result.json, datasets, evaluation rows).
    """

    kind: str
    layers: list[StructureLayer]
    nodes: list[StructureNode]
    edges: list[StructureEdge]


def structure_edge(source: str, target: str, label: str = "") -> StructureEdge:
    """An edge as the structure states it: the label is a third item only when there is one."""
    return [source, target, label] if label else [source, target]


def net_structure(kind: str, layers: Iterable[tuple[str, int | None]]) -> Structure:
    """The structure of a net: its layers' types and sizes in order, no labels."""
    return Structure(
        kind=kind,
        layers=[StructureLayer(type=t, size=s, label="") for t, s in layers],
        nodes=[],
        edges=[],
    )


def flow_structure(nodes: Iterable[tuple[str, str]], edges: Iterable[tuple[str, str]]) -> Structure:
    """The structure of a flow: (id, label) nodes and (source, target) edges."""
    return Structure(
        kind="flow",
        layers=[],
        nodes=[StructureNode(id=i, label=label) for i, label in nodes],
        edges=[[s, t] for s, t in edges],
    )


class Shape(StrEnum):
    """The outline a node is drawn with."""

    RECTANGLE = "rectangle"
    ROUND_RECTANGLE = "round rectangle"
    CIRCLE = "circle"
    DIAMOND = "diamond"  # a decision
    CYLINDER = "cylinder"  # a database or store
    PARALLELOGRAM = "parallelogram"  # input or output data


class LineStyle(StrEnum):
    """How an edge is drawn: a solid arrow, a solid line or a dashed line."""

    SOLID_ARROW = "solid arrow"
    SOLID_LINE = "solid line"
    DASHED_LINE = "dashed line"


class Kind(StrEnum):
    """What a diagram shows: a neural net, a CNN, a flow or a bare node list."""

    NN = "nn"
    CNN = "cnn"
    FLOW = "flow"
    NODES = "nodes"  # a bare node list (the seed's format) with no declared semantics


class Orientation(StrEnum):
    """The direction a diagram runs in: horizontal or vertical."""

    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"


@dataclass
class Node:
    """A node on the canvas: centre, size, shape, colours and label."""

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
    copies: int = 1  # a repeated block is drawn with up to 2 copies stacked behind it
    role: str = ""  # a flow node's plan type: decision, db, data, process …

    @property
    def left(self) -> float:
        """The x of the node's left side."""
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        """The x of the node's right side."""
        return self.x + self.width / 2

    @property
    def top(self) -> float:
        """The y of the node's top side."""
        return self.y - self.height / 2

    @property
    def bottom(self) -> float:
        """The y of the node's bottom side."""
        return self.y + self.height / 2


@dataclass
class Edge:
    """A connection between two nodes, straight or routed through bend points."""

    source: str
    target: str
    style: LineStyle = LineStyle.SOLID_ARROW
    color: RGB = (60, 60, 60)
    # Intermediate bend points between the two node boundaries; empty means a straight line.
    route: list[Point] = field(default_factory=list)
    # Part of a dense layer-to-layer bundle (crossings inside a bundle are by design).
    bundle: str | None = None
    label: str = ""  # e.g. "yes" on a decision's out-edge
    label_at: Point | None = None  # the label's centre, placed by layout


@dataclass
class Group:
    """A set of nodes with one meaning, e.g. a layer of a net: type, true size, label."""

    id: str
    type: str
    size: int | None
    label: str
    node_ids: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)  # a layer's resolved options


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
class Cluster:
    """A labelled box drawn around some nodes (a flow's `group`), placed by layout."""

    label: str
    node_ids: list[str]
    x: float = 0.0  # the box's left, top, width and height
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    lane: bool = False  # a swimlane: a band across the whole flow, cut where the flow folds


@dataclass
class Diagram:
    """A laid-out diagram: nodes, edges, groups and free texts on a canvas of a given size."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    width: int = DEFAULT_WIDTH
    height: int = DEFAULT_HEIGHT
    kind: Kind = Kind.NODES
    orientation: Orientation = Orientation.HORIZONTAL
    background: RGB = (255, 255, 255)

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError if there is none)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def structure(self) -> Structure:
        """The structure summary of this diagram (see `Structure`)."""
        boxes = {i: c.label for c in self.clusters for i in c.node_ids}
        return Structure(
            kind=self.kind.value,
            layers=[_structure_layer(g) for g in self.groups],
            nodes=[_structure_node(n, boxes.get(n.id)) for n in self.nodes],
            edges=[structure_edge(e.source, e.target, e.label) for e in self.edges],
        )


def _structure_layer(group: Group) -> StructureLayer:
    layer = StructureLayer(type=group.type, size=group.size, label=group.label)
    layer.update(group.options)  # type: ignore[typeddict-item]
    return layer


def _structure_node(node: Node, box: str | None) -> StructureNode:
    out = StructureNode(id=node.id, label=node.label.replace("\n", " "))
    if node.role:
        out["type"] = node.role
    if box:
        out["group"] = box
    return out
