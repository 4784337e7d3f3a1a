"""The layered (Sugiyama) drawing of a directed graph: break cycles, rank, order the ranks to
cut crossings, place each vertex across the flow, and route edges through the gaps.

Knows nothing of labels or shapes: vertices are boxes of a given extent. Written here rather
than taken from a library: the pip-installable ones (grandalf, igraph's Sugiyama) do not size
boxes to their labels. Crossings against Graphviz `dot` are tracked in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field

import numpy as np

from diagramgen.diagram import Point
from diagramgen.layout.layers import Axes

NODE_GAP = 34.0  # across the flow, between boxes
DUMMY_GAP = 16.0  # across the flow, next to an edge's bend vertex
ITERATIONS = 24  # median sweeps from each starting order (dot's default too)
RESTARTS = 40  # shuffled starting orders tried besides the depth- and breadth-first ones
WORK = 48_000  # vertex passes a layout may spend placing vertices (bounds its time)
ORDER_WORK = 200_000  # pair checks a layout may spend ordering its ranks (see Budget)


@dataclass
class Layered:
    """The layered graph: real nodes 0..n-1, then dummy vertices on long edges."""

    rank: list[int]
    order: list[list[int]]  # vertices per rank, in drawing order
    up: list[list[int]] = field(default_factory=list)  # neighbours one rank before
    down: list[list[int]] = field(default_factory=list)  # neighbours one rank after
    chains: list[list[int]] = field(default_factory=list)  # per edge: its vertices in rank order


def back_edges(n: int, edges: list[tuple[int, int]]) -> set[int]:
    """Edges closing a cycle in a DFS that visits nodes in declaration order."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for k, (s, t) in enumerate(edges):
        out[s].append((t, k))
    has_in = {t for _, t in edges}
    state = [0] * n  # 0 new, 1 on the stack, 2 done
    back: set[int] = set()
    for root in [v for v in range(n) if v not in has_in] + list(range(n)):
        if state[root]:
            continue
        stack = [(root, iter(out[root]))]
        state[root] = 1
        while stack:
            v, it = stack[-1]
            step = next(it, None)
            if step is None:
                state[v] = 2
                stack.pop()
            elif state[step[0]] == 1:
                back.add(step[1])
            elif state[step[0]] == 0:
                state[step[0]] = 1
                stack.append((step[0], iter(out[step[0]])))
    return back


def build_layers(n: int, dag: list[tuple[int, int]], rank: list[int]) -> Layered:
    """Insert a dummy vertex wherever an edge spans more than one rank."""
    vertex_rank = list(rank)
    chains = []
    for s, t in dag:
        chain = [s]
        for r in range(rank[s] + 1, rank[t]):
            vertex_rank.append(r)
            chain.append(len(vertex_rank) - 1)
        chain.append(t)
        chains.append(chain)
    count = len(vertex_rank)
    layered = Layered(
        rank=vertex_rank,
        order=[[] for _ in range(max(vertex_rank) + 1)],
        up=[[] for _ in range(count)],
        down=[[] for _ in range(count)],
        chains=chains,
    )
    for v in _discovery_order(n, count, chains):
        layered.order[vertex_rank[v]].append(v)
    for chain in chains:
        for a, b in itertools.pairwise(chain):
            layered.down[a].append(b)
            layered.up[b].append(a)
    return layered


def _discovery_order(n: int, count: int, chains: list[list[int]]) -> list[int]:
    """A depth-first order over the layered graph: a good start for crossing reduction."""
    nxt: list[list[int]] = [[] for _ in range(count)]
    has_in = set()
    for chain in chains:
        for a, b in itertools.pairwise(chain):
            nxt[a].append(b)
            has_in.add(b)
    seen: set[int] = set()
    order: list[int] = []
    for root in [v for v in range(n) if v not in has_in] + list(range(count)):
        stack = [root]
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            order.append(v)
            stack.extend(reversed(nxt[v]))
    return order


def _crossings_between(upper: list[int], lower: list[int], down: list[list[int]]) -> int:
    pos = {v: i for i, v in enumerate(lower)}
    ends = sorted((i, pos[w]) for i, v in enumerate(upper) for w in down[v])
    tree = [0] * (len(lower) + 1)  # Fenwick tree over lower positions: counts inversions
    crossings = 0
    for seen, (_, p) in enumerate(ends):
        k, below = p + 1, 0
        while k > 0:
            below += tree[k]
            k -= k & -k
        crossings += seen - below
        k = p + 1
        while k <= len(lower):
            tree[k] += 1
            k += k & -k
    return crossings


def count_crossings(g: Layered) -> int:
    """Edge crossings between each pair of adjacent ranks, summed."""
    return sum(_crossings_between(a, b, g.down) for a, b in zip(g.order, g.order[1:], strict=False))


def _median(v: int, pos: dict[int, int], nbrs: list[int]) -> float | None:
    """The weighted median position of a vertex's neighbours in the reference rank (as dot
    computes it); None when it has none there."""
    places = sorted(pos[w] for w in nbrs)
    if not places:
        return None
    m = len(places) // 2
    if len(places) % 2:
        return float(places[m])
    if len(places) == 2:
        return (places[0] + places[1]) / 2
    left, right = places[m - 1] - places[0], places[-1] - places[m]
    if left + right == 0:
        return (places[m - 1] + places[m]) / 2
    return (places[m - 1] * right + places[m] * left) / (left + right)


def _sweep(g: Layered, downward: bool) -> None:
    """Order each rank by its neighbours' medians in the rank before it (the one after it,
    sweeping up); a vertex with no neighbour there keeps its place."""
    ranks = range(1, len(g.order)) if downward else range(len(g.order) - 2, -1, -1)
    nbrs = g.up if downward else g.down
    for r in ranks:
        ref = g.order[r - 1] if downward else g.order[r + 1]
        pos = {v: i for i, v in enumerate(ref)}
        layer = g.order[r]
        medians = [_median(v, pos, nbrs[v]) for v in layer]
        movable = sorted((m, i) for i, m in enumerate(medians) if m is not None)
        slots = [i for i, m in enumerate(medians) if m is not None]
        placed = list(layer)
        for slot, (_, i) in zip(slots, movable, strict=True):
            placed[slot] = layer[i]
        g.order[r] = placed


class PairCrossings:
    """For two vertices a, b of one rank: the crossings between their edges when a is drawn
    before b, the ranks around held still (so it stays true while the rank itself is
    reordered). Every pair at once: sifting asks for all of them, and for a short rank one
    matrix product is cheaper than counting pairs one by one."""

    def __init__(self, g: Layered, r: int) -> None:
        self.index = {v: i for i, v in enumerate(g.order[r])}
        self.rows = _pair_matrix(g, r)

    def __call__(self, a: int, b: int) -> int:
        """Crossings between a's and b's edges with a drawn first."""
        return self.rows[self.index[a]][self.index[b]]


class LazyPairCrossings:
    """The same count, pair by pair as asked and remembered: transposition asks only for
    neighbours, a few pairs of a rank that may hold hundreds of bend vertices."""

    def __init__(self, g: Layered, r: int) -> None:
        above = {v: i for i, v in enumerate(g.order[r - 1])} if r > 0 else {}
        below = {v: i for i, v in enumerate(g.order[r + 1])} if r + 1 < len(g.order) else {}
        self.places = {
            v: (sorted(above[w] for w in g.up[v]), sorted(below[w] for w in g.down[v]))
            for v in g.order[r]
        }
        self.known: dict[tuple[int, int], int] = {}

    def __call__(self, a: int, b: int) -> int:
        """Crossings between a's and b's edges with a drawn first."""
        if (a, b) not in self.known:
            total = 0
            for mine, theirs in zip(self.places[a], self.places[b], strict=True):
                if mine and theirs:
                    total += sum(bisect.bisect_left(theirs, x) for x in mine)
            self.known[a, b] = total
        return self.known[a, b]


def _pairs(g: Layered, r: int) -> PairCrossings | LazyPairCrossings:
    """Transposition's table for rank r: all pairs at once for a short rank, pair by pair for
    a long one."""
    return PairCrossings(g, r) if len(g.order[r]) <= 40 else LazyPairCrossings(g, r)


def _pair_matrix(g: Layered, r: int) -> list[list[int]]:
    """One matrix product per side: a's neighbours' places times the count of b's neighbours
    placed before each of them (in floats, which take the fast matrix product; the counts
    stay exact far beyond any graph's size)."""
    layer = g.order[r]
    total = np.zeros((len(layer), len(layer)))
    for side, nbrs in ((r - 1, g.up), (r + 1, g.down)):
        if not 0 <= side < len(g.order):
            continue
        place = {v: i for i, v in enumerate(g.order[side])}
        at = np.zeros((len(layer), len(g.order[side]) + 1))
        for i, v in enumerate(layer):
            for w in nbrs[v]:
                at[i, place[w] + 1] += 1
        before = np.cumsum(at, axis=1)[:, :-1]  # neighbours strictly before each place
        total += at[:, 1:] @ before.T
    return total.astype(np.int64).tolist()


class Budget:
    """Work left for ordering one graph, in units of one pair-of-vertices check (a microsecond
    or two): every heuristic spends from it and stops when it is gone."""

    def __init__(self, units: int = ORDER_WORK) -> None:
        self.left = units

    def spend(self, units: int) -> bool:
        """Take `units`; False once the budget is used up."""
        self.left -= units
        return self.left > 0


def _transpose(g: Layered, budget: Budget, ties: bool = False) -> None:
    """Swap neighbours in a rank while that removes crossings (a local clean-up). Only the
    edges of the two swapped vertices change crossings. With `ties`, a swap that changes
    nothing is made too (as dot does every other pair of sweeps): it lets the order drift
    across a plateau to where the next sweep can do better."""
    improved, rounds = True, 0
    tables: dict[int, PairCrossings | LazyPairCrossings] = {}  # until a rank beside it moves
    while improved and rounds < 20 and budget.spend(len(g.rank)):
        improved, rounds = False, rounds + 1
        for r, layer in enumerate(g.order):
            if len(layer) < 2:
                continue
            if r not in tables:
                tables[r] = _pairs(g, r)
            cross = tables[r]
            for i in range(len(layer) - 1):
                a, b = layer[i], layer[i + 1]
                before, after = cross(a, b), cross(b, a)
                if after < before or (ties and after == before and before > 0):
                    layer[i], layer[i + 1] = layer[i + 1], layer[i]
                    improved = improved or after < before
                    tables.pop(r - 1, None)
                    tables.pop(r + 1, None)


def effort(g: Layered, most: int) -> int:
    """How many passes over the graph the work budget allows (1..most): a big graph (many
    long edges, so many bend vertices) gets fewer, so layout time stays bounded."""
    return max(1, min(most, WORK // max(1, len(g.rank))))


def reduce_crossings(g: Layered) -> None:
    """From several starting orders (depth-first, its mirror, breadth-first, then shuffles of
    the first while the budget lasts): median sweeps with transpositions while they help,
    then sifting; the order with fewest crossings is kept. Deterministic: the same graph
    gives the same drawing."""
    # A big graph already costs much to sweep once: it gets less searching, so time stays bounded.
    budget = Budget(max(ORDER_WORK // 10, min(ORDER_WORK, ORDER_WORK * 300 // max(1, len(g.rank)))))
    first = [list(layer) for layer in g.order]
    shuffler = random.Random(len(g.rank))
    best, best_order = count_crossings(g), first
    for k in range(3 + RESTARTS):
        if best == 0 or (k >= 3 and budget.left < ORDER_WORK // 8):
            break  # keep an eighth of the budget: a restart that cannot finish is no use
        if k < 3:
            start = [first, [layer[::-1] for layer in first], _breadth_first(g)][k]
        else:
            start = [shuffler.sample(layer, len(layer)) for layer in first]
        g.order = [list(layer) for layer in start]
        mine = _improve(g, budget)
        if mine < best:
            best, best_order = mine, [list(layer) for layer in g.order]
    g.order = best_order


def _improve(g: Layered, budget: Budget) -> int:
    """Median sweeps with transpositions from the current order while they help, then
    sifting; leaves g in the best order found and returns its crossings."""
    mine, mine_order, stale = count_crossings(g), [list(layer) for layer in g.order], 0
    for k in range(ITERATIONS):
        if mine == 0 or stale >= 8 or not budget.spend(len(g.rank)):
            break
        _sweep(g, downward=k % 2 == 0)
        _transpose(g, budget, ties=k % 4 < 2)
        c = count_crossings(g)
        stale = 0 if c < mine else stale + 1
        if c <= mine:
            mine, mine_order = c, [list(layer) for layer in g.order]
    g.order = mine_order
    if mine:
        _sift(g, budget)
        mine = count_crossings(g)
    return mine


def _sift(g: Layered, budget: Budget) -> None:
    """Sifting: each vertex in turn moves to the place in its rank where its edges cross
    fewest others (the rest held still), rank by rank, while that helps and budget lasts."""
    for _ in range(4):
        improved = False
        for r, layer in enumerate(g.order):
            cross = PairCrossings(g, r)
            for v in list(layer):
                others = [w for w in layer if w != v]
                if not budget.spend(2 * len(others)):
                    return
                before = [cross(w, v) for w in others]
                after = [cross(v, w) for w in others]
                cost = sum(after)
                costs = [cost]
                for a, b in zip(before, after, strict=True):
                    cost += a - b
                    costs.append(cost)
                here = layer.index(v)
                best = min(range(len(costs)), key=lambda p: (costs[p], p != here))
                if costs[best] < costs[here]:
                    layer[:] = [*others[:best], v, *others[best:]]
                    improved = True
        if not improved:
            return


def _breadth_first(g: Layered) -> list[list[int]]:
    """Each rank in the order a breadth-first walk from the top rank meets its vertices."""
    seen: set[int] = set()
    order: list[int] = []
    queue = list(g.order[0]) if g.order else []
    for v in queue:  # grows while iterating
        if v in seen:
            continue
        seen.add(v)
        order.append(v)
        queue += [w for w in g.down[v] + g.up[v] if w not in seen]
    order += [v for layer in g.order for v in layer if v not in seen]
    ranks: list[list[int]] = [[] for _ in g.order]
    for v in order:
        ranks[g.rank[v]].append(v)
    return ranks


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """Pool-adjacent-violators: the closest non-decreasing sequence (weighted least squares)."""
    blocks: list[list[float]] = []  # [value, weight, count]
    for t, w in zip(targets, weights, strict=True):
        blocks.append([t, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, c2 = blocks.pop()
            v1, w1, c1 = blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    out: list[float] = []
    for value, _, count in blocks:
        out += [value] * int(count)
    return out


def place_across(g: Layered, extent: list[float], real: int) -> list[float]:
    """Cross-flow coordinates: each vertex near its neighbours, boxes never closer than a gap."""
    pos = [0.0] * len(g.rank)

    def seps(layer: list[int]) -> list[float]:
        out = [0.0]
        for a, b in itertools.pairwise(layer):
            gap = NODE_GAP if a < real and b < real else DUMMY_GAP
            out.append(out[-1] + (extent[a] + extent[b]) / 2 + gap)
        return out

    for layer in g.order:
        offsets = seps(layer)
        for v, o in zip(layer, offsets, strict=True):
            pos[v] = o - offsets[-1] / 2
    passes = effort(g, 12)
    for k in range(passes):
        downward = k % 2 == 0
        ranks = range(len(g.order)) if downward else range(len(g.order) - 1, -1, -1)
        for r in ranks:
            layer, offsets = g.order[r], seps(g.order[r])
            targets, weights = [], []
            for v in layer:
                nbrs = (g.up[v] if downward else g.down[v]) if k < 8 else g.up[v] + g.down[v]
                wanted = sorted(pos[w] for w in nbrs)
                t = (
                    (wanted[len(wanted) // 2] + wanted[(len(wanted) - 1) // 2]) / 2
                    if wanted
                    else pos[v]
                )
                targets.append(t)
                weights.append(1.0 if v < real else 2.5)  # keep long edges straight
            q = _isotonic([t - o for t, o in zip(targets, offsets, strict=True)], weights)
            for v, qi, o in zip(layer, q, offsets, strict=True):
                pos[v] = qi + o
    return pos


def route_chain(
    chain: list[int],
    g: Layered,
    axes: Axes,
    u_rank: list[float],
    v_pos: list[float],
    thick: list[float],
    along: list[float],
) -> list[Point]:
    """Bend points: straight through each rank's band, so an edge never grazes a box there;
    points on a straight run are left out."""
    points: list[Point] = []
    for i, v in enumerate(chain):
        u, half, own = u_rank[g.rank[v]], thick[g.rank[v]] / 2, along[v] / 2
        if i > 0 and (own < half - 1):
            points.append(axes.xy(u - half, v_pos[v]))
        if 0 < i < len(chain) - 1:
            points.append(axes.xy(u, v_pos[v]))
        if i < len(chain) - 1 and (own < half - 1):
            points.append(axes.xy(u + half, v_pos[v]))
    return _bends_only(points)


def _bends_only(points: list[Point]) -> list[Point]:
    """The points where the line turns (a middle point on a straight run says nothing)."""
    out: list[Point] = []
    for p in points:
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if abs((bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)) < 1e-6:
                out[-1] = p
                continue
        out.append(p)
    return out
