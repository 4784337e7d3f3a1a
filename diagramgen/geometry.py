"""Plain 2-D geometry on Diagram parts: where an edge leaves a node, and the drawn edge path."""

from __future__ import annotations

import math

from diagramgen.diagram import Diagram, Edge, Node, Point, Shape


def boundary_point(node: Node, toward: Point) -> Point:
    """Where the ray from the node's centre toward `toward` leaves the node's outline."""
    dx, dy = toward[0] - node.x, toward[1] - node.y
    if dx == 0 and dy == 0:
        return (node.x, node.y)
    rx, ry = node.width / 2, node.height / 2
    if node.shape is Shape.CIRCLE:
        t = 1 / math.sqrt((dx / rx) ** 2 + (dy / ry) ** 2)
    else:
        t = min(rx / abs(dx) if dx else math.inf, ry / abs(dy) if dy else math.inf)
    t = min(t, 1.0)
    return (node.x + dx * t, node.y + dy * t)


def edge_path(diagram: Diagram, edge: Edge, nodes: dict[str, Node] | None = None) -> list[Point]:
    """The drawn polyline of an edge, clipped to both node outlines."""
    nodes = nodes if nodes is not None else {n.id: n for n in diagram.nodes}
    src, dst = nodes[edge.source], nodes[edge.target]
    inner = list(edge.route)
    first = inner[0] if inner else (dst.x, dst.y)
    last = inner[-1] if inner else (src.x, src.y)
    return [boundary_point(src, first), *inner, boundary_point(dst, last)]
