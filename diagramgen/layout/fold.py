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

import bisect
import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from diagramgen.diagram import Cluster, Diagram, Edge, Node, Orientation, Point
from diagramgen.geometry import segment_hits_box
from diagramgen.layout.canvas import content_box
from diagramgen.layout.layers import Axes
from diagramgen.typeset import LEGIBLE, THUMBNAIL, edge_label_box

MOST = 2.5  # the widest a drawing running across may be (width : height) before it is folded
LEAST = 0.5  # the narrowest a drawing running down may be
BAND_GAP = 36.0  # between two bands, before the lanes of the edges crossing between them
EASE = 1.15  # how much longer than the shortest longest run a run may grow to cut fewer edges
LANE = 8.0  # between two edges running side by side past a band's end or in a gap
ARROW_ROOM = 10.0  # along an edge, kept clear of its label at each end (the arrowhead's)


@dataclass(frozen=True)
class _Band:
    """Ranks [start, end) of the drawing along the flow, and where they go."""

    start: float  # along the flow, in the unfolded drawing
    end: float
    shift_u: float  # added to u: moves the band to the start
    shift_v: float  # added to v: moves the band across, past the bands before it


def _slots(diagram: Diagram, axes: Axes, whole: bool) -> list[tuple[float, float]]:
    """The along-the-flow intervals the nodes and (`whole`) group boxes occupy, merged where
    they overlap (the ranks; a cut between two never splits a whole group)."""
    spans = sorted(_span_u(n, axes) for n in diagram.nodes)
    for c in diagram.clusters:
        if whole and not c.lane:  # a swimlane runs the whole length: it is cut with the flow
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


def _eased(
    diagram: Diagram,
    axes: Axes,
    slots: list[tuple[float, float]],
    runs: list[list[tuple[float, float]]],
) -> list[list[tuple[float, float]]]:
    """The runs with each cut moved, a slot or more, to where fewer edges cross it, as long as
    no run grows past EASE times the longest: a row that ends at a decision sends both its
    branches round the band's end; cut one step earlier, one edge does."""
    if len(runs) < 2:
        return runs
    longest = EASE * max(run[-1][1] - run[0][0] for run in runs)
    cuts = [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(slots)]
    crossing = _edge_crossings(diagram, axes, cuts)
    firsts = list(itertools.accumulate(len(run) for run in runs))[:-1]  # slot index of each cut
    for j, first in enumerate(firsts):
        lo = firsts[j - 1] + 1 if j else 1
        hi = firsts[j + 1] - 1 if j + 1 < len(firsts) else len(slots) - 1
        start = slots[firsts[j - 1] if j else 0][0]
        end = slots[(firsts[j + 1] if j + 1 < len(firsts) else len(slots)) - 1][1]
        fits = [
            i
            for i in range(lo, hi + 1)
            if slots[i - 1][1] - start <= longest and end - slots[i][0] <= longest
        ]
        if fits:
            firsts[j] = min(fits, key=lambda i: (crossing[i - 1], abs(i - first)))
    bounds = [0, *firsts, len(slots)]
    return [slots[a:b] for a, b in itertools.pairwise(bounds)]


def _edge_crossings(diagram: Diagram, axes: Axes, cuts: list[float]) -> list[int]:
    """How many edges cross each of these cuts along the flow: reach from before it to past it."""
    nodes = {n.id: n for n in diagram.nodes}
    lows, highs = [], []
    for e in diagram.edges:
        us = [_centre_u(nodes[e.source], axes), _centre_u(nodes[e.target], axes)]
        us += [_u(p, axes) for p in e.route]
        if min(us) < max(us):  # an edge that stays at one place along the flow crosses no cut
            lows.append(min(us))
            highs.append(max(us))
    lows.sort()
    highs.sort()
    # edges crossing a cut: those starting before it less those ending before it
    return [bisect.bisect_left(lows, c) - bisect.bisect_right(highs, c) for c in cuts]


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
    fonts = [n.font_size for n in diagram.nodes if n.label]
    readable = THUMBNAIL * min(fonts, default=14.0) / LEGIBLE
    runs, reads = _choose(diagram, axes, margin, readable, whole=True)
    if not reads and any(not c.lane for c in diagram.clusters):
        # a group too long to read whole is cut, a piece in each band
        cut, cut_reads = _choose(diagram, axes, margin, readable, whole=False)
        if cut is not None and cut_reads and len(cut) > 1:
            _apply(diagram, axes, cut, whole=False)
            return
    if runs is None or len(runs) < 2:
        return
    # three nodes fold only where every cut turns: wrapped like text they read worse than a row
    if len(diagram.nodes) > 3 or _apply(copy.deepcopy(diagram), axes, runs) == 0:
        _apply(diagram, axes, runs)


def _choose(
    diagram: Diagram, axes: Axes, margin: float, readable: float, whole: bool
) -> tuple[list[list[tuple[float, float]]] | None, bool]:
    """The fewest bands that bring the drawing within the aspect bounds and (running across)
    no wider than `readable`, and True; else the fewest within the aspect bounds (or None),
    and False. `whole`: groups are never cut."""
    slots = _slots(diagram, axes, whole)
    if len(slots) < 2:
        return None, False
    shaped = None  # the fewest bands within the aspect bounds, should none also read
    shortest, last = float("inf"), 0
    unfolded = content_box(diagram)  # the same for every count tried
    for count in range(1, len(slots) + 1):
        plain = _splits(slots, count)
        if len(plain) == last:
            continue  # no new cut: the same folding as before
        last = len(plain)
        length, width = _canvas(diagram, axes, plain, margin, unfolded, whole)
        aspect = _aspect(length, width, axes)
        if (aspect < LEAST) if axes.horizontal else (aspect > MOST):
            break  # folded too far: more bands only make it worse
        if length > shortest:
            break  # the lanes between bands now grow faster than the bands shrink
        shortest = length
        eased = _eased(diagram, axes, slots, plain)
        for runs in [eased, plain] if eased != plain else [plain]:  # fewer edges cut, if it reads
            length, width = _canvas(diagram, axes, runs, margin, unfolded, whole)
            if not LEAST <= _aspect(length, width, axes) <= MOST:
                continue  # still too long
            if not whole and not _threads(diagram, axes, runs):
                continue
            shaped = shaped or runs
            if (not axes.horizontal or length <= readable) and _folds_within(
                diagram, axes, runs, margin, readable, whole
            ):
                return runs, True
    return shaped, False


def _threads(diagram: Diagram, axes: Axes, runs: list[list[tuple[float, float]]]) -> bool:
    """Does every cut through a group box cut one edge alone (the group's chain going on into
    the next band)? Cut where more cross, a group falls apart into tangles."""
    cuts = [(a[-1][1] + b[0][0]) / 2 for a, b in itertools.pairwise(runs)]
    spans = [
        (c.x, c.x + c.width) if axes.horizontal else (c.y, c.y + c.height)
        for c in diagram.clusters
        if not c.lane
    ]
    crossing = _crossings(diagram, axes, runs)
    return all(
        count <= 1 or not any(lo < cut < hi for lo, hi in spans)
        for cut, count in zip(cuts, crossing, strict=True)
    )


def _folds_within(
    diagram: Diagram,
    axes: Axes,
    runs: list[list[tuple[float, float]]],
    margin: float,
    most: float,
    whole: bool,
) -> bool:
    """Folded for real (on a copy), is the canvas within the aspect bounds, and (running
    across) no wider than `most`? The estimate is close, not exact."""
    trial = copy.deepcopy(diagram) if len(runs) > 1 else diagram
    if len(runs) > 1:
        _apply(trial, axes, runs, whole)
    left, top, right, bottom = content_box(trial)
    width, height = right - left + 2 * margin, bottom - top + 2 * margin
    return LEAST <= width / height <= MOST and (not axes.horizontal or width <= most)


def _canvas(
    diagram: Diagram,
    axes: Axes,
    runs: list[list[tuple[float, float]]],
    margin: float,
    unfolded: tuple[float, float, float, float],
    whole: bool,
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
    extents = [_extent_across(diagram, axes, run[0][0], run[-1][1], whole) for run in runs]
    width = sum(hi - lo for lo, hi in extents) + (len(runs) - 1) * BAND_GAP + lanes
    return length + 2 * margin, width + 2 * margin


def _band_of(u: float, bands: list[_Band]) -> int:
    """The band that holds position u along the unfolded flow (cuts halfway between bands)."""
    for k in range(1, len(bands)):
        if u < (bands[k - 1].end + bands[k].start) / 2:
            return k - 1
    return len(bands) - 1


def _apply(
    diagram: Diagram, axes: Axes, runs: list[list[tuple[float, float]]], whole: bool = True
) -> int:
    """Move every part of the drawing into its band and route the edges that cross bands
    (`whole`: each group goes into one band; else a group is cut, a piece in each band);
    returns how many hops between bands go round a band's end (those that turn do not)."""
    crossing = _crossings(diagram, axes, runs)
    extents = [_extent_across(diagram, axes, run[0][0], run[-1][1], whole) for run in runs]
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
    for c in (c for c in diagram.clusters if whole and not c.lane):  # nodes go with their box
        k = _band_of(_u((c.x + c.width / 2, c.y + c.height / 2), axes), bands)
        home.update(dict.fromkeys(c.node_ids, k))
    visits = [  # the band of each edge's source, of each of its bends, and of its target
        [home[e.source], *(_band_of(_u(p, axes), bands) for p in e.route), home[e.target]]
        for e in diagram.edges
    ]
    widths = [bottom - top for top, bottom in gaps]
    turns = _turn(diagram, axes, runs, bands, home, visits, widths)
    ends = max(b.end + b.shift_u for b in bands) + BAND_GAP / 2
    start = runs[0][0][0] - BAND_GAP / 2

    def move(p: Point, k: int) -> Point:
        return axes.xy(_u(p, axes) + bands[k].shift_u, _v(p, axes) + bands[k].shift_v)

    turned: dict[int, list[Point]] = {}
    for turn in turns:
        turned.update(_turned_routes(diagram, axes, turn, bands, home))
    nodes = {n.id: n for n in diagram.nodes}
    pieces: list[list[Point | _Hop]] = []  # each edge: moved points, and the hops to bridge
    for index, e in enumerate(diagram.edges):
        if index in turned:
            pieces.append(list(turned[index]))
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
    blocks = [c for c in diagram.clusters if not c.lane]
    if whole:
        for c in blocks:
            c.x, c.y = move((c.x, c.y), home[c.node_ids[0]])
    else:
        blocks = [p for c in blocks for p in _cut_block(c, nodes, bands, home, move, axes)]
    for n in diagram.nodes:
        n.x, n.y = move((n.x, n.y), home[n.id])
    for t in diagram.texts:
        t.x, t.y = move((t.x, t.y), _band_of(_u((t.x, t.y), axes), bands))
    lanes = [c for c in diagram.clusters if c.lane]
    diagram.clusters = blocks + [
        p for c in lanes for p in _cut_lane(c, runs, bands, home, move, axes)
    ]
    return bridged


@dataclass(frozen=True)
class _Turn:
    """A cut where the chain turns: its forward edge runs straight across the gap. A back edge
    across the same cut, if any, goes from the lone node that turned: back to the node it came
    from by looping round both nodes' sides (past the bands' ends where the target moved,
    before their starts where the source did: neither band has anything there), or to another
    node of the band it turned from with one bend, along its own band and straight across."""

    forward: int  # index of the edge drawn straight
    back: int | None
    lone: str  # the node that moved to turn: the forward edge's target, or its source


def _turn(
    diagram: Diagram,
    axes: Axes,
    runs: list[list[tuple[float, float]]],
    bands: list[_Band],
    home: dict[str, int],
    visits: list[list[int]],
    gaps: list[float],
) -> list[_Turn]:
    """Where a band is a single node and one edge joins it to the next band's start or the last
    band's end (and at most one edge goes back across that cut), the chain turns there instead
    of wrapping like text: the lone node moves right across from the node it joins (a 3-step
    chain a -> b -> c folds into a -> b with c under b) and the edge runs straight, its label on
    it where the gap has room. Updates `bands`. `home`: each node's band; `visits`: the bands
    each edge passes through, from its source, by its bends, to its target; `gaps`: how wide
    each gap between bands is."""
    members = [[n for n in diagram.nodes if home[n.id] == k] for k in range(len(bands))]
    turns: list[_Turn] = []
    moved: set[int] = set()
    for k in range(len(bands) - 1):
        over = [i for i, ks in enumerate(visits) if min(ks) <= k < max(ks)]
        if len(over) > 2 or any(not k <= b <= k + 1 for i in over for b in visits[i]):
            continue
        forward = [i for i in over if (visits[i][0], visits[i][-1]) == (k, k + 1)]
        back = [i for i in over if (visits[i][0], visits[i][-1]) == (k + 1, k)]
        if len(forward) != 1 or len(forward) + len(back) != len(over):
            continue
        edge = diagram.edges[forward[0]]
        if edge.label and not _label_fits(edge.label, gaps[k], axes):
            continue
        src, dst = _end_node(members[k], axes, 1.0), _end_node(members[k + 1], axes, -1.0)
        if src is None or dst is None or (src.id, dst.id) != (edge.source, edge.target):
            continue
        u_src = _centre_u(src, axes) + bands[k].shift_u
        u_dst = _centre_u(dst, axes) + bands[k + 1].shift_u
        if len(members[k + 1]) == 1:  # nothing past either node's end: loop round there
            k_moved, lone = k + 1, edge.target
        elif len(members[k]) == 1 and k not in moved:  # nothing before either's start
            k_moved, lone = k, edge.source
        else:
            continue
        was = bands[k_moved]
        shift = u_src - u_dst if k_moved == k + 1 else u_dst - u_src
        bands[k_moved] = replace(was, shift_u=was.shift_u + shift)
        turn = _Turn(forward[0], back[0] if back else None, lone)
        if not _is_clear(diagram, axes, turn, bands, home):
            bands[k_moved] = was
            continue
        moved.add(k + 1)
        turns.append(turn)
    return turns


def _end_node(members: list[Node], axes: Axes, sign: float) -> Node | None:
    """The one node farthest along a band (`sign` +1) or nearest its start (-1); None if two
    share that place."""
    if not members:
        return None
    key = [sign * _centre_u(n, axes) for n in members]
    best = max(key)
    ends = [n for n, k in zip(members, key, strict=True) if k >= best - 1e-6]
    return ends[0] if len(ends) == 1 else None


def _is_clear(
    diagram: Diagram, axes: Axes, turn: _Turn, bands: list[_Band], home: dict[str, int]
) -> bool:
    """Do the turn's edges run without going through another node? The forward edge straight
    across the gap; a back edge round the pair it turned between, or with its one bend."""
    nodes = {n.id: n for n in diagram.nodes}
    legs: list[tuple[str, str, list[Point]]] = []
    forward = diagram.edges[turn.forward]
    a, b = (_moved(nodes[i], axes, bands, home) for i in (forward.source, forward.target))
    legs.append((forward.source, forward.target, [a, b]))
    if turn.back is not None:
        back = diagram.edges[turn.back]
        if (back.source, back.target) != (forward.target, forward.source):
            start, end = (_moved(nodes[i], axes, bands, home) for i in (back.source, back.target))
            legs.append(
                (back.source, back.target, [start, _corner(turn, back, start, end, axes), end])
            )
    return not any(
        segment_hits_box(p, q, _moved_box(n, axes, bands[home[n.id]]))
        for source, target, path in legs
        for n in diagram.nodes
        if n.id not in (source, target)
        for p, q in itertools.pairwise(path)
    )


def _corner(turn: _Turn, back: Edge, start: Point, end: Point, axes: Axes) -> Point:
    """Where a back edge to or from the lone node bends: along the lone node's band, across
    from the other end."""
    lone, other = (start, end) if back.source == turn.lone else (end, start)
    return axes.xy(_u(other, axes), _v(lone, axes))


def _moved(n: Node, axes: Axes, bands: list[_Band], home: dict[str, int]) -> Point:
    band = bands[home[n.id]]
    return axes.xy(_centre_u(n, axes) + band.shift_u, _v((n.x, n.y), axes) + band.shift_v)


def _moved_box(n: Node, axes: Axes, band: _Band) -> tuple[float, float, float, float]:
    dx, dy = axes.xy(band.shift_u, band.shift_v)
    return (n.left + dx, n.top + dy, n.right + dx, n.bottom + dy)


def _label_fits(label: str, gap: float, axes: Axes) -> bool:
    """Does an edge label sit on an edge straight across a gap this wide, arrowhead clear?"""
    left, top, right, bottom = edge_label_box(label, (0.0, 0.0))
    return (bottom - top if axes.horizontal else right - left) + 2 * ARROW_ROOM <= gap


def _turned_routes(
    diagram: Diagram, axes: Axes, turn: _Turn, bands: list[_Band], home: dict[str, int]
) -> dict[int, list[Point]]:
    """The routes of a turn's edges between the nodes once moved, their labels placed:
    the forward edge straight, its label halfway across the gap; a back edge to the node it
    came from out of the lone node's side, along beside both and into the other's side; one to
    another node along the lone node's band and straight across into it; its label on the
    stretch beside the pair, or on the stretch along the band."""
    nodes = {n.id: n for n in diagram.nodes}
    forward = diagram.edges[turn.forward]
    src, dst = nodes[forward.source], nodes[forward.target]
    a, b = (_moved(n, axes, bands, home) for n in (src, dst))
    near = _v(a, axes) + (_span_v(src, axes)[1] - _span_v(src, axes)[0]) / 2
    far = _v(b, axes) - (_span_v(dst, axes)[1] - _span_v(dst, axes)[0]) / 2
    if forward.label:
        forward.label_at = axes.xy(_u(a, axes), (near + far) / 2)
    routes: dict[int, list[Point]] = {turn.forward: []}
    if turn.back is None:
        return routes
    back = diagram.edges[turn.back]
    start, end = (_moved(nodes[i], axes, bands, home) for i in (back.source, back.target))
    if (back.source, back.target) == (forward.target, forward.source):
        reach = max(_span_u(n, axes)[1] - _span_u(n, axes)[0] for n in (src, dst)) / 2
        side = 1.0 if turn.lone == forward.target else -1.0
        lane = _u(a, axes) + side * (reach + 2 * LANE)
        routes[turn.back] = [axes.xy(lane, _v(start, axes)), axes.xy(lane, _v(end, axes))]
        label_at = axes.xy(lane, (near + far) / 2)
    else:
        corner = _corner(turn, back, start, end, axes)
        routes[turn.back] = [corner]
        lone = start if back.source == turn.lone else end
        label_at = axes.xy((_u(lone, axes) + _u(corner, axes)) / 2, _v(corner, axes))
    if back.label:
        back.label_at = label_at
    return routes


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


def _cut_block(
    group: Cluster,
    nodes: dict[str, Node],
    bands: list[_Band],
    home: dict[str, int],
    move: Callable[[Point, int], Point],
    axes: Axes,
) -> list[Cluster]:
    """A group box (not yet moved, nor its nodes) cut into one piece per band that holds its
    nodes, each piece as far past its nodes there as the box reached past all of them."""
    lo_u, hi_u = (
        (group.x, group.x + group.width) if axes.horizontal else (group.y, group.y + group.height)
    )
    lo_v = group.y if axes.horizontal else group.x
    thick = group.height if axes.horizontal else group.width
    spans = [_span_u(nodes[i], axes) for i in group.node_ids]
    before, after = min(lo for lo, _ in spans) - lo_u, hi_u - max(hi for _, hi in spans)
    pieces = []
    for k in range(len(bands)):
        ids = [i for i in group.node_ids if home[i] == k]
        if not ids:
            continue
        start = min(_span_u(nodes[i], axes)[0] for i in ids) - before
        end = max(_span_u(nodes[i], axes)[1] for i in ids) + after
        x, y = move(axes.xy(start, lo_v), k)
        w, h = axes.wh(end - start, thick)
        pieces.append(Cluster(group.label, ids, x, y, w, h))
    return pieces


def _extent_across(
    diagram: Diagram, axes: Axes, lo_u: float, hi_u: float, whole: bool = True
) -> tuple[float, float]:
    """How far across the flow the drawing reaches between lo_u and hi_u along it: nodes,
    group boxes (`whole`: by their centre; else any box that reaches in), captions and the
    bends of edges (lanes of skips and loops) all count."""
    vs: list[float] = []
    for n in diagram.nodes:
        if lo_u <= _centre_u(n, axes) <= hi_u:
            vs += list(_span_v(n, axes))
    for c in diagram.clusters:
        c_lo, c_hi = (c.x, c.x + c.width) if axes.horizontal else (c.y, c.y + c.height)
        inside = lo_u <= (c_lo + c_hi) / 2 <= hi_u if whole else c_lo < hi_u and lo_u < c_hi
        if c.lane or inside:
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
    return _edge_crossings(diagram, axes, cuts)


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
