"""Long drawings folded like lines of text, so a 30-step chain is not a 5,000-pixel strip.

A laid-out flow or block stack wider than 2.5:1 (or, running down, taller than 1:2), or
running across too wide for its smallest label to read in a 400-pixel thumbnail, is cut
between its ranks into as few bands as bring it within those bounds; the bands are stacked
across the flow (rows under each other for a horizontal drawing, columns side by side for a
vertical one), each still read in the flow's direction. An edge that crosses a cut leaves its
band past the band's end, runs along the gap between the bands in a lane of its own, and comes
into the next band from its start; where a band is a single node joined to its neighbour by
one edge alone, the chain turns there instead (c straight under b). A group box goes whole
into one band; a swimlane is cut, a piece in each band that holds its nodes.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from diagramgen.diagram import Cluster, Diagram, Node, Orientation, Point
from diagramgen.layout.canvas import content_box
from diagramgen.layout.layers import Axes
from diagramgen.typeset import LEGIBLE, THUMBNAIL

MOST = 2.5  # the widest a drawing running across may be (width : height) before it is folded
LEAST = 0.5  # the narrowest a drawing running down may be
BAND_GAP = 36.0  # between two bands, before the lanes of the edges crossing between them
LANE = 8.0  # between two edges running side by side past a band's end or in a gap


@dataclass(frozen=True)
class _Band:
    """Ranks [start, end) of the drawing along the flow, and where they go."""

    start: float  # along the flow, in the unfolded drawing
    end: float
    shift_u: float  # added to u: moves the band to the start
    shift_v: float  # added to v: moves the band across, past the bands before it


def _slots(diagram: Diagram, axes: Axes) -> list[tuple[float, float]]:
    """The along-the-flow intervals the nodes and group boxes occupy, merged where they overlap
    (the ranks; a cut between two never splits a group)."""
    spans = sorted(_span_u(n, axes) for n in diagram.nodes)
    for c in diagram.clusters:
        if not c.lane:  # a swimlane runs the whole length: it is cut with the flow
            spans.append((c.x, c.x + c.width) if axes.horizontal else (c.y, c.y + c.height))
    spans.sort()
    merged: list[tuple[float, float]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _span_u(n: Node, axes: Axes) -> tuple[float, float]:
    return (n.left, n.right) if axes.horizontal else (n.top, n.bottom)


def _span_v(n: Node, axes: Axes) -> tuple[float, float]:
    return (n.top, n.bottom) if axes.horizontal else (n.left, n.right)


def _u(p: Point, axes: Axes) -> float:
    return p[0] if axes.horizontal else p[1]


def _v(p: Point, axes: Axes) -> float:
    return p[1] if axes.horizontal else p[0]


def _aspect(length: float, width: float, axes: Axes) -> float:
    """Width over height of a drawing `length` along the flow and `width` across it."""
    return length / width if axes.horizontal else width / length


def _splits(slots: list[tuple[float, float]], bands: int) -> list[list[tuple[float, float]]]:
    """The slots in at most `bands` runs, cut where the longest run is shortest: the shortest
    longest-run length that a greedy packing fits in `bands` runs, by bisection (O(n log n))."""
    lo = max(hi - lo for lo, hi in slots)
    hi = slots[-1][1] - slots[0][0]
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if len(_pack(slots, mid)) <= bands else (mid, hi)
    return _pack(slots, hi)


def _pack(slots: list[tuple[float, float]], longest: float) -> list[list[tuple[float, float]]]:
    """Slots into runs in order, each run as long as fits within `longest`."""
    runs = [[slots[0]]]
    for slot in slots[1:]:
        if slot[1] - runs[-1][0][0] <= longest + 1e-9:
            runs[-1].append(slot)
        else:
            runs.append([slot])
    return runs


def fold_long(diagram: Diagram, orientation: Orientation, margin: float = 0.0) -> None:
    """Fold a drawing into bands (in place) when it is too long for its aspect ratio, or, running
    across, too wide for its smallest label to read in a 400-pixel thumbnail; no-op otherwise.
    Sizes are those of the canvas to be: `margin` on every side, the lanes past the bands."""
    axes = Axes(orientation)
    if len(diagram.nodes) < 3:
        return
    slots = _slots(diagram, axes)
    if len(slots) < 2:
        return
    fonts = [n.font_size for n in diagram.nodes if n.label]
    readable = THUMBNAIL * min(fonts, default=14.0) / LEGIBLE
    shaped = None  # the fewest bands within the aspect bounds, should none also read
    shortest, last = float("inf"), 0
    unfolded = content_box(diagram)  # the same for every count tried
    for count in range(1, len(slots) + 1):
        runs = _splits(slots, count)
        if len(runs) == last:
            continue  # no new cut: the same folding as before
        last = len(runs)
        length, width = _canvas(diagram, axes, runs, margin, unfolded)
        aspect = _aspect(length, width, axes)
        if (aspect < LEAST) if axes.horizontal else (aspect > MOST):
            break  # folded too far: more bands only make it worse
        if length > shortest:
            break  # the lanes between bands now grow faster than the bands shrink
        shortest = length
        if not LEAST <= aspect <= MOST:
            continue  # still too long
        shaped = shaped or runs
        if (not axes.horizontal or length <= readable) and _folds_within(
            diagram, axes, runs, margin, readable
        ):
            shaped = runs
            break
    if shaped is None or len(shaped) < 2:
        return
    # three nodes fold only where every cut turns: wrapped like text they read worse than a row
    if len(diagram.nodes) > 3 or _apply(copy.deepcopy(diagram), axes, shaped) == 0:
        _apply(diagram, axes, shaped)


def _folds_within(
    diagram: Diagram, axes: Axes, runs: list[list[tuple[float, float]]], margin: float, most: float
) -> bool:
    """Folded for real (on a copy), is the canvas within the aspect bounds, and (running
    across) no wider than `most`? The estimate is close, not exact."""
    trial = copy.deepcopy(diagram) if len(runs) > 1 else diagram
    if len(runs) > 1:
        _apply(trial, axes, runs)
    left, top, right, bottom = content_box(trial)
    width, height = right - left + 2 * margin, bottom - top + 2 * margin
    return LEAST <= width / height <= MOST and (not axes.horizontal or width <= most)


def _canvas(
    diagram: Diagram,
    axes: Axes,
    runs: list[list[tuple[float, float]]],
    margin: float,
    unfolded: tuple[float, float, float, float],
) -> tuple[float, float]:
    """(along, across) the flow: the canvas once folded into these runs, lanes included;
    `unfolded` is the drawing's content box before folding."""
    left, top, right, bottom = unfolded
    lo_u, hi_u = (left, right) if axes.horizontal else (top, bottom)
    if len(runs) == 1:
        across = bottom - top if axes.horizontal else right - left
        return hi_u - lo_u + 2 * margin, across + 2 * margin
    overhang = runs[0][0][0] - lo_u + hi_u - runs[-1][-1][1]  # loops and labels past the ends
    lanes = LANE * sum(_crossings(diagram, axes, runs))
    length = max(run[-1][1] - run[0][0] for run in runs)
    length += max(overhang, BAND_GAP + 2 * lanes)  # each hop's lanes past the ends and starts
    extents = [_extent_across(diagram, axes, run[0][0], run[-1][1]) for run in runs]
    width = sum(hi - lo for lo, hi in extents) + (len(runs) - 1) * BAND_GAP + lanes
    return length + 2 * margin, width + 2 * margin


def _band_of(u: float, bands: list[_Band]) -> int:
    """The band that holds position u along the unfolded flow (cuts halfway between bands)."""
    for k in range(1, len(bands)):
        if u < (bands[k - 1].end + bands[k].start) / 2:
            return k - 1
    return len(bands) - 1


def _apply(diagram: Diagram, axes: Axes, runs: list[list[tuple[float, float]]]) -> int:
    """Move every part of the drawing into its band and route the edges that cross bands;
    returns how many hops between bands go round a band's end (those that turn do not)."""
    crossing = _crossings(diagram, axes, runs)
    extents = [_extent_across(diagram, axes, run[0][0], run[-1][1]) for run in runs]
    bands: list[_Band] = []
    top = extents[0][0]
    for k, run in enumerate(runs):
        lo, hi = extents[k]
        bands.append(_Band(run[0][0], run[-1][1], runs[0][0][0] - run[0][0], top - lo))
        top += hi - lo + BAND_GAP + LANE * (crossing[k] if k < len(crossing) else 0)
    gaps = [  # (top, bottom) of the gap under each band, after the shifts
        (
            extents[k][1] + bands[k].shift_v,
            extents[k][1] + bands[k].shift_v + BAND_GAP + LANE * crossing[k],
        )
        for k in range(len(bands) - 1)
    ]
    home = {n.id: _band_of(_centre_u(n, axes), bands) for n in diagram.nodes}
    for c in (c for c in diagram.clusters if not c.lane):  # a group's nodes go with its box
        k = _band_of(_u((c.x + c.width / 2, c.y + c.height / 2), axes), bands)
        home.update(dict.fromkeys(c.node_ids, k))
    visits = [  # the band of each edge's source, of each of its bends, and of its target
        [home[e.source], *(_band_of(_u(p, axes), bands) for p in e.route), home[e.target]]
        for e in diagram.edges
    ]
    straight = _turn(diagram, axes, runs, bands, home, visits)
    ends = max(b.end + b.shift_u for b in bands) + BAND_GAP / 2
    start = runs[0][0][0] - BAND_GAP / 2

    def move(p: Point, k: int) -> Point:
        return axes.xy(_u(p, axes) + bands[k].shift_u, _v(p, axes) + bands[k].shift_v)

    nodes = {n.id: n for n in diagram.nodes}
    pieces: list[list[Point | _Hop]] = []  # each edge: moved points, and the hops to bridge
    for index, e in enumerate(diagram.edges):
        if index in straight:
            pieces.append([])
            continue
        src, dst = nodes[e.source], nodes[e.target]
        points = [(src.x, src.y), *e.route, (dst.x, dst.y)]
        ks = visits[index]
        piece: list[Point | _Hop] = []
        for i in range(1, len(points)):
            if ks[i] != ks[i - 1]:
                here, there = move(points[i - 1], ks[i - 1]), move(points[i], ks[i])
                piece.append(_Hop(here, ks[i - 1], there, ks[i]))
            if i < len(points) - 1:
                piece.append(move(points[i], ks[i]))
        pieces.append(piece)
        if e.label_at is not None:
            e.label_at = move(e.label_at, _band_of(_u(e.label_at, axes), bands))
    hops = [h for piece in pieces for h in piece if isinstance(h, _Hop)]
    _bridge(hops, gaps, ends, start, axes)
    bridged = len(hops)
    for e, piece in zip(diagram.edges, pieces, strict=True):
        e.route = [q for h in piece for q in (h.points if isinstance(h, _Hop) else [h])]
    for n in diagram.nodes:
        n.x, n.y = move((n.x, n.y), home[n.id])
    for t in diagram.texts:
        t.x, t.y = move((t.x, t.y), _band_of(_u((t.x, t.y), axes), bands))
    blocks = [c for c in diagram.clusters if not c.lane]
    for c in blocks:
        c.x, c.y = move((c.x, c.y), home[c.node_ids[0]])
    lanes = [c for c in diagram.clusters if c.lane]
    diagram.clusters = blocks + [
        p for c in lanes for p in _cut_lane(c, runs, bands, home, move, axes)
    ]
    return bridged


def _turn(
    diagram: Diagram,
    axes: Axes,
    runs: list[list[tuple[float, float]]],
    bands: list[_Band],
    home: dict[str, int],
    visits: list[list[int]],
) -> set[int]:
    """Where a band is a single node and one unlabelled edge alone joins it to the next band's
    start or the last band's end, the chain turns there instead of wrapping like text: the
    lone node moves right across from the node it joins (a 3-step chain a -> b -> c folds
    into a -> b with c under b) and the edge runs straight. Updates `bands`; returns the
    indices of the edges drawn straight. `home`: each node's band; `visits`: the bands each
    edge passes through, from its source, by its bends, to its target."""
    members = [[n for n in diagram.nodes if home[n.id] == k] for k in range(len(bands))]
    straight: set[int] = set()
    moved: set[int] = set()
    for k in range(len(bands) - 1):
        over = [i for i, ks in enumerate(visits) if min(ks) <= k < max(ks)]
        if len(over) != 1:
            continue
        edge, ks = diagram.edges[over[0]], visits[over[0]]
        if edge.label or (ks[0], ks[-1]) != (k, k + 1):
            continue
        src = [n for n in members[k] if _within(n, runs[k][-1], axes)]
        dst = [n for n in members[k + 1] if _within(n, runs[k + 1][0], axes)]
        if [n.id for n in src] != [edge.source] or [n.id for n in dst] != [edge.target]:
            continue
        u_src = _centre_u(src[0], axes) + bands[k].shift_u
        u_dst = _centre_u(dst[0], axes) + bands[k + 1].shift_u
        if len(members[k + 1]) == 1:
            bands[k + 1] = replace(bands[k + 1], shift_u=bands[k + 1].shift_u + u_src - u_dst)
        elif len(members[k]) == 1 and k not in moved:
            bands[k] = replace(bands[k], shift_u=bands[k].shift_u + u_dst - u_src)
        else:
            continue
        moved.add(k + 1)
        straight.add(over[0])
    return straight


def _within(n: Node, slot: tuple[float, float], axes: Axes) -> bool:
    return slot[0] <= _centre_u(n, axes) <= slot[1]


def _cut_lane(
    lane: Cluster,
    runs: list[list[tuple[float, float]]],
    bands: list[_Band],
    home: dict[str, int],
    move: Callable[[Point, int], Point],
    axes: Axes,
) -> list[Cluster]:
    """A swimlane cut into one piece per band that holds its nodes, each piece as far past the
    band's ends as the lane reached past the flow's ends."""
    lo_u, hi_u = (
        (lane.x, lane.x + lane.width) if axes.horizontal else (lane.y, lane.y + lane.height)
    )
    lo_v = lane.y if axes.horizontal else lane.x
    thick = lane.height if axes.horizontal else lane.width
    before, after = runs[0][0][0] - lo_u, hi_u - runs[-1][-1][1]
    pieces = []
    for k, run in enumerate(runs):
        ids = [i for i in lane.node_ids if home[i] == k]
        if not ids:
            continue
        x, y = move(axes.xy(run[0][0] - before, lo_v), k)
        w, h = axes.wh(run[-1][1] - run[0][0] + before + after, thick)
        pieces.append(Cluster(lane.label, ids, x, y, w, h, lane=True))
    return pieces


def _extent_across(diagram: Diagram, axes: Axes, lo_u: float, hi_u: float) -> tuple[float, float]:
    """How far across the flow the drawing reaches between lo_u and hi_u along it: nodes,
    group boxes, captions and the bends of edges (lanes of skips and loops) all count."""
    vs: list[float] = []
    for n in diagram.nodes:
        if lo_u <= _centre_u(n, axes) <= hi_u:
            vs += list(_span_v(n, axes))
    for c in diagram.clusters:
        if c.lane or lo_u <= _u((c.x + c.width / 2, c.y + c.height / 2), axes) <= hi_u:
            vs += [c.y, c.y + c.height] if axes.horizontal else [c.x, c.x + c.width]
    points = [(t.x, t.y) for t in diagram.texts] + [p for e in diagram.edges for p in e.route]
    vs += [_v(p, axes) for p in points if lo_u <= _u(p, axes) <= hi_u]
    margin = 14.0  # half a caption's height: texts are points here
    return min(vs) - margin, max(vs) + margin


def _centre_u(n: Node, axes: Axes) -> float:
    return n.x if axes.horizontal else n.y


def _crossings(diagram: Diagram, axes: Axes, runs: list[list[tuple[float, float]]]) -> list[int]:
    """How many edges cross each cut (each needs a lane of its own in the gap)."""
    cuts = [(a[-1][1] + b[0][0]) / 2 for a, b in itertools.pairwise(runs)]
    nodes = {n.id: n for n in diagram.nodes}
    counts = [0] * len(cuts)
    for e in diagram.edges:
        us = [_centre_u(nodes[e.source], axes), _centre_u(nodes[e.target], axes)]
        us += [_u(p, axes) for p in e.route]
        for k, cut in enumerate(cuts):
            counts[k] += min(us) < cut < max(us)
    return counts


@dataclass(eq=False)
class _Hop:
    """Where an edge goes from one band to another: from p (band_p) to q (band_q), moved."""

    p: Point
    band_p: int
    q: Point
    band_q: int
    points: list[Point] = field(default_factory=list)  # the bridge, once routed


def _bridge(
    hops: list[_Hop], gaps: list[tuple[float, float]], ends: float, start: float, axes: Axes
) -> None:
    """Route each hop out past its band's end (its start, going back), along the gap next to
    the band it goes to, and in from the other side, every hop in lanes of its own, nested so
    that no two bridges cross: the one leaving farthest from the gap takes the outer lanes."""
    margin = 0.0
    for gap, (top, bottom) in enumerate(gaps):
        forward = [h for h in hops if h.band_q > h.band_p and h.band_q - 1 == gap]
        backward = [h for h in hops if h.band_q < h.band_p and h.band_q == gap]
        forward.sort(key=lambda h: _v(h.p, axes))  # farthest above the gap first
        backward.sort(key=lambda h: -_v(h.p, axes))  # farthest below the gap first
        for i, h in enumerate(forward):
            out_u = ends + margin + (len(forward) - i) * LANE
            in_u = start - margin - (i + 1) * LANE
            _route_hop(h, out_u, bottom - BAND_GAP / 2 - i * LANE, in_u, axes)
        margin += len(forward) * LANE
        for j, h in enumerate(backward):
            out_u = start - margin - (len(backward) - j) * LANE
            in_u = ends + margin + (j + 1) * LANE
            _route_hop(h, out_u, top + BAND_GAP / 2 + j * LANE, in_u, axes)
        margin += len(backward) * LANE


def _route_hop(h: _Hop, out_u: float, gap_v: float, in_u: float, axes: Axes) -> None:
    h.points = [
        axes.xy(out_u, _v(h.p, axes)),
        axes.xy(out_u, gap_v),
        axes.xy(in_u, gap_v),
        axes.xy(in_u, _v(h.q, axes)),
    ]
