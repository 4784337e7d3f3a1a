"""Plain 2-D geometry on Diagram parts: edge paths, boundary clipping, intersections."""

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


def segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Proper intersection of segments ab and cd (touching at an end does not count)."""

    def orient(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2 = orient(c, d, a), orient(c, d, b)
    d3, d4 = orient(a, b, c), orient(a, b, d)
    eps = 1e-9
    return ((d1 > eps and d2 < -eps) or (d1 < -eps and d2 > eps)) and (
        (d3 > eps and d4 < -eps) or (d3 < -eps and d4 > eps)
    )


def segment_hits_box(a: Point, b: Point, box: tuple[float, float, float, float]) -> bool:
    """Does segment ab pass through the open box (left, top, right, bottom)? Liang-Barsky."""
    left, top, right, bottom = box
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - left), (dx, right - a[0]), (-dy, a[1] - top), (dy, bottom - a[1])):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return False
    return True
