"""Ranks for a layered drawing: every edge points down at least one rank, and the edges are as
short in total as they can be (fewer long edges: fewer bends, bend vertices and crossings).

The network simplex of Gansner et al. (1993), as Graphviz `dot` ranks: start from longest-path
ranks, grow a spanning tree of tight edges (length exactly one), then swap a tree edge whose
cut value is negative for the slackest-but-least non-tree edge across its cut until none is.
Every step keeps the ranks feasible and never lengthens the total, so stopping when the work
budget is spent still leaves a valid, shorter ranking.
"""

from __future__ import annotations

from dataclasses import dataclass

RANK_WORK = 200_000  # edge visits the simplex may spend on one graph (bounds its time)


def longest_path_ranks(n: int, dag: list[tuple[int, int]]) -> list[int]:
    """Each node one rank below its lowest predecessor (Kahn's topological order)."""
    succs: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for s, t in dag:
        succs[s].append(t)
        indeg[t] += 1
    queue = [v for v in range(n) if indeg[v] == 0]
    rank = [0] * n
    for v in queue:  # grows while iterating
        for t in succs[v]:
            rank[t] = max(rank[t], rank[v] + 1)
            indeg[t] -= 1
            if indeg[t] == 0:
                queue.append(t)
    return rank


@dataclass
class _Tree:
    """A spanning tree of one component, rooted, with post-order numbers: node w lies below
    tree node c exactly when low[c] <= lim[w] <= lim[c]."""

    low: dict[int, int]
    lim: dict[int, int]
    parent_edge: dict[int, int]  # node -> the tree edge to its parent (the root has none)


def shortest_ranks(n: int, dag: list[tuple[int, int]], work: int = RANK_WORK) -> list[int]:
    """Feasible ranks (rank[t] >= rank[s] + 1 for every edge) of least total edge length, or the
    best found when `work` runs out; the top rank is 0."""
    edges = [(s, t) for s, t in dag if s != t]
    rank = longest_path_ranks(n, edges)
    incident: list[list[int]] = [[] for _ in range(n)]
    for k, (s, t) in enumerate(edges):
        incident[s].append(k)
        incident[t].append(k)
    budget = [work]
    seen: set[int] = set()
    for root in range(n):
        if root not in seen:
            members = _tight_tree(root, edges, incident, rank, budget)
            seen |= members[0]
            _simplex(root, edges, incident, rank, members, budget)
    lowest = min(rank, default=0)
    return [r - lowest for r in rank]


def _slack(k: int, edges: list[tuple[int, int]], rank: list[int]) -> int:
    s, t = edges[k]
    return rank[t] - rank[s] - 1


def _tight_tree(
    root: int,
    edges: list[tuple[int, int]],
    incident: list[list[int]],
    rank: list[int],
    budget: list[int],
) -> tuple[set[int], set[int]]:
    """Grow a tree of tight edges from `root` over its component, shifting the tree's ranks to
    make the least slack edge leaving it tight whenever it can grow no further. Returns its
    nodes and tree edges."""
    nodes, tree = {root}, set()
    component = _component(root, edges, incident)
    while True:
        frontier = list(nodes)
        while frontier:  # take in every node reached by a tight edge
            v = frontier.pop()
            for k in incident[v]:
                s, t = edges[k]
                w = t if s == v else s
                if w not in nodes and _slack(k, edges, rank) == 0:
                    nodes.add(w)
                    tree.add(k)
                    frontier.append(w)
        if len(nodes) == len(component):
            return nodes, tree
        leaving = [
            k
            for v in nodes
            for k in incident[v]
            if (edges[k][0] in nodes) != (edges[k][1] in nodes)
        ]
        budget[0] -= len(leaving)
        k = min(leaving, key=lambda k: _slack(k, edges, rank))
        delta = _slack(k, edges, rank) if edges[k][0] in nodes else -_slack(k, edges, rank)
        for v in nodes:
            rank[v] += delta


def _component(root: int, edges: list[tuple[int, int]], incident: list[list[int]]) -> set[int]:
    seen, stack = {root}, [root]
    while stack:
        v = stack.pop()
        for k in incident[v]:
            for w in edges[k]:
                if w not in seen:
                    seen.add(w)
                    stack.append(w)
    return seen


def _number(
    root: int, tree: set[int], edges: list[tuple[int, int]], incident: list[list[int]]
) -> _Tree:
    """Post-order numbers of the tree rooted at `root`."""
    low: dict[int, int] = {}
    lim: dict[int, int] = {}
    parent_edge: dict[int, int] = {}
    counter = 0
    stack = [(root, -1, iter(incident[root]))]
    low[root] = 0
    while stack:
        v, via, it = stack[-1]
        k = next(it, None)
        if k is None:
            stack.pop()
            lim[v] = counter
            counter += 1
            continue
        if k not in tree or k == via:
            continue
        w = edges[k][1] if edges[k][0] == v else edges[k][0]
        parent_edge[w] = k
        low[w] = counter
        stack.append((w, k, iter(incident[w])))
    return _Tree(low, lim, parent_edge)


def _simplex(
    root: int,
    edges: list[tuple[int, int]],
    incident: list[list[int]],
    rank: list[int],
    members: tuple[set[int], set[int]],
    budget: list[int],
) -> None:
    nodes, tree_edges = members
    inside = [k for k in range(len(edges)) if edges[k][0] in nodes]
    while budget[0] > 0:
        tree = _number(root, tree_edges, edges, incident)
        swap = _negative_cut(tree, edges, inside, rank, budget)
        if swap is None:
            return
        leave, enter, below, shift = swap
        tree_edges.discard(leave)
        tree_edges.add(enter)
        for v in nodes:  # the part below the leaving edge moves to make the entering one tight
            if tree.low[below] <= tree.lim[v] <= tree.lim[below]:
                rank[v] += shift


def _negative_cut(
    tree: _Tree, edges: list[tuple[int, int]], inside: list[int], rank: list[int], budget: list[int]
) -> tuple[int, int, int, int] | None:
    """A tree edge with a negative cut value, the non-tree edge to take its place, the child
    end of the leaving edge (its subtree moves) and by how much; None when the ranks are
    optimal (or the budget is spent)."""
    for child, leave in tree.parent_edge.items():
        lo, hi = tree.low[child], tree.lim[child]
        down = edges[leave][1] == child  # the edge points into the subtree
        cut, candidates = 0, []
        for k in inside:
            s_in = lo <= tree.lim[edges[k][0]] <= hi
            t_in = lo <= tree.lim[edges[k][1]] <= hi
            if s_in == t_in:
                continue
            along = t_in == down  # crosses the cut the same way as the tree edge
            cut += 1 if along else -1
            if not along:
                candidates.append(k)
        budget[0] -= len(inside)
        if cut < 0 and candidates:
            enter = min(candidates, key=lambda k: _slack(k, edges, rank))
            gap = _slack(enter, edges, rank)
            # entering edge runs from the subtree out (down is False) or into it (down is True)
            return leave, enter, child, (gap if down else -gap)
        if budget[0] <= 0:
            return None
    return None
