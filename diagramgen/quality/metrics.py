"""Readability metrics on a Diagram and the documented 0-5 readability score.

Score = 5 minus capped penalties (docs/READABILITY.md explains each and why its weight):
overlapping nodes, nodes off the canvas, edge crossings (not counting the designed crossings
inside a dense layer-to-layer bundle), edges passing through nodes, labels that overflow their
node, unlabelled nodes, low text contrast, cramped spacing.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from diagramgen.diagram import Diagram, Node, Shape
from diagramgen.geometry import edge_path, segments_entering
from diagramgen.quality.drawing import DrawingParts, drawing_penalties, measure_drawing
from diagramgen.style import contrast_ratio
from diagramgen.typeset import LABEL_LINE, label_lines, text_width, text_width_inside

MIN_GAP = 6.0  # px between node outlines below which spacing counts as cramped
MIN_CONTRAST = 4.5  # WCAG AA for normal text

# The share of a node's box an edge may not enter: a circle's and a diamond's inscribed square.
CORE_SHARE = {Shape.CIRCLE: 0.707, Shape.DIAMOND: 0.5, Shape.PARALLELOGRAM: 0.8}
# (weight per occurrence, cap): a single overlap is a visible defect; crossings are milder.
PENALTIES = {
    "overlaps": (0.5, 2.0),
    "off_canvas": (0.5, 1.5),
    "crossings": (0.05, 0.75),
    "edges_through_nodes": (0.25, 0.75),
    "label_overflow": (0.1, 0.5),
    "unlabelled_fraction": (1.0, 1.0),
    "low_contrast": (0.1, 0.5),
    "cramped": (0.1, 0.5),
}


@dataclass
class Readability:
    """The readability metrics of one diagram and its 0-5 score."""

    overlaps: int
    off_canvas: int
    crossings: int
    edges_through_nodes: int
    label_overflow: int
    unlabelled_fraction: float
    low_contrast: int
    cramped: int
    min_gap: float
    score: float
    drawing: DrawingParts | None = None  # the continuous parts (quality.drawing)
    penalties: dict[str, float] = field(default_factory=dict)  # what each part cost the score

    @property
    def clean(self) -> bool:
        """No overlapping nodes and everything on the canvas (the seed comparison's test)."""
        return self.overlaps == 0 and self.off_canvas == 0

    def as_dict(self) -> dict[str, Any]:
        """The metrics, the drawing's parts and each part's penalty, as a dict."""
        out: dict[str, Any] = asdict(self)
        out["drawing"] = (
            None
            if self.drawing is None
            else {k: round(v, 3) for k, v in asdict(self.drawing).items()}
        )
        return out


def _boxes(nodes: list[Node]) -> np.ndarray:
    return np.array([[n.left, n.top, n.right, n.bottom] for n in nodes], dtype=float).reshape(-1, 4)


def _cores(nodes: list[Node]) -> np.ndarray:
    """Boxes an edge must not enter: a circle's inscribed square, a box less its outline."""
    out = []
    for n in nodes:
        k = CORE_SHARE.get(n.shape, 1.0)
        hw, hh = max(n.width * k / 2 - 2, 0), max(n.height * k / 2 - 2, 0)
        out.append([n.x - hw, n.y - hh, n.x + hw, n.y + hh])
    return np.array(out, dtype=float).reshape(-1, 4)


def _shapes_overlap(a: Node, b: Node) -> bool:
    """Refine a bounding-box hit by the true outline (circles are ellipses)."""
    if a.shape is not Shape.CIRCLE and b.shape is not Shape.CIRCLE:
        return True
    if a.shape is Shape.CIRCLE and b.shape is Shape.CIRCLE:
        dist = math.hypot(a.x - b.x, a.y - b.y)
        return dist < (a.width + a.height) / 4 + (b.width + b.height) / 4 - 0.5
    circle, box = (a, b) if a.shape is Shape.CIRCLE else (b, a)
    cx = min(max(circle.x, box.left), box.right)
    cy = min(max(circle.y, box.top), box.bottom)
    nx, ny = (cx - circle.x) / (circle.width / 2), (cy - circle.y) / (circle.height / 2)
    return nx * nx + ny * ny < 0.98


def _gaps(nodes: list[Node], block: int = 256) -> tuple[int, int, float]:
    """(overlapping pairs, cramped pairs, smallest gap) over all node pairs, `block` nodes'
    pairs with those after them at a time."""
    if len(nodes) < 2:
        return 0, 0, math.inf
    b = _boxes(nodes)
    overlaps = cramped = 0
    smallest = math.inf
    for first in range(0, len(b) - 1, block):
        mine, theirs = b[first : first + block, None], b[None, first + 1 :]
        dx = np.maximum(mine[..., 0], theirs[..., 0]) - np.minimum(mine[..., 2], theirs[..., 2])
        dy = np.maximum(mine[..., 1], theirs[..., 1]) - np.minimum(mine[..., 3], theirs[..., 3])
        inside = (dx < 0) & (dy < 0)
        gap = np.where(inside, np.maximum(dx, dy), np.hypot(np.maximum(dx, 0), np.maximum(dy, 0)))
        # row r is node first + r; column c is node first + 1 + c: keep the pairs after it
        after = np.arange(gap.shape[1])[None, :] >= np.arange(gap.shape[0])[:, None]
        hits = np.argwhere((dx < -0.5) & (dy < -0.5) & after)
        overlaps += sum(
            1 for r, c in hits if _shapes_overlap(nodes[first + r], nodes[first + 1 + c])
        )
        cramped += int(((gap >= 0) & (gap < MIN_GAP) & after).sum())
        smallest = min(smallest, float(gap[after].min()))
    return overlaps, cramped, smallest


def _segments(diagram: Diagram, only: set[int] | None = None) -> tuple[np.ndarray, list[int]]:
    nodes = {n.id: n for n in diagram.nodes}
    segs, owner = [], []
    for k, edge in enumerate(diagram.edges):
        if only is not None and k not in only:
            continue
        path = edge_path(diagram, edge, nodes)
        for p, q in itertools.pairwise(path):
            segs.append((*p, *q))
            owner.append(k)
    return np.array(segs, dtype=float).reshape(-1, 4), owner


def _bundle_outline(diagram: Diagram) -> set[int]:
    """The edges standing for each dense bundle: those between its extreme nodes. Whatever
    crosses a bundle crosses one of them, so the rest need no checking."""
    nodes = {n.id: n for n in diagram.nodes}
    members: dict[str, list[int]] = {}
    for k, e in enumerate(diagram.edges):
        if e.bundle is not None:
            members.setdefault(e.bundle, []).append(k)
    keep = {k for k, e in enumerate(diagram.edges) if e.bundle is None}
    for ks in members.values():
        ends = [(nodes[diagram.edges[k].source], nodes[diagram.edges[k].target]) for k in ks]
        for side in (0, 1):
            for pick in (min, max):
                extreme = pick(ends[i][side].x + ends[i][side].y for i in range(len(ks)))
                keep |= {
                    ks[i] for i in range(len(ks)) if ends[i][side].x + ends[i][side].y == extreme
                }
    return keep


def _orient(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
    turn: np.ndarray = (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1]) - (
        q[..., 1] - p[..., 1]
    ) * (r[..., 0] - p[..., 0])
    return turn


def _crossing_pairs(segs: np.ndarray, chunk: int = 1_000_000) -> list[tuple[int, int]]:
    """Index pairs (i < j) of segments that properly cross. A sweep along the axis where fewer
    segments' extents overlap: sorted by their low end, each segment is paired with those that
    start within its extent, `chunk` pairs at a time (memory grows with the chunk, not with
    S²); only pairs whose boxes also meet across are tested for a crossing."""
    lo, hi = np.minimum(segs[:, :2], segs[:, 2:]), np.maximum(segs[:, :2], segs[:, 2:])
    sweeps = []
    for axis in (0, 1):
        order = np.argsort(lo[:, axis], kind="stable")
        stop = np.searchsorted(lo[order, axis], hi[order, axis], side="right")
        sweeps.append((axis, order, np.maximum(stop - np.arange(len(order)) - 1, 0)))
    axis, order, count = min(sweeps, key=lambda sweep: int(sweep[2].sum()))
    ends = np.cumsum(count)
    pairs: list[tuple[int, int]] = []
    first = 0
    while first < len(order):
        last = max(
            first + 1, int(np.searchsorted(ends, ends[first] - count[first] + chunk, "right"))
        )
        pairs += _crossing(segs, lo, hi, 1 - axis, order, count, first, last)
        first = last
    return pairs


def _crossing(
    segs: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    across: int,
    order: np.ndarray,
    count: np.ndarray,
    first: int,
    last: int,
) -> list[tuple[int, int]]:
    """The crossing pairs among sorted positions [first, last) and the segments after each."""
    n = count[first:last]
    if not n.sum():
        return []
    at = np.repeat(np.arange(first, last), n)
    offset = np.arange(len(at)) - np.repeat(np.cumsum(n) - n, n)
    i, j = order[at], order[at + 1 + offset]
    meet = (lo[j, across] <= hi[i, across]) & (hi[j, across] >= lo[i, across])
    i, j = i[meet], j[meet]
    a, b, c, d = segs[i, 0:2], segs[i, 2:4], segs[j, 0:2], segs[j, 2:4]
    eps = 1e-6
    hit = (_orient(c, d, a) * _orient(c, d, b) < -eps) & (
        _orient(a, b, c) * _orient(a, b, d) < -eps
    )
    return [(int(min(x, y)), int(max(x, y))) for x, y in zip(i[hit], j[hit], strict=True)]


def _crossings(diagram: Diagram, segs: np.ndarray, owner: list[int]) -> int:
    if len(segs) < 2:
        return 0
    edges = diagram.edges
    ends = [{edges[k].source, edges[k].target} for k in owner]
    # A dense layer-to-layer bundle counts as one line: it crosses itself by design, and
    # two bundles that cross count once, not once per pair of their many edges.
    keys = [edges[k].bundle or f"edge{k}" for k in owner]
    crossing: set[tuple[str, str]] = set()
    for i, j in _crossing_pairs(segs):
        if owner[i] == owner[j] or ends[i] & ends[j] or keys[i] == keys[j]:
            continue  # edges meeting at a node are not a crossing
        crossing.add((min(keys[i], keys[j]), max(keys[i], keys[j])))
    return len(crossing)


def _through_nodes(diagram: Diagram, segs: np.ndarray, owner: list[int]) -> int:
    """(edge, node) pairs where the edge passes through a node it does not connect."""
    if not len(segs) or not diagram.nodes:
        return 0
    ids = [n.id for n in diagram.nodes]
    pairs: set[tuple[int, int]] = set()
    for s, n in segments_entering(segs, _cores(diagram.nodes)):
        edge = diagram.edges[owner[s]]
        if ids[n] not in (edge.source, edge.target):
            pairs.add((owner[s], n))
    return len(pairs)


def _label_overflows(node: Node) -> bool:
    lines = label_lines(node)
    if node.shape in (Shape.DIAMOND, Shape.PARALLELOGRAM):
        inner = text_width_inside(node) + 8
    else:
        inner = node.width * (0.8 if node.shape is Shape.CIRCLE else 1.0) - 4
    widest = max((text_width(line, node.font_size) for line in lines), default=0.0)
    tall = len(lines) * node.font_size * LABEL_LINE
    return widest > inner or tall > node.height - 2


def readability(diagram: Diagram) -> Readability:
    """All metrics and the 0-5 score for one laid-out diagram."""
    nodes = diagram.nodes
    overlaps, cramped, min_gap = _gaps(nodes)
    off = sum(
        1
        for n in nodes
        if n.left < -0.5
        or n.top < -0.5
        or n.right > diagram.width + 0.5
        or n.bottom > diagram.height + 0.5
    )
    outline = _bundle_outline(diagram)
    segs, owner = _segments(diagram, outline)
    group_labels = {g.id for g in diagram.groups if g.label}
    labelled = [n for n in nodes if n.label]
    unlabelled = sum(1 for n in nodes if not n.label and n.group not in group_labels)
    counts: dict[str, float] = {
        "overlaps": overlaps,
        "off_canvas": off,
        "crossings": _crossings(diagram, segs, owner),
        "edges_through_nodes": _through_nodes(diagram, segs, owner),
        "label_overflow": sum(1 for n in labelled if _label_overflows(n)),
        "unlabelled_fraction": unlabelled / len(nodes) if nodes else 0.0,
        "low_contrast": sum(
            1 for n in labelled if contrast_ratio(n.text_color, n.fill) < MIN_CONTRAST
        ),
        "cramped": cramped,
    }
    penalties = {k: min(cap, w * counts[k]) for k, (w, cap) in PENALTIES.items()}
    drawing = measure_drawing(diagram, outline)
    penalties.update(drawing_penalties(drawing))
    return Readability(
        overlaps=overlaps,
        off_canvas=off,
        crossings=int(counts["crossings"]),
        edges_through_nodes=int(counts["edges_through_nodes"]),
        label_overflow=int(counts["label_overflow"]),
        unlabelled_fraction=round(counts["unlabelled_fraction"], 3),
        low_contrast=int(counts["low_contrast"]),
        cramped=cramped,
        min_gap=round(min_gap, 1) if math.isfinite(min_gap) else -1.0,
        score=round(max(0.0, 5.0 - sum(penalties.values())), 3),
        drawing=drawing,
        penalties={k: round(v, 3) for k, v in penalties.items() if v},
    )
