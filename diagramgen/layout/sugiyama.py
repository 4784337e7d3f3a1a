"""The layered (Sugiyama) drawing of a directed graph: break cycles, rank, order the ranks to
cut crossings, place each vertex across the flow, and route edges through the gaps.

Knows nothing of labels or shapes: vertices are boxes of a given extent. Written here rather
than taken from a library: the pip-installable ones (grandalf, igraph's Sugiyama) do not size
boxes to their labels. Crossings against Graphviz `dot` are tracked in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

from diagramgen.diagram import Point
from diagramgen.layout.layers import Axes

NODE_GAP = 34.0  # across the flow, between boxes
DUMMY_GAP = 16.0  # across the flow, next to an edge's bend vertex
SWEEPS = 16
WORK = 48_000  # vertex passes a layout may spend on ordering and placing (bounds its time)


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


def assign_ranks(n: int, dag: list[tuple[int, int]]) -> list[int]:
    """Longest path from the sources, then sources pulled next to their first successor."""
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for s, t in dag:
        preds[t].append(s)
        succs[s].append(t)
    indeg = [len(p) for p in preds]
    queue = [v for v in range(n) if indeg[v] == 0]
    rank = [0] * n
    for v in queue:  # queue grows while iterating: Kahn's topological order
        for t in succs[v]:
            rank[t] = max(rank[t], rank[v] + 1)
            indeg[t] -= 1
            if indeg[t] == 0:
                queue.append(t)
    for v in range(n):
        if not preds[v] and succs[v]:
            rank[v] = min(rank[t] for t in succs[v]) - 1
    return rank


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


def _barycentre(v: int, i: int, pos: dict[int, int], nbrs: list[int], scale: float) -> float:
    """Mean position of a vertex's neighbours in the reference rank (its own if it has none)."""
    return sum(pos[w] for w in nbrs) / len(nbrs) if nbrs else i * scale


def _sweep(g: Layered, downward: bool) -> None:
    ranks = range(1, len(g.order)) if downward else range(len(g.order) - 2, -1, -1)
    nbrs = g.up if downward else g.down
    for r in ranks:
        ref = g.order[r - 1] if downward else g.order[r + 1]
        pos = {v: i for i, v in enumerate(ref)}
        scale = len(ref) / max(1, len(g.order[r]))
        keyed = [(_barycentre(v, i, pos, nbrs[v], scale), i, v) for i, v in enumerate(g.order[r])]
        g.order[r] = [v for _, _, v in sorted(keyed)]


def _transpose(g: Layered) -> None:
    """Swap neighbours in a rank while that removes crossings (a local clean-up, within the
    work budget). Only the edges of the two swapped vertices change crossings."""
    improved, rounds, checks = True, 0, 0
    while improved and rounds < 20 and checks < WORK // 4:
        improved, rounds = False, rounds + 1
        checks += len(g.rank)
        for r, layer in enumerate(g.order):
            above = {v: i for i, v in enumerate(g.order[r - 1])} if r > 0 else {}
            below = {v: i for i, v in enumerate(g.order[r + 1])} if r + 1 < len(g.order) else {}
            for i in range(len(layer) - 1):
                a, b = layer[i], layer[i + 1]
                kept = _pair_crossings(a, b, g, above, below)
                if _pair_crossings(b, a, g, above, below) < kept:
                    layer[i], layer[i + 1] = b, a
                    improved = True


def _pair_crossings(
    left: int, right: int, g: Layered, above: dict[int, int], below: dict[int, int]
) -> int:
    """Crossings between the edges of two neighbours in a rank, `left` drawn first."""
    total = 0
    for pos, nbrs in ((above, g.up), (below, g.down)):
        if nbrs[left] and nbrs[right]:
            theirs = sorted(pos[w] for w in nbrs[right])
            total += sum(bisect.bisect_left(theirs, pos[w]) for w in nbrs[left])
    return total


def effort(g: Layered, most: int) -> int:
    """How many passes over the graph the work budget allows (1..most): a big graph (many
    long edges, so many bend vertices) gets fewer, so layout time stays bounded."""
    return max(1, min(most, WORK // max(1, len(g.rank))))


def reduce_crossings(g: Layered) -> None:
    """Barycentre sweeps up and down, keeping the best order seen, then transpositions."""
    best, best_order = count_crossings(g), [list(layer) for layer in g.order]
    for k in range(effort(g, SWEEPS)):
        if best == 0:
            break
        _sweep(g, downward=k % 2 == 0)
        c = count_crossings(g)
        if c < best:
            best, best_order = c, [list(layer) for layer in g.order]
    g.order = best_order
    if best:
        _transpose(g)


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
