"""How well a laid-out diagram uses its drawing: the continuous parts of the readability score.

Where `metrics` counts faults (overlaps, crossings), these measure degrees, so two clean
drawings of one graph still score apart: how much the edges turn, how uneven their lengths
are, edges running over labels, how much of the canvas the nodes fill, the aspect ratio, how
large the smallest label is in a 400-pixel-wide thumbnail, and how well labels stand out.
"""

from __future__ import annotations

import bisect
import itertools
import math
import statistics
from dataclasses import dataclass

import numpy as np

from diagramgen.diagram import Diagram, Edge, Node, Orientation
from diagramgen.geometry import edge_path, segments_entering
from diagramgen.style import contrast_ratio
from diagramgen.typeset import LEGIBLE, THUMBNAIL, edge_label_box


@dataclass(frozen=True)
class DrawingParts:
    """The measured degrees (not yet penalties)."""

    turning: float  # mean turning of an edge, in right angles
    length_spread: float  # coefficient of variation of the edges' drawn lengths
    label_hits: int  # (edge, label) pairs where an edge runs over another edge's label
    ink: float  # share of the canvas the nodes cover
    aspect: float  # width / height of the canvas
    thumbnail_font: float  # px: the smallest label once the diagram is 400 px wide
    contrast: float  # mean WCAG contrast of labels, outlines and edges (1-21)
    backward: float  # share of edges that point against the reading order
    spacing: float  # coefficient of variation of each node's distance to its nearest other
    aligned: float  # share of nodes sharing a row or a column with another node


def measure_drawing(diagram: Diagram, outline: set[int] | None = None) -> DrawingParts:
    """The drawing's parts; `outline` limits the edge measures to those edges (a dense
    bundle's outline stands for the bundle)."""
    nodes = {n.id: n for n in diagram.nodes}
    edges = [e for k, e in enumerate(diagram.edges) if outline is None or k in outline]
    paths = [edge_path(diagram, e, nodes) for e in edges]
    lengths = [sum(math.dist(a, b) for a, b in itertools.pairwise(p)) for p in paths]
    spread = statistics.pstdev(lengths) / statistics.mean(lengths) if len(lengths) > 1 else 0.0
    area = max(1.0, float(diagram.width * diagram.height))
    labelled = [n for n in diagram.nodes if n.label]
    return DrawingParts(
        turning=statistics.mean(path_turning(p) for p in paths) if paths else 0.0,
        length_spread=spread if math.isfinite(spread) else 0.0,
        label_hits=_label_hits(diagram, paths, edges),
        ink=min(1.0, sum(n.width * n.height for n in diagram.nodes) / area),
        aspect=diagram.width / max(1, diagram.height),
        thumbnail_font=_thumbnail_font(diagram, labelled),
        contrast=_contrast(diagram, labelled),
        backward=_backward(diagram, paths),
        spacing=_spacing(diagram.nodes),
        aligned=_aligned(diagram.nodes),
    )


def _aligned(nodes: list[Node]) -> float:
    """The share of nodes whose centre lines up, across or down, with another node's."""
    if len(nodes) < 2:
        return 1.0
    xs = sorted(n.x for n in nodes)
    ys = sorted(n.y for n in nodes)

    def shared(values: list[float], v: float) -> bool:
        i = bisect.bisect_left(values, v - 1.5)
        return i + 1 < len(values) and values[i + 1] <= v + 1.5

    return sum(shared(xs, n.x) or shared(ys, n.y) for n in nodes) / len(nodes)


def _contrast(diagram: Diagram, labelled: list[Node]) -> float:
    """How well the drawing stands out: the labels on their fills and the outlines and edges
    on the background (mean WCAG contrast ratios, averaged)."""
    parts = [contrast_ratio(n.text_color, n.fill) for n in labelled]
    parts += [contrast_ratio(n.line_color, diagram.background) for n in diagram.nodes]
    parts += [contrast_ratio(e.color, diagram.background) for e in diagram.edges[:200]]
    return statistics.mean(parts) if parts else 21.0


def _backward(diagram: Diagram, paths: list[list[tuple[float, float]]]) -> float:
    """The share of edges that arrive moving against the reading order: leftward in a drawing
    that runs across, upward in one that runs down. By the arrowhead's heading, so a long edge
    that wraps a folded row still reads forward, and a slanting one that doubles back does not."""
    if not paths:
        return 0.0
    axis = 0 if diagram.orientation is Orientation.HORIZONTAL else 1
    count = 0
    for path in paths:
        (x0, y0), (x1, y1) = path[-2], path[-1]
        step = math.hypot(x1 - x0, y1 - y0)
        count += step > 0 and (path[-1][axis] - path[-2][axis]) / step < -0.3
    return count / len(paths)


def _spacing(nodes: list[Node]) -> float:
    """How unevenly the nodes are spaced: the spread of nearest-neighbour distances."""
    if len(nodes) < 3:
        return 0.0
    at = np.array([(n.x, n.y) for n in nodes], dtype=float)
    near: list[float] = []
    for first in range(0, len(at), 512):  # 512 rows at a time: memory bounded by n, not n²
        rows = at[first : first + 512]
        dist = np.hypot(rows[:, None, 0] - at[None, :, 0], rows[:, None, 1] - at[None, :, 1])
        dist[np.arange(len(rows)), np.arange(first, first + len(rows))] = np.inf
        near += dist.min(axis=1).tolist()
    mean = statistics.mean(near)
    return statistics.pstdev(near) / mean if mean > 0 else 0.0


def path_turning(path: list[tuple[float, float]]) -> float:
    """How much a polyline turns, in right angles (a straight line: 0)."""
    total = 0.0
    for a, b, c in zip(path, path[1:], path[2:], strict=False):
        h1 = math.atan2(b[1] - a[1], b[0] - a[0])
        h2 = math.atan2(c[1] - b[1], c[0] - b[0])
        total += abs((h2 - h1 + math.pi) % (2 * math.pi) - math.pi)
    return total / (math.pi / 2)


def _label_hits(diagram: Diagram, paths: list[list[tuple[float, float]]], edges: list[Edge]) -> int:
    """(edge, label) pairs where an edge's line runs through another edge's label box."""
    labelled = [
        (e, edge_label_box(e.label, e.label_at))
        for e in diagram.edges
        if e.label and e.label_at is not None
    ]
    segs = [(*a, *b) for path in paths for a, b in itertools.pairwise(path)]
    owner = [k for k, path in enumerate(paths) for _ in range(len(path) - 1)]
    if not labelled or not segs:
        return 0
    boxes = np.array([box for _, box in labelled])
    hits = segments_entering(np.array(segs, dtype=float), boxes)
    return len({(owner[s], b) for s, b in hits if labelled[b][0] is not edges[owner[s]]})


def _thumbnail_font(diagram: Diagram, labelled: list[Node]) -> float:
    if not labelled:
        return LEGIBLE
    scale = min(1.0, THUMBNAIL / max(1, diagram.width))
    return min(n.font_size for n in labelled) * scale


# (penalty per unit, cap) of each part, on the 0-5 scale
WEIGHTS = {
    "turning": (0.08, 0.3),
    "length_spread": (0.15, 0.3),
    "label_hits": (0.1, 0.5),
    "ink": (2.0, 0.5),
    "aspect": (0.3, 0.5),
    "thumbnail_font": (0.1, 0.6),
    "contrast": (0.7, 0.15),
    "backward": (1.0, 0.6),
    "spacing": (0.4, 0.4),
    "balance": (0.05, 0.15),
    "aligned": (0.5, 0.5),
}
INK_BAND = (0.12, 0.5)  # nodes filling less looks empty, more looks crowded
ASPECT_BAND = (0.5, 2.5)


def drawing_penalties(parts: DrawingParts) -> dict[str, float]:
    """Each part as a penalty on the 0-5 scale (0 when it is as good as it gets)."""
    low, high = INK_BAND
    ink_off = max(0.0, low - parts.ink, parts.ink - high)
    narrow, wide = ASPECT_BAND
    aspect_off = max(0.0, math.log2(narrow / parts.aspect), math.log2(parts.aspect / wide))
    degrees = {
        "turning": parts.turning,
        "length_spread": parts.length_spread,
        "label_hits": float(parts.label_hits),
        "ink": ink_off,
        "aspect": aspect_off,
        "thumbnail_font": max(0.0, LEGIBLE - parts.thumbnail_font),
        "contrast": 1.0 / max(1.0, parts.contrast),  # 7:1 costs 0.1, 21:1 about 0.03
        "backward": parts.backward,
        "spacing": parts.spacing,
        "aligned": 1.0 - parts.aligned,
        # a gentle pull toward a canvas about 1.4 times as wide as tall, a quarter inked
        "balance": abs(math.log(max(parts.aspect, 1e-3) / 1.4))
        + abs(math.log(max(parts.ink, 1e-3) / 0.25)),
    }
    return {k: min(cap, w * degrees[k]) for k, (w, cap) in WEIGHTS.items()}
