"""Flows: typed, labelled nodes in shapes, edges with labels, groups drawn as boxes.

A group is laid out on its own first, then stands as one big node in the flow around it, so
its box holds its nodes and nothing else, and no two boxes meet; groups the flow leaves and
comes back into are drawn as swimlanes instead (`lanes`). The layered drawing itself is
`sugiyama`'s.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from diagramgen.diagram import Cluster, Diagram, Edge, Kind, LineStyle, Node, Point, Shape
from diagramgen.formats.plan import Plan
from diagramgen.geometry import edge_path
from diagramgen.layout.lanes import entangled, lane_layout
from diagramgen.layout.layers import Axes
from diagramgen.layout.ranking import shortest_ranks
from diagramgen.layout.sugiyama import (
    Layered,
    back_edges,
    build_layers,
    place_across,
    reduce_crossings,
    route_chain,
)
from diagramgen.style import PALETTES, readable_text_color
from diagramgen.typeset import EDGE_LABEL_FONT, Box, edge_label_box, text_width, wrap_label

FONT = 14.0
LINE_H = 18.0
MAX_TEXT_W = 150.0
GROUP_PAD = 14.0  # between a group's box and its nodes
GROUP_LABEL = 22.0  # room for the group's label at the top of its box
BOW = 28.0  # how far a back edge bends aside from the forward edge it would cover
TYPE_SHAPE = {
    "decision": Shape.DIAMOND,
    "terminal": Shape.ROUND_RECTANGLE,
    "data": Shape.PARALLELOGRAM,
    "db": Shape.CYLINDER,
    "text": Shape.RECTANGLE,
    "image": Shape.RECTANGLE,
    "chart": Shape.RECTANGLE,
}
MEANING_TYPES = ("decision", "data", "db")  # their shape says what they are
TYPE_FILL = {"process": 0, "func": 0, "model": 1, "data": 2, "db": 3, "text": 2, "image": 2}
Link = tuple[int, int, str]  # source, target, label
Placed = tuple[list[Point], list[list[Point]], list[list[float | None]]]  # centres, routes, spots


@dataclass
class Placement:
    """A graph drawn in its own coordinates: vertex centres, each edge's bend points (in the
    edge's direction), and for each edge the middles of the gaps next to its two ends."""

    centres: list[Point]
    routes: list[list[Point]]
    label_spots: list[list[float | None]]
    bowed: set[int] = field(default_factory=set)  # back edges bent aside from a twin: by BOW


def place_graph(sizes: list[tuple[float, float]], links: list[Link], axes: Axes) -> Placement:
    """Lay out vertices of the given (width, height) and the links between them."""
    n = len(sizes)
    back = back_edges(n, [(s, t) for s, t, _ in links])
    dag = [((t, s) if k in back else (s, t)) for k, (s, t, _) in enumerate(links)]
    g = build_layers(n, dag, shortest_ranks(n, dag))
    reduce_crossings(g)
    along = [(w if axes.horizontal else h) for w, h in sizes] + [0.0] * (len(g.rank) - n)
    across = [(h if axes.horizontal else w) for w, h in sizes] + [0.0] * (len(g.rank) - n)
    v_pos = place_across(g, across, n)
    thick = [max(along[v] for v in layer) for layer in g.order]
    gaps = _rank_gaps(axes, g, links, back)
    u_rank = [0.0]
    for r in range(1, len(g.order)):
        u_rank.append(u_rank[-1] + thick[r - 1] / 2 + gaps[r - 1] + thick[r] / 2)
    centres = [axes.xy(u_rank[g.rank[i]], v_pos[i]) for i in range(n)]
    routes, spots, bowed = [], [], set()
    for k, (s, t, _) in enumerate(links):
        route = route_chain(g.chains[k], g, axes, u_rank, v_pos, thick, along)
        step = 1 if k not in back else -1
        if k in back:
            route.reverse()
            if len(g.chains[k]) == 2 and any((t, s) == (a, b) for a, b, _ in links):
                mid_u = (u_rank[g.rank[s]] + u_rank[g.rank[t]]) / 2
                route = [axes.xy(mid_u, (v_pos[s] + v_pos[t]) / 2 + BOW)]  # aside from its twin
                bowed.add(k)
        routes.append(route)
        spots.append(
            [
                _gap_middle(g.rank[s], g.rank[s] + step, u_rank, thick),
                _gap_middle(g.rank[t], g.rank[t] - step, u_rank, thick),
            ]
        )
    return Placement(centres, routes, spots, bowed)


def _rank_gaps(axes: Axes, g: Layered, links: list[Link], back: set[int]) -> list[float]:
    """The space between each rank and the next, widened where an edge label must fit."""
    gaps = [64.0 if axes.horizontal else 52.0] * max(len(g.order) - 1, 0)
    for k, (s, _, label) in enumerate(links):
        if not label or not gaps:
            continue
        r = g.rank[s] if k not in back else g.rank[s] - 1  # the gap next to the source
        r = min(max(r, 0), len(gaps) - 1)
        need = text_width(label, EDGE_LABEL_FONT) + 28 if axes.horizontal else EDGE_LABEL_FONT + 26
        gaps[r] = max(gaps[r], need)
    return gaps


def _gap_middle(r: int, toward: int, u_rank: list[float], thick: list[float]) -> float | None:
    """The middle of the gap between rank r and its neighbour `toward` (None past the ends)."""
    if not 0 <= toward < len(u_rank):
        return None
    near = u_rank[r] + (thick[r] / 2 if toward > r else -thick[r] / 2)
    far = u_rank[toward] + (-thick[toward] / 2 if toward > r else thick[toward] / 2)
    return (near + far) / 2


@dataclass
class _Group:
    """A group laid out on its own: its members, the links inside it, where each link that
    crosses its box enters it (`portals`: link -> (inner link, from the low side?)), the
    placement, and its box (size, and the offset from the box's centre to the placement)."""

    members: list[int]
    inner: list[int]
    portals: dict[int, tuple[int, bool]]
    placement: Placement
    offset: Point
    size: tuple[float, float]


def _lay_out_group(
    members: list[int],
    links: list[Link],
    sizes: list[tuple[float, float]],
    axes: Axes,
    sides: dict[int, bool],
) -> _Group:
    """Members and their links laid out as a flow of their own; each link from outside comes
    in from a virtual vertex on the side its other end lies (`sides`: link -> low side?), so
    it gets a lane to its member instead of crossing the others."""
    local = {v: i for i, v in enumerate(members)}
    inner = [k for k, (s, t, _) in enumerate(links) if s in local and t in local]
    inner_links = [(local[links[k][0]], local[links[k][1]], links[k][2]) for k in inner]
    portals: dict[int, tuple[int, bool]] = {}
    low, high = len(members), len(members) + 1  # the virtual vertices, both of size 0
    for k, from_low in sides.items():
        s, t, _ = links[k]
        member = local[s] if s in local else local[t]
        portals[k] = (len(inner_links), from_low)
        inner_links.append((low, member, "") if from_low else (member, high, ""))
    sized = [sizes[v] for v in members] + [(0.0, 0.0), (0.0, 0.0)]
    placed = place_graph(sized, inner_links, axes)
    real = list(zip(placed.centres, members, strict=False))
    left = min(x - sizes[v][0] / 2 for (x, _), v in real)
    right = max(x + sizes[v][0] / 2 for (x, _), v in real)
    top = min(y - sizes[v][1] / 2 for (_, y), v in real)
    bottom = max(y + sizes[v][1] / 2 for (_, y), v in real)
    width = right - left + 2 * GROUP_PAD
    height = bottom - top + 2 * GROUP_PAD + GROUP_LABEL
    offset = (-(left + right) / 2, GROUP_LABEL / 2 - (top + bottom) / 2)
    return _Group(members, inner, portals, placed, offset, (width, height))


@dataclass
class _Outer:
    """The flow around the groups: each ungrouped node, then each group, as one vertex."""

    loose: list[int]
    vertex: dict[int, int]  # node -> its vertex
    links: list[Link]
    link_of: dict[int, int]  # a link between two vertices -> the outer link drawing it
    placement: Placement


def _outer_flow(
    n: int, links: list[Link], sizes: list[tuple[float, float]], groups: list[_Group], axes: Axes
) -> _Outer:
    loose = [i for i in range(n) if not any(i in g.members for g in groups)]
    vertex = {i: k for k, i in enumerate(loose)}
    for k, group in enumerate(groups):
        vertex.update(dict.fromkeys(group.members, len(loose) + k))
    outer: list[Link] = []
    link_of: dict[int, int] = {}
    for k, (s, t, label) in enumerate(links):
        pair = (vertex[s], vertex[t])
        if pair[0] == pair[1]:
            continue
        found = next((j for j, (a, b, _) in enumerate(outer) if (a, b) == pair), None)
        if found is None:
            outer.append((*pair, label))
            found = len(outer) - 1
        link_of[k] = found
    placed = place_graph([sizes[i] for i in loose] + [g.size for g in groups], outer, axes)
    return _Outer(loose, vertex, outer, link_of, placed)


def _sides(
    outer: _Outer, links: list[Link], groups: list[_Group], axes: Axes
) -> list[dict[int, bool]]:
    """For each group, each link crossing its box: does its other end lie on the low side?"""
    u = [c[0] if axes.horizontal else c[1] for c in outer.placement.centres]
    sides: list[dict[int, bool]] = [{} for _ in groups]
    for k in outer.link_of:
        s, t, _ = links[k]
        for end, other in ((s, t), (t, s)):
            g = outer.vertex[end] - len(outer.loose)
            if g >= 0:
                sides[g][k] = u[outer.vertex[other]] < u[outer.vertex[end]]
    return sides


def _inside(
    group: _Group, k: int, origin: Point, box: Cluster, member: Point, axes: Axes, leaving: bool
) -> list[Point]:
    """The bend points of link k inside a group's box, in the link's direction: its lane past
    the other members, then straight across the box's edge on its side."""
    j, from_low = group.portals[k]
    lane = [_shift(p, origin) for p in group.placement.routes[j]]  # from low side to high side
    last = lane[0] if from_low and lane else lane[-1] if lane else member
    if axes.horizontal:
        door = (box.x if from_low else box.x + box.width, last[1])
    else:
        door = (last[0], box.y if from_low else box.y + box.height)
    points = [door, *lane] if from_low else [*lane, door]
    return points[::-1] if leaving == from_low else points


def _bow(bend: Point, doors: list[Point], axes: Axes) -> Point:
    """A back edge's bend aside from its twin, turned to the side of the box doors it uses."""
    u, v = (bend[0], bend[1]) if axes.horizontal else (bend[1], bend[0])
    middle = v - BOW
    if not doors:
        return bend
    toward = sum(p[1] if axes.horizontal else p[0] for p in doors) / len(doors)
    return axes.xy(u, middle + (BOW if toward >= middle else -BOW))


def _shift(p: Point, by: Point) -> Point:
    return (p[0] + by[0], p[1] + by[1])


def _blocks(
    plan: Plan,
    links: list[Link],
    sizes: list[tuple[float, float]],
    members: list[list[int]],
    axes: Axes,
    diagram: Diagram,
) -> Placed:
    """Each group laid out on its own and standing as one block in the flow around it; the
    groups' boxes go into `diagram`. Node centres, link routes, label spots."""
    sides: list[dict[int, bool]] = [{} for _ in members]
    for _ in range(2 if plan.groups else 1):  # the second pass knows where each link comes from
        groups = [
            _lay_out_group(m, links, sizes, axes, sd) for m, sd in zip(members, sides, strict=True)
        ]
        outer = _outer_flow(len(plan.nodes), links, sizes, groups, axes)
        sides = _sides(outer, links, groups, axes)
    centres: list[Point] = [(0.0, 0.0)] * len(plan.nodes)
    routes: list[list[Point]] = [[] for _ in links]
    spots: list[list[float | None]] = [[None, None] for _ in links]
    for i in outer.loose:
        centres[i] = outer.placement.centres[outer.vertex[i]]
    origins: list[Point] = []
    for k, (group, spec) in enumerate(zip(groups, plan.groups, strict=True)):
        cx, cy = outer.placement.centres[len(outer.loose) + k]
        origin = _shift((cx, cy), group.offset)
        origins.append(origin)
        for i, c in zip(group.members, group.placement.centres, strict=False):
            centres[i] = _shift(c, origin)
        for j, link in enumerate(group.inner):
            routes[link] = [_shift(p, origin) for p in group.placement.routes[j]]
            u0 = origin[0] if axes.horizontal else origin[1]
            spots[link] = [None if u is None else u + u0 for u in group.placement.label_spots[j]]
        w, h = group.size
        box = Cluster(spec.label, list(spec.members), cx - w / 2, cy - h / 2, w, h)
        diagram.clusters.append(box)
    for k, j in outer.link_of.items():
        s, t, _ = links[k]
        gs, gt = outer.vertex[s] - len(outer.loose), outer.vertex[t] - len(outer.loose)
        middle = list(outer.placement.routes[j])
        head: list[Point] = []
        tail: list[Point] = []
        if gs >= 0:
            box, mine = diagram.clusters[gs], centres[s]
            head = _inside(groups[gs], k, origins[gs], box, mine, axes, leaving=True)
        if gt >= 0:
            box, mine = diagram.clusters[gt], centres[t]
            tail = _inside(groups[gt], k, origins[gt], box, mine, axes, leaving=False)
        if j in outer.placement.bowed:
            middle = [_bow(middle[0], head[-1:] + tail[:1], axes)]
        route = head + middle + tail
        routes[k], spots[k] = route, list(outer.placement.label_spots[j])
    return centres, routes, spots


def _swimlanes(
    plan: Plan,
    links: list[Link],
    sizes: list[tuple[float, float]],
    members: list[list[int]],
    axes: Axes,
    diagram: Diagram,
) -> Placed:
    """Groups the flow goes out of and back into, drawn as bands (`lanes`) over a layout of
    the whole flow; the bands go into `diagram` as its group boxes."""
    flat = place_graph(sizes, links, axes)
    pairs = [(s, t) for s, t, _ in links]
    lanes = lane_layout(flat.centres, sizes, pairs, members, axes, GROUP_LABEL)
    for spec, (x, y, w, h) in zip(plan.groups, lanes.bands, strict=True):
        diagram.clusters.append(Cluster(spec.label, list(spec.members), x, y, w, h, lane=True))
    return lanes.centres, lanes.routes, lanes.spots


def flow_layout(plan: Plan) -> Diagram:
    """Lay out a flow: ranks, fewer crossings, placed nodes, routed edges (loops drawn back),
    a labelled box around each group and each edge's label in the gap after its source."""
    axes = Axes(plan.style.orientation)
    index = {node.id: i for i, node in enumerate(plan.nodes)}
    links: list[Link] = []
    styles: list[LineStyle] = []
    for e in plan.edges:
        s, t = index[e.source], index[e.target]
        if all((a, b) != (s, t) for a, b, _ in links):
            links.append((s, t, e.label))
            styles.append(e.style or plan.style.line or LineStyle.SOLID_ARROW)
    sizes = _boxes(plan)
    members = [[index[m] for m in g.members] for g in plan.groups]
    diagram = Diagram(kind=Kind.FLOW, orientation=plan.style.orientation)
    if plan.groups and entangled(len(plan.nodes), [(s, t) for s, t, _ in links], members):
        centres, routes, spots = _swimlanes(plan, links, sizes, members, axes, diagram)
    else:
        centres, routes, spots = _blocks(plan, links, sizes, members, axes, diagram)
    palette = PALETTES[plan.style.palette]
    for i, node in enumerate(plan.nodes):
        fill = palette.fills[TYPE_FILL.get(node.type, 3)]
        diagram.nodes.append(
            Node(
                id=node.id,
                x=centres[i][0],
                y=centres[i][1],
                width=sizes[i][0],
                height=sizes[i][1],
                shape=_shape(plan, i),
                fill=fill,
                line_color=palette.stroke,
                label=node.label,
                text_color=readable_text_color(fill),
                font_size=FONT,
                role=node.type,
            )
        )
    for (s, t, label), style, route in zip(links, styles, routes, strict=True):
        edge = Edge(plan.nodes[s].id, plan.nodes[t].id, style, palette.edge, route, label=label)
        diagram.edges.append(edge)
    taken: list[Box] = [(n.left, n.top, n.right, n.bottom) for n in diagram.nodes]
    for edge, wanted in zip(diagram.edges, spots, strict=True):
        if edge.label:
            edge.label_at = _place_label(edge, edge_path(diagram, edge), axes, wanted, taken)
    return diagram


def _shape(plan: Plan, i: int) -> Shape:
    """The node's own shape; else its type's, where the shape is the meaning (a decision stays a
    diamond under `shape=rect`); else the header's; else its type's default."""
    node = plan.nodes[i]
    meaning = TYPE_SHAPE.get(node.type) if node.type in MEANING_TYPES else None
    return (
        node.shape
        or meaning
        or plan.style.shape
        or TYPE_SHAPE.get(node.type, Shape.ROUND_RECTANGLE)
    )


def _boxes(plan: Plan) -> list[tuple[float, float]]:
    """Each node's size; circles all take the largest circle's (one size reads as one kind)."""
    boxes = [_node_box(node.label, _shape(plan, i)) for i, node in enumerate(plan.nodes)]
    circles = [i for i in range(len(plan.nodes)) if _shape(plan, i) is Shape.CIRCLE]
    if circles:
        d = max(boxes[i][0] for i in circles)
        for i in circles:
            boxes[i] = (d, d)
    return boxes


def _node_box(label: str, shape: Shape) -> tuple[float, float]:
    """A node's (width, height): its label wrapped, and room for the shape's outline."""
    wrap = 110.0 if shape is Shape.CIRCLE else MAX_TEXT_W
    if shape is Shape.DIAMOND:  # two shorter lines keep a diamond from growing flat
        wrap = max(56.0, min(110.0, 0.6 * text_width(label, FONT)))
    lines = wrap_label(label, FONT, wrap)
    tw = max(text_width(line, FONT) for line in lines)
    th = LINE_H * len(lines)
    if shape is Shape.CIRCLE:
        d = _circle_diameter(label) or max(64.0, *_circle_need(lines))
        return d, d
    if shape is Shape.DIAMOND:  # a text box of half the diagonals fits inside
        return max(110.0, 2 * tw + 28), max(64.0, 2 * th + 18)
    if shape is Shape.PARALLELOGRAM:
        h = max(44.0, th + 22)
        return max(110.0, tw + 28 + 0.7 * h), h
    if shape is Shape.CYLINDER:
        return max(96.0, tw + 28), max(58.0, th + 40)
    return max(96.0, tw + 28), max(44.0, th + 22)


def _circle_diameter(label: str) -> float | None:
    """The smallest circle (of those from wrapping the label 60..300 px wide) whose label, as
    the renderer wraps it (to 3/4 of the diameter), sits inside with room to spare; None if
    none does."""
    best: float | None = None
    for wrap in range(60, 301, 10):
        d = max(64.0, *_circle_need(wrap_label(label, FONT, float(wrap))))
        if max(_circle_need(wrap_label(label, FONT, 0.75 * d))) <= d and (best is None or d < best):
            best = d
    return best


def _circle_need(lines: list[str]) -> tuple[float, float]:
    """The diameters these lines need: to fit their text block, and their widest line in 3/4."""
    tw = max(text_width(line, FONT) for line in lines)
    return math.hypot(tw, LINE_H * len(lines)) + 16, (tw + 6) / 0.75


def _place_label(
    edge: Edge, path: list[Point], axes: Axes, wanted: list[float | None], taken: list[Box]
) -> Point:
    """The label's centre on its edge: in the gap after the source if it is free there, else
    in the gap before the target, else nudged along the first; its box is then taken."""
    us = [u for u in wanted if u is not None]
    if us:
        us += [us[0] + sign * step for step in (8.0, 16.0, 24.0) for sign in (1.0, -1.0)]
    spots = [_point_at(path, axes, u) for u in us] or [_point_at(path, axes, math.inf)]
    spots += [_along(path, f) for f in (0.5, 0.35, 0.65, 0.2, 0.8)]
    for x, y in spots:
        box = edge_label_box(edge.label, (x, y))
        if not any(_boxes_meet(box, other) for other in taken):
            taken.append(box)
            return (x, y)
    return spots[0]


def _boxes_meet(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _point_at(path: list[Point], axes: Axes, u: float) -> Point:
    """Where a drawn edge path crosses the line at `u` along the flow (its middle if never)."""
    for (x1, y1), (x2, y2) in itertools.pairwise(path):
        u1, u2 = (x1, x2) if axes.horizontal else (y1, y2)
        if min(u1, u2) <= u <= max(u1, u2) and u1 != u2:
            f = (u - u1) / (u2 - u1)
            return (round(x1 + f * (x2 - x1), 1), round(y1 + f * (y2 - y1), 1))
    mid = path[len(path) // 2 - 1 : len(path) // 2 + 1] if len(path) > 1 else path
    return (sum(p[0] for p in mid) / len(mid), sum(p[1] for p in mid) / len(mid))


def _along(path: list[Point], share: float) -> Point:
    """The point `share` of the way along a polyline, by length."""
    lengths = [math.dist(a, b) for a, b in itertools.pairwise(path)]
    left = share * sum(lengths)
    for (a, b), length in zip(itertools.pairwise(path), lengths, strict=True):
        if left <= length and length > 0:
            f = left / length
            return (round(a[0] + f * (b[0] - a[0]), 1), round(a[1] + f * (b[1] - a[1]), 1))
        left -= length
    return path[-1]
