"""Plain 2-D geometry on Diagram parts: where an edge leaves a node, and the drawn edge path."""

from __future__ import annotations

import math

import numpy as np

from diagramgen.diagram import Diagram, Edge, Node, Point, Shape

COPY_OFFSET = 5.0  # px between a repeated block and each copy stacked behind it


def slant(node: Node) -> float:
    """How far a parallelogram's top side is shifted right of its bottom side."""
    return min(node.height * 0.35, node.width / 4)


def cap(node: Node) -> float:
    """The vertical radius of a cylinder's elliptic top and bottom."""
    return min(9.0, node.height / 6)


def outline(node: Node) -> list[Point] | None:
    """The corners of a polygonal node (diamond, parallelogram); None for the other shapes."""
    if node.shape is Shape.DIAMOND:
        return [
            (node.x, node.top),
            (node.right, node.y),
            (node.x, node.bottom),
            (node.left, node.y),
        ]
    if node.shape is Shape.PARALLELOGRAM:
        s = slant(node)
        return [
            (node.left + s, node.top),
            (node.right, node.top),
            (node.right - s, node.bottom),
            (node.left, node.bottom),
        ]
    return None


def _ray_exit(centre: Point, d: Point, polygon: list[Point]) -> float:
    """The smallest t > 0 where centre + t * d meets the polygon's boundary."""
    best = math.inf
    for (ax, ay), (bx, by) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        ex, ey = bx - ax, by - ay
        denom = d[0] * ey - d[1] * ex
        if abs(denom) < 1e-12:
            continue
        wx, wy = ax - centre[0], ay - centre[1]
        t = (wx * ey - wy * ex) / denom
        s = (wx * d[1] - wy * d[0]) / denom
        if t > 0 and -1e-9 <= s <= 1 + 1e-9:
            best = min(best, t)
    return best


def boundary_point(node: Node, toward: Point) -> Point:
    """Where the ray from the node's centre toward `toward` leaves the node's outline."""
    dx, dy = toward[0] - node.x, toward[1] - node.y
    if dx == 0 and dy == 0:
        return (node.x, node.y)
    rx, ry = node.width / 2, node.height / 2
    corners = outline(node)
    if node.shape is Shape.CIRCLE:
        t = 1 / math.sqrt((dx / rx) ** 2 + (dy / ry) ** 2)
    elif corners is not None:
        t = _ray_exit((node.x, node.y), (dx, dy), corners)
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
        t0, t1 = (max(t0, t), t1) if p < 0 else (t0, min(t1, t))
        if t0 >= t1:
            return False
    return True


def segments_entering(
    segs: np.ndarray, boxes: np.ndarray, cells: int = 400_000
) -> list[tuple[int, int]]:
    """(segment, box) index pairs where segment (x1, y1, x2, y2) passes through the inside of
    box (left, top, right, bottom), in segment order: the pairs whose bounding boxes meet,
    `cells` pairs tested at a time (memory grows with the block, not with segments x boxes),
    then Liang-Barsky clipping of those alone."""
    out: list[tuple[int, int]] = []
    if not len(segs) or not len(boxes):
        return out
    lo, hi = np.minimum(segs[:, :2], segs[:, 2:]), np.maximum(segs[:, :2], segs[:, 2:])
    block = max(1, cells // len(boxes))
    for first in range(0, len(segs), block):
        a, b = lo[first : first + block, None], hi[first : first + block, None]
        near = (a[..., 0] < boxes[:, 2]) & (b[..., 0] > boxes[:, 0])
        near &= (a[..., 1] < boxes[:, 3]) & (b[..., 1] > boxes[:, 1])
        s, k = np.nonzero(near)
        hit = _entered(segs[first + s], boxes[k])
        out += [(first + int(i), int(j)) for i, j in zip(s[hit], k[hit], strict=True)]
    return out


def _entered(segs: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Does segment i pass through the inside of box i (pairwise, Liang-Barsky)?"""
    p, d = segs[:, 0:2], segs[:, 2:4] - segs[:, 0:2]
    t0, t1 = np.zeros(len(segs)), np.ones(len(segs))
    with np.errstate(divide="ignore", invalid="ignore"):
        for axis, lo, hi in ((0, 0, 2), (1, 1, 3)):
            dd, pp = d[:, axis], p[:, axis]
            ta, tb = (boxes[:, lo] - pp) / dd, (boxes[:, hi] - pp) / dd
            inside = (pp > boxes[:, lo]) & (pp < boxes[:, hi])
            parallel = dd == 0
            t0 = np.where(parallel, np.where(inside, t0, 2.0), np.maximum(t0, np.minimum(ta, tb)))
            t1 = np.where(parallel, np.where(inside, t1, -1.0), np.minimum(t1, np.maximum(ta, tb)))
    entered: np.ndarray = t0 < t1
    return entered
