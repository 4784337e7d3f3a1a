from __future__ import annotations

import itertools
import random
import statistics

import numpy as np

from diagramgen.diagram import Diagram, Edge, Node, Shape
from diagramgen.formats.nodelist import node_list_to_diagram
from diagramgen.formats.plan import parse_plan
from diagramgen.geometry import segment_hits_box, segments_entering
from diagramgen.layout import layout_plan
from diagramgen.quality.metrics import _crossing_pairs, _orient, readability
from diagramgen.seedbench.intended import intended_to_plan


def _box(node_id: str, x: float, y: float, label: str = "step", **kw) -> Node:
    return Node(node_id, x, y, 100, 50, label=label, **kw)


def test_a_clean_diagram_loses_points_only_for_how_it_is_drawn() -> None:
    d = Diagram(nodes=[_box("a", 200, 300), _box("b", 500, 300)], edges=[Edge("a", "b")])
    r = readability(d)
    assert r.clean and 4.0 < r.score < 5.0
    faults = {"overlaps", "off_canvas", "crossings", "edges_through_nodes", "label_overflow"}
    assert r.drawing is not None and not faults & set(r.penalties)
    d.width, d.height = 700, 400  # the same drawing on a canvas it fills better
    assert readability(d).score > r.score


def test_overlap_and_off_canvas_are_counted() -> None:
    d = Diagram(nodes=[_box("a", 200, 300), _box("b", 240, 310), _box("c", 990, 300)])
    r = readability(d)
    assert (r.overlaps, r.off_canvas) == (1, 1)
    assert r.score <= 4.0 and not r.clean


def test_circles_only_overlap_when_their_outlines_do() -> None:
    near = [
        Node("a", 100, 100, 40, 40, Shape.CIRCLE, label="a"),
        Node("b", 135, 135, 40, 40, Shape.CIRCLE, label="b"),
    ]
    assert readability(Diagram(nodes=near)).overlaps == 0  # boxes touch, circles do not
    near[1].x = near[1].y = 120
    assert readability(Diagram(nodes=near)).overlaps == 1


def test_crossing_and_edge_through_node() -> None:
    nodes = [_box("a", 100, 100), _box("b", 500, 500), _box("c", 100, 500), _box("d", 500, 100)]
    d = Diagram(nodes=nodes, edges=[Edge("a", "b"), Edge("c", "d")])
    assert readability(d).crossings == 1
    d.nodes.append(_box("m", 300, 300))
    assert readability(d).edges_through_nodes == 2


def _random_segments(rng: random.Random, count: int) -> np.ndarray:
    """Short and long, slanted and axis-aligned segments, as a routed drawing has."""
    out = []
    for _ in range(count):
        x, y = rng.uniform(0, 1000), rng.uniform(0, 1000)
        reach = rng.choice([20, 80, 900])
        kind = rng.random()
        dx = 0.0 if kind < 0.3 else rng.uniform(-reach, reach)
        dy = 0.0 if 0.3 <= kind < 0.6 else rng.uniform(-reach, reach)
        out.append((x, y, x + dx, y + dy))
    return np.array(out)


def test_the_crossing_sweep_finds_every_crossing_pair_and_no_other() -> None:
    segs = _random_segments(random.Random(3), 300)
    expected = []
    for i, j in itertools.combinations(range(len(segs)), 2):
        a, b, c, d = segs[i, :2], segs[i, 2:], segs[j, :2], segs[j, 2:]
        if (
            _orient(c, d, a) * _orient(c, d, b) < -1e-6
            and _orient(a, b, c) * _orient(a, b, d) < -1e-6
        ):
            expected.append((i, j))
    assert len(expected) > 100
    for chunk in (1, 97, 1_000_000):  # one pair a time, many small chunks, all at once
        assert sorted(_crossing_pairs(segs, chunk)) == expected


def test_segments_entering_boxes_agrees_with_clipping_each_pair() -> None:
    rng = random.Random(4)
    segs = _random_segments(rng, 200)
    boxes = np.array(
        [
            (x, y, x + rng.uniform(10, 200), y + rng.uniform(10, 100))
            for x, y in ((rng.uniform(0, 1000), rng.uniform(0, 1000)) for _ in range(40))
        ]
    )
    expected = [
        (s, b)
        for s in range(len(segs))
        for b in range(len(boxes))
        if segment_hits_box(tuple(segs[s, :2]), tuple(segs[s, 2:]), tuple(boxes[b]))
    ]
    assert len(expected) > 50
    for cells in (1, 333, 400_000):
        assert segments_entering(segs, boxes, cells) == expected


def test_label_overflow_contrast_and_unlabelled() -> None:
    d = Diagram(
        nodes=[
            _box(
                "a", 200, 300, label="a very long label that cannot fit in a box this small at all"
            )
        ]
    )
    assert readability(d).label_overflow == 1
    d = Diagram(nodes=[_box("a", 200, 300, fill=(20, 20, 20), text_color=(40, 40, 40))])
    assert readability(d).low_contrast == 1
    d = Diagram(nodes=[_box("a", 200, 300, label=""), _box("b", 500, 300)])
    assert readability(d).unlabelled_fraction == 0.5


def test_our_layouts_beat_the_seed_system_outputs(seed_benchmark: list[dict]) -> None:
    seed, ours = [], []
    for row in seed_benchmark:
        try:
            diagram, _ = node_list_to_diagram(row["seed_system_output"])
            seed.append(readability(diagram).score)
        except ValueError:
            seed.append(0.0)
        ours.append(readability(layout_plan(intended_to_plan(row["intended"]))).score)
    assert statistics.mean(ours) > 4.3 > 2.0 > statistics.mean(seed)


def test_dense_bundles_do_not_count_as_crossings() -> None:
    d = layout_plan(parse_plan("nn\ninput 6\ndense 6\noutput 6\nend\n"))
    assert readability(d).crossings == 0


def test_an_edge_reads_backward_by_the_way_its_arrow_points() -> None:
    """A row wrapped onto the next line reads on (its edge arrives heading right); a slanting
    edge that doubles back to the left, or a loop back, reads backward."""
    nodes = [_box("a", 100, 100), _box("b", 300, 100), _box("c", 100, 250), _box("d", 300, 250)]
    wrap = Edge("b", "c", route=[(380, 100), (380, 175), (20, 175), (20, 250)])
    d = Diagram(nodes=nodes, edges=[Edge("a", "b"), wrap, Edge("c", "d")], width=420, height=300)
    r = readability(d)
    assert r.drawing is not None and r.drawing.backward == 0
    d.edges[1] = Edge("b", "c")  # straight, down and to the left
    d.edges.append(Edge("d", "c"))  # straight back along the row
    r = readability(d)
    assert r.drawing is not None and r.drawing.backward == 0.5
    assert r.penalties["backward"] == 0.5
