"""Swimlanes: groups that a flow goes in and out of (place order, then the warehouse picks,
packs and hands over, then the customer receives) drawn as bands across the flow.

Such groups cannot each stand as one block (the flow would have to leave a block and come
back into it), so the whole flow is ranked as one graph; every node keeps its rank along the
flow and moves into its group's band; nodes of one band at one rank stack. Edges run in the
free spaces: across in the gaps between ranks, along in corridors between the bands.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from diagramgen.diagram import Point
from diagramgen.layout.layers import Axes
from diagramgen.layout.sugiyama import back_edges

LANE_PAD = 12.0  # between a band's side and its nodes
STACK_GAP = 16.0  # between nodes of one band at one rank
CORRIDOR = 24.0  # between two bands, where edges run along the flow
TRACK = 7.0  # between edges running side by side
END_GAP = 26.0  # past the first and last ranks, for edges that leave or enter there


@dataclass
class Lanes:
    """Node centres, each link's bend points, where each link's label should sit (along the
    flow: near its source, near its target), and each group's band (left, top, width, height)."""

    centres: list[Point]
    routes: list[list[Point]]
    spots: list[list[float | None]]
    bands: list[tuple[float, float, float, float]]


def entangled(n: int, links: list[tuple[int, int]], members: list[list[int]]) -> bool:
    """Does the flow go out of a group and back into it? Then a group drawn as one block
    would turn forward edges into loops: more edges must be drawn backward once each group
    is one vertex than in the flow itself."""
    vertex = list(range(n))
    for g, group in enumerate(members):
        for i in group:
            vertex[i] = n + g
    contracted = {(vertex[s], vertex[t]) for s, t in links if vertex[s] != vertex[t]}
    size = n + len(members)
    return len(back_edges(size, sorted(contracted))) > len(back_edges(n, links))


def lane_layout(
    centres: list[Point],
    sizes: list[tuple[float, float]],
    links: list[tuple[int, int]],
    members: list[list[int]],
    axes: Axes,
    label_room: float,
) -> Lanes:
    """Move the nodes of a flat layout (`centres`) into bands, one per group and one, unboxed,
    for the nodes in none; `label_room` is kept at the top of each band for its name."""
    n = len(centres)
    u = [c[0] if axes.horizontal else c[1] for c in centres]
    v = [c[1] if axes.horizontal else c[0] for c in centres]
    along = [w if axes.horizontal else h for w, h in sizes]
    across = [h if axes.horizontal else w for w, h in sizes]
    lane = [len(members)] * n
    for g, group in enumerate(members):
        for i in group:
            lane[i] = g
    used = sorted(set(lane), key=lambda k: _mean([v[i] for i in range(n) if lane[i] == k]))
    position = {k: p for p, k in enumerate(used)}
    corridor_load = _corridor_load(links, lane, position, u, len(used))
    top_room = label_room if axes.horizontal else 0.0  # running down, the name sits above
    new_v = [0.0] * n
    spans: list[tuple[float, float]] = []
    start = 0.0
    for p, k in enumerate(used):
        inner = _stack(k, lane, u, v, across, new_v, start + LANE_PAD + top_room)
        end = start + top_room + inner + 2 * LANE_PAD
        spans.append((start, end))
        start = end + CORRIDOR + TRACK * max(0, corridor_load[p] - 1)
    ranks = _rank_slabs(u, along)
    routes, spots = _routes(links, lane, position, u, new_v, spans, ranks, corridor_load)
    lo = min(u[i] - along[i] / 2 for i in range(n)) - LANE_PAD
    hi = max(u[i] + along[i] / 2 for i in range(n)) + LANE_PAD
    if not axes.horizontal:
        lo -= label_room
    bands = []
    for g in range(len(members)):
        a, b = spans[position[g]]
        x, y = axes.xy(lo, a)
        w, h = axes.wh(hi - lo, b - a)
        bands.append((x, y, w, h))
    routes_xy = [[axes.xy(a, b) for a, b in route] for route in routes]
    return Lanes([axes.xy(u[i], new_v[i]) for i in range(n)], routes_xy, spots, bands)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _stack(
    k: int,
    lane: list[int],
    u: list[float],
    v: list[float],
    across: list[float],
    new_v: list[float],
    first: float,
) -> float:
    """Place band k's nodes across the flow from `first`, those at one rank stacked in their
    flat layout's order and centred; the thickness the band's nodes need."""
    at: dict[float, list[int]] = defaultdict(list)
    for i in range(len(u)):
        if lane[i] == k:
            at[round(u[i], 1)].append(i)
    need = max(sum(across[i] for i in g) + STACK_GAP * (len(g) - 1) for g in at.values())
    for group in at.values():
        group.sort(key=lambda i: v[i])
        pos = first + (need - sum(across[i] for i in group) - STACK_GAP * (len(group) - 1)) / 2
        for i in group:
            new_v[i] = pos + across[i] / 2
            pos += across[i] + STACK_GAP
    return need


def _rank_slabs(u: list[float], along: list[float]) -> list[tuple[float, float]]:
    """The along-the-flow extent of each rank that holds nodes, in order."""
    slabs: dict[float, tuple[float, float]] = {}
    for i in range(len(u)):
        key = round(u[i], 1)
        lo, hi = slabs.get(key, (u[i], u[i]))
        slabs[key] = (min(lo, u[i] - along[i] / 2), max(hi, u[i] + along[i] / 2))
    return [slabs[key] for key in sorted(slabs)]


def _gap_after(x: float, ranks: list[tuple[float, float]], forward: bool) -> float:
    """The middle of the free gap after (or, not forward, before) the rank holding x."""
    r = next(j for j, (lo, hi) in enumerate(ranks) if lo - 0.5 <= x <= hi + 0.5)
    if forward:
        nxt = ranks[r + 1][0] if r + 1 < len(ranks) else ranks[r][1] + 2 * END_GAP
        return (ranks[r][1] + nxt) / 2
    prev = ranks[r - 1][1] if r > 0 else ranks[r][0] - 2 * END_GAP
    return (prev + ranks[r][0]) / 2


def _corridor_of(s: int, t: int, lane: list[int], position: dict[int, int], count: int) -> int:
    """The corridor an edge runs along in: the one beside its target's band, facing its
    source's; within one band, the one after it (corridor p follows band p)."""
    ps, pt = position[lane[s]], position[lane[t]]
    if ps < pt:
        return pt - 1
    if ps > pt:
        return pt
    return pt if pt < count - 1 or pt == 0 else pt - 1


def _adjacent(s: int, t: int, u: list[float]) -> bool:
    """Target in the rank right after the source's: no rank lies between them."""
    return u[t] > u[s] and not any(u[s] + 0.5 < x < u[t] - 0.5 for x in u)


def _corridor_load(
    links: list[tuple[int, int]],
    lane: list[int],
    position: dict[int, int],
    u: list[float],
    count: int,
) -> list[int]:
    load = [0] * count
    for s, t in links:
        if not _adjacent(s, t, u):
            load[_corridor_of(s, t, lane, position, count)] += 1
    return load


def _routes(
    links: list[tuple[int, int]],
    lane: list[int],
    position: dict[int, int],
    u: list[float],
    v: list[float],
    spans: list[tuple[float, float]],
    ranks: list[tuple[float, float]],
    load: list[int],
) -> tuple[list[list[Point]], list[list[float | None]]]:
    """Each link's bend points in (u, v) turned to (x, y) later: out into the gap after its
    source, along a corridor unless the target is in the next rank, in from the gap before it."""
    tracks_out: dict[float, list[int]] = defaultdict(list)  # gap -> sources using it
    tracks_in: dict[float, list[int]] = defaultdict(list)
    plans = []
    for s, t in links:
        u1, u2 = _gap_after(u[s], ranks, True), _gap_after(u[t], ranks, False)
        plans.append((u1, u2))
        if s not in tracks_out[u1]:
            tracks_out[u1].append(s)
        if t not in tracks_in[u2]:
            tracks_in[u2].append(t)
    used_in_corridor = [0] * len(load)
    routes: list[list[Point]] = []
    spots: list[list[float | None]] = []
    for (s, t), (u1, u2) in zip(links, plans, strict=True):
        a = _track(u1, tracks_out[u1] + [-1 - x for x in tracks_in[u1]], s)
        b = _track(u2, tracks_out[u2] + [-1 - x for x in tracks_in[u2]], -1 - t)
        if _adjacent(s, t, u):
            route = [] if abs(v[s] - v[t]) < 0.5 else [(a, v[s]), (a, v[t])]
        else:
            c = _corridor_of(s, t, lane, position, len(load))
            mid = spans[c][1] + (CORRIDOR + TRACK * max(0, load[c] - 1)) / 2
            vc = mid + TRACK * (used_in_corridor[c] - (load[c] - 1) / 2)
            used_in_corridor[c] += 1
            route = [(a, v[s]), (a, vc), (b, vc), (b, v[t])]
        routes.append(route)
        spots.append([u1, u2])
    return routes, spots


def _track(middle: float, users: list[int], me: int) -> float:
    """The along-the-flow position of `me`'s crossing line in a gap shared by `users`."""
    k = users.index(me)
    return middle + TRACK * (k - (len(users) - 1) / 2)
