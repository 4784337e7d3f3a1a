from __future__ import annotations

import itertools
import json
import math
import random

import pytest

from diagramgen.diagram import Diagram, Shape
from diagramgen.formats.plan import parse_plan
from diagramgen.layout import content_box, layout_plan
from diagramgen.layout.engine import MARGIN
from diagramgen.layout.ranking import longest_path_ranks, shortest_ranks
from diagramgen.layout.sugiyama import (
    LazyPairCrossings,
    PairCrossings,
    build_layers,
    count_crossings,
)
from diagramgen.limits import MAX_EDGES, MAX_NODES
from diagramgen.quality.metrics import readability
from diagramgen.seedbench.intended import intended_to_plan, intended_to_structure
from diagramgen.typeset import text_width
from tests.golden import GOLDEN, PLANS, drawn_texts, golden_record


def _assert_clean(diagram: Diagram) -> None:
    r = readability(diagram)
    assert r.overlaps == 0, r
    assert r.off_canvas == 0, r
    assert r.label_overflow == 0, r
    assert r.edges_through_nodes == 0, r


@pytest.mark.parametrize("name", sorted(PLANS))
def test_plans_lay_out_clean(name: str) -> None:
    diagram = layout_plan(parse_plan(PLANS[name]))
    _assert_clean(diagram)
    left, top, right, bottom = content_box(diagram)  # the canvas is fitted to the content
    assert left == pytest.approx(MARGIN, abs=1) and top == pytest.approx(MARGIN, abs=1)
    assert diagram.width - right == pytest.approx(MARGIN, abs=1.5)
    assert diagram.height - bottom == pytest.approx(MARGIN, abs=1.5)
    assert 0.5 <= diagram.width / diagram.height <= 2.5


@pytest.mark.parametrize("name", sorted(PLANS))
def test_layout_matches_golden(name: str) -> None:
    """Node positions and sizes are deterministic; a change here must be looked at and re-blessed
    with `python scripts/update_goldens.py` (then inspect the SVGs before committing). The SVG
    goldens are a picture to look at, compared only by the text they draw: a cosmetic change
    to the drawing does not fail this test."""
    coords, svg = golden_record(name)
    wanted = json.loads((GOLDEN / f"{name}.json").read_text())
    assert wanted.keys() == coords.keys()
    for node, box in coords.items():
        assert box == pytest.approx(wanted[node], abs=0.05), node
    assert drawn_texts(svg) == drawn_texts((GOLDEN / f"{name}.svg").read_text())


def test_wide_layer_is_collapsed_but_keeps_its_true_size() -> None:
    diagram = layout_plan(
        parse_plan("nn\ninput 784\ndense 512\ndense 512\ndense 512\noutput 10\nend\n")
    )
    layers = diagram.structure()["layers"]
    assert [layer["size"] for layer in layers] == [784, 512, 512, 512, 10]
    assert all(len(g.node_ids) <= 10 for g in diagram.groups)
    assert sum(t.text == "⋮" for t in diagram.texts) == 4
    _assert_clean(diagram)


def test_cnn_shapes_propagate_into_labels_and_structure() -> None:
    diagram = layout_plan(
        parse_plan("cnn\ninput 32x32\nconv 3x3\npool 2x2\ndense 256\noutput 1\nend\n")
    )
    layers = diagram.structure()["layers"]
    assert [(layer["type"], layer["size"]) for layer in layers] == [
        ("input", 32),
        ("conv", 30),
        ("pool", 15),
        ("dense", 256),
        ("output", 1),
    ]
    assert "30×30" in diagram.node("L2").label and "15×15" in diagram.node("L3").label


def test_impossible_cnn_shapes_are_a_plan_error() -> None:
    from diagramgen.errors import DiagramTextError

    with pytest.raises(DiagramTextError, match="line 3"):
        layout_plan(parse_plan("cnn\ninput 4x4\nconv 5x5\nend\n"))


def test_a_long_chain_wraps_within_the_aspect_bounds() -> None:
    chain = " -> ".join(f'"step {i}"' for i in range(40))
    for orientation in ("horizontal", "vertical"):
        diagram = layout_plan(parse_plan(f"flow {orientation}\n{chain}\nend\n"))
        assert len(diagram.nodes) == 40 and len(diagram.edges) == 39
        _assert_clean(diagram)
        assert readability(diagram).crossings == 0
        assert 0.5 <= diagram.width / diagram.height <= 2.5, (diagram.width, diagram.height)


def test_a_three_step_chain_turns_at_its_last_step() -> None:
    """a -> b -> c in a row is 5:1; it folds into a -> b with c straight under b."""
    plan = 'flow horizontal\nnode a "spectrogram"\nnode b "acoustic model"\n'
    plan += 'node c "beam search decoder"\na -> b -> c\nend\n'
    diagram = layout_plan(parse_plan(plan))
    a, b, c = (diagram.node(i) for i in "abc")
    assert a.y == pytest.approx(b.y) and a.x < b.x  # the row still reads left to right
    assert c.x == pytest.approx(b.x) and c.top > b.bottom  # c turns under b
    turn = next(e for e in diagram.edges if (e.source, e.target) == ("b", "c"))
    assert turn.route == []  # straight down, not round the band's end
    assert 0.5 <= diagram.width / diagram.height <= 2.5, (diagram.width, diagram.height)
    _assert_clean(diagram)


def _turned(plan: str) -> Diagram:
    """A 3-node flow laid out: it must fold within the aspect bounds, clean, no label hit."""
    diagram = layout_plan(parse_plan(plan))
    _assert_clean(diagram)
    drawing = readability(diagram).drawing
    assert drawing is not None and drawing.label_hits == 0
    assert 0.5 <= diagram.width / diagram.height <= 2.5, (diagram.width, diagram.height)
    return diagram


def test_a_labelled_last_step_turns_with_its_label_on_the_turn() -> None:
    diagram = _turned(
        'flow horizontal\n"load app" -> "log store"\n"log store" -> "pack video" "sends results"\nend\n'
    )
    b, c = diagram.nodes[1], diagram.nodes[2]
    turn = diagram.edges[1]
    assert c.x == pytest.approx(b.x) and c.top > b.bottom and turn.route == []
    assert turn.label_at is not None
    assert turn.label_at[0] == pytest.approx(b.x) and b.bottom < turn.label_at[1] < c.top


def test_a_step_looping_back_to_the_one_before_turns_and_loops_beside_both() -> None:
    """Every cut of a <-> b <-> c is crossed twice; where the chain turns, the edge back runs
    beside the two stacked nodes, not round a band's end."""
    plan = 'flow horizontal\nnode a "test file"\nnode b "data warehouse" db\nnode c "test record"\n'
    diagram = _turned(plan + 'a -> b -> c\nc -> b "next batch"\nb -> a "retry"\nend\n')
    stacked = [
        (e, diagram.node(e.source), diagram.node(e.target))
        for e in diagram.edges
        if diagram.node(e.source).x == pytest.approx(diagram.node(e.target).x)
    ]
    assert len(stacked) == 2  # the turn, and the edge back
    back = next(e for e, s, t in stacked if e.route)
    s, t = diagram.node(back.source), diagram.node(back.target)
    assert len(back.route) == 2
    beside = [p[0] > max(s.right, t.right) or p[0] < min(s.left, t.left) for p in back.route]
    assert all(beside), back.route


def test_a_three_step_cycle_folds_with_its_loop_bent_once() -> None:
    plan = 'flow horizontal\nnode a "monitor patient"\nnode b "API gateway"\n'
    diagram = _turned(plan + 'node c "filter shipment"\na -> b -> c\nc -> a "again"\nend\n')
    loop = next(e for e in diagram.edges if (e.source, e.target) == ("c", "a"))
    assert len(loop.route) == 1


def test_a_step_after_a_group_turns_out_of_it() -> None:
    """A group cannot be cut, so the chain turns at the one step after it."""
    plan = 'flow horizontal\nnode a "reject shipment"\nnode b "summarize contract"\n'
    plan += 'node c "ship query"\nnode d "encrypt token"\ngroup "Server": a, b, c\n'
    diagram = _turned(plan + "a -> b -> c -> d\nend\n")
    c, d, box = diagram.node("c"), diagram.node("d"), diagram.clusters[0]
    assert d.x == pytest.approx(c.x) and d.top > box.y + box.height


def test_a_group_too_long_to_read_whole_is_cut_where_its_chain_goes_on() -> None:
    """A row whose group holds four of five steps is 5.7:1 with 5 px labels as a thumbnail;
    the group is cut where one edge alone crosses, a labelled piece in each band."""
    plan = 'flow horizontal\nnode a "download sample"\nnode b "Embed answer"\n'
    plan += 'node c "Available?" decision\nnode d "Ship code"\nnode e "archive video"\n'
    plan += 'group "Cloud": a, b, c, d\na -> b "over HTTP"\nb -> c\nc -> d "pass"\n'
    diagram = _turned(plan + 'c -> e "fail"\nend\n')
    drawing = readability(diagram).drawing
    assert drawing is not None and drawing.thumbnail_font >= 7
    pieces = diagram.clusters
    assert len(pieces) == 2 and {p.label for p in pieces} == {"Cloud"}
    assert sorted(i for p in pieces for i in p.node_ids) == ["a", "b", "c", "d"]
    for piece in pieces:  # each piece holds its own nodes
        for i in piece.node_ids:
            n = diagram.node(i)
            assert piece.x < n.left and n.right < piece.x + piece.width
            assert piece.y < n.top and n.bottom < piece.y + piece.height


def test_a_group_is_not_cut_where_several_edges_would_cross_the_cut() -> None:
    plan = 'flow horizontal\nnode a "send shipment"\nnode b "Translate email"\n'
    plan += 'node c "Merge order"\nnode d "feedback good enough?" decision\n'
    plan += 'node e "Embed package"\nnode f "Refund model"\ngroup "Storage": a, b, c, d\n'
    plan += 'a -> b -> c -> d\nd -> e "yes"\nd -> f "no"\ne -> c "next batch"\nend\n'
    assert len(layout_plan(parse_plan(plan)).clusters) == 1


def test_seed_structures_fit_and_read_as_thumbnails(seed_benchmark: list[dict]) -> None:
    """Every drawing of the seed benchmark's structures (up to 30 nodes) keeps within 1:2 ..
    2.5:1, and its smallest label reads at 7 px or more once shown 400 px wide."""
    for row in seed_benchmark:
        diagram = layout_plan(intended_to_plan(row["intended"]))
        if len(diagram.nodes) > 30:
            continue
        drawing = readability(diagram).drawing
        assert drawing is not None and drawing.thumbnail_font >= 7, row["request"]
        assert 0.5 <= diagram.width / diagram.height <= 2.5, row["request"]


def test_skip_connection_is_routed_around_the_blocks_it_skips() -> None:
    diagram = layout_plan(parse_plan(PLANS["cnn_residual"]))
    skip = next(e for e in diagram.edges if (e.source, e.target) == ("L2", "L4"))
    lane_y = skip.route[0][1]
    assert all(lane_y < diagram.node(f"L{i}").top for i in (2, 3, 4))
    assert readability(diagram).crossings == 0


def test_cycles_become_back_edges_without_overlaps() -> None:
    diagram = layout_plan(parse_plan('flow\n"a" -> "b" -> "c" -> "a"\n"c" -> "b"\nend\n'))
    assert len(diagram.edges) == 4
    _assert_clean(diagram)


def test_crossing_minimisation_untangles_a_bipartite_flow() -> None:
    # Declared in the worst order: a naive layout draws 3 crossings here.
    text = 'flow\nnode a "A"\nnode b "B"\nnode c "C"\nnode x "X"\nnode y "Y"\nnode z "Z"\na -> z\nb -> y\nc -> x\nend\n'
    assert readability(layout_plan(parse_plan(text))).crossings == 0


def test_all_seed_intended_structures_lay_out_clean(
    seed_sft: list[dict], seed_benchmark: list[dict]
) -> None:
    for row in seed_sft + seed_benchmark:
        diagram = layout_plan(intended_to_plan(row["intended"]))
        r = readability(diagram)
        assert r.clean and r.crossings <= 1 and r.score >= 3.5, (row["request"], r)
        expected = intended_to_structure(row["intended"])
        got = diagram.structure()
        assert [layer["size"] for layer in got["layers"]] == [
            layer["size"] for layer in expected["layers"]
        ]
        assert (
            sorted(map(tuple, got["edges"])) == sorted(map(tuple, expected["edges"]))
            or expected["kind"] != "flow"
        )


def _box(n) -> tuple[float, float, float, float]:
    return (n.left, n.top, n.right, n.bottom)


def _meet(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _random_flow(rng: random.Random) -> str:
    """A flow of 5-14 typed nodes, up to three groups, extra edges, some of them labelled."""
    n = rng.randint(5, 14)
    types = ["process", "data", "db", "decision", "model", "terminal"]
    orientation = rng.choice(["horizontal", "vertical"])
    lines = [f"flow {orientation}"]
    lines += [
        f'node n{i} "Step {i}{" x" * rng.randint(0, 6)}" {rng.choice(types)}' for i in range(n)
    ]
    pool = [f"n{i}" for i in range(n)]
    rng.shuffle(pool)
    for g in range(rng.randint(1, 3)):
        members = pool[3 * g : 3 * g + rng.randint(1, 3)]
        if members:
            lines.append(f'group "Group {g}": ' + ", ".join(members))
    edges = {(rng.randrange(i), i) for i in range(1, n)}
    edges |= {tuple(rng.sample(range(n), 2)) for _ in range(rng.randint(0, n // 2))}
    for a, b in sorted(edges):
        label = f' "{rng.choice(["yes", "no", "retry", "on error"])}"' if rng.random() < 0.3 else ""
        lines.append(f"n{a} -> n{b}{label}")
    return "\n".join([*lines, "end"]) + "\n"


def test_group_boxes_hold_their_nodes_and_nothing_else() -> None:
    rng = random.Random(7)
    for _ in range(120):
        text = _random_flow(rng)
        diagram = layout_plan(parse_plan(text))
        assert readability(diagram).overlaps == 0, text
        boxes = []
        for c in diagram.clusters:
            box = (c.x, c.y, c.x + c.width, c.y + c.height)
            for node in diagram.nodes:
                inside = box[0] <= node.left and node.right <= box[2]
                inside = inside and box[1] <= node.top and node.bottom <= box[3]
                if node.id in c.node_ids:
                    assert inside, (text, c.label, node.id)
                else:
                    assert not _meet(box, _box(node)), (text, c.label, node.id)
            assert not any(_meet(box, other) for other in boxes), text
            boxes.append(box)


def test_a_flow_that_goes_back_and_forth_between_groups_is_drawn_in_swimlanes() -> None:
    """Order -> warehouse picks and packs -> customer receives: the customer's group cannot be
    one block, so each group is a band across the flow, cut where the flow folds; nothing is
    drawn backward, and each band holds its own nodes and no others."""
    text = (
        "flow horizontal\n"
        'node order "Place order"\nnode pick "Pick items"\nnode pack "Pack box"\n'
        'node hand "Hand to courier"\nnode get "Receive package"\nnode mail "Send receipt"\n'
        'group "Customer": order, get\ngroup "Warehouse": pick, pack, hand\n'
        "order -> pick -> pack -> hand -> get\norder -> mail\nmail -> get\nend\n"
    )
    for header, folded in (("flow horizontal", True), ("flow vertical", False)):
        diagram = layout_plan(parse_plan(text.replace("flow horizontal", header)))
        _assert_clean(diagram)
        r = readability(diagram)
        assert r.edges_through_nodes == 0 and r.drawing is not None and r.drawing.backward == 0
        assert (len(diagram.clusters) > 2) == folded  # running across, it folds to stay legible
        assert r.drawing.thumbnail_font >= 7
        for label, members in (
            ("Customer", {"order", "get"}),
            ("Warehouse", {"pick", "pack", "hand"}),
        ):
            pieces = [c for c in diagram.clusters if c.label == label]
            assert {i for c in pieces for i in c.node_ids} == members
            assert len({c.height if header == "flow horizontal" else c.width for c in pieces}) == 1
        for box in diagram.clusters:
            for n in diagram.nodes:
                inside = box.x <= n.left and n.right <= box.x + box.width
                inside = inside and box.y <= n.top and n.bottom <= box.y + box.height
                assert inside == (n.id in box.node_ids), (box.label, n.id)
        if not folded:
            for e in diagram.edges:
                assert diagram.node(e.source).y < diagram.node(e.target).y, (e.source, e.target)


def test_edge_labels_sit_on_their_edges_clear_of_nodes() -> None:
    rng = random.Random(8)
    clear = total = 0
    for _ in range(120):
        diagram = layout_plan(parse_plan(_random_flow(rng)))
        placed: list[tuple[float, float, float, float]] = []
        for edge in diagram.edges:
            if not edge.label:
                continue
            assert edge.label_at is not None
            x, y = edge.label_at
            w = text_width(edge.label, 12) + 8
            box = (x - w / 2, y - 9, x + w / 2, y + 9)
            total += 1
            nodes_hit = any(_meet(box, _box(n)) for n in diagram.nodes)
            clear += not nodes_hit and not any(_meet(box, other) for other in placed)
            placed.append(box)
    assert total > 100 and clear / total >= 0.98, (clear, total)


def test_a_decision_is_a_diamond_and_says_which_way_is_yes() -> None:
    diagram = layout_plan(parse_plan(PLANS["flow_groups"]))
    assert diagram.node("auth").shape is Shape.DIAMOND
    assert diagram.node("db").shape is Shape.CYLINDER
    assert diagram.node("login").shape is Shape.PARALLELOGRAM
    out = {e.target: e.label for e in diagram.edges if e.source == "auth"}
    assert out == {"api": "yes", "login": "no"}
    assert [c.label for c in diagram.clusters] == ["Frontend", "Backend"]


def test_a_header_shape_does_not_hide_what_a_node_is() -> None:
    """`shape=rect` squares the steps, but a decision stays a diamond and a store a cylinder."""
    text = PLANS["flow_groups"].replace("palette=teal", "palette=teal shape=rect", 1)
    assert text != PLANS["flow_groups"]
    diagram = layout_plan(parse_plan(text))
    assert diagram.node("auth").shape is Shape.DIAMOND
    assert diagram.node("db").shape is Shape.CYLINDER
    assert diagram.node("login").shape is Shape.PARALLELOGRAM
    assert diagram.node("api").shape is Shape.RECTANGLE


def test_a_repeated_block_is_drawn_once_with_its_count() -> None:
    diagram = layout_plan(parse_plan(PLANS["nn_repeat"]))
    block = diagram.node("L3")
    assert block.copies == 3 and "Transformer block × 12" in block.label
    assert diagram.structure()["layers"][2]["type"] == "repeat"
    assert diagram.structure()["layers"][2]["size"] == 12


def test_the_largest_allowed_flow_lays_out_clean() -> None:
    """Work is bounded at the limits (timed in bench/bench_limits.py): a chain of MAX_NODES
    steps with every other allowed edge spanning most of it still comes out clean."""
    n = MAX_NODES
    lines = ["flow horizontal", *(f'node n{i} "Step {i}"' for i in range(n))]
    lines += [f"n{i} -> n{i + 1}" for i in range(n - 1)]
    lines += [f"n{i % 20} -> n{n - 1 - (i % (n - 20))}" for i in range(MAX_EDGES - n + 1)]
    diagram = layout_plan(parse_plan("\n".join([*lines, "end"]) + "\n"))
    r = readability(diagram)
    assert len(diagram.edges) > 0.9 * MAX_EDGES and r.overlaps == 0 and r.off_canvas == 0


def _random_dag(rng: random.Random, n: int) -> list[tuple[int, int]]:
    edges = set()
    for v in range(1, n):
        for u in rng.sample(range(v), min(v, rng.choice([1, 2]))):
            edges.add((u, v))
    return sorted(edges)


def test_ranks_make_the_edges_as_short_as_they_can_be() -> None:
    """Against every feasible ranking of small graphs: the total edge length is the least."""
    rng = random.Random(3)
    for _ in range(60):
        n = rng.randint(2, 6)
        edges = _random_dag(rng, n)
        rank = shortest_ranks(n, edges)
        assert all(rank[t] >= rank[s] + 1 for s, t in edges)
        feasible = (
            r for r in itertools.product(range(n), repeat=n) if all(r[t] > r[s] for s, t in edges)
        )
        least = min(sum(r[t] - r[s] for s, t in edges) for r in feasible)
        assert sum(rank[t] - rank[s] for s, t in edges) == least


def test_ranks_stay_feasible_when_the_work_runs_out() -> None:
    """Cut short, the ranking is still valid and no longer than where it started."""
    rng = random.Random(4)
    edges = _random_dag(rng, 80)

    def length(rank: list[int]) -> int:
        return sum(rank[t] - rank[s] for s, t in edges)

    start, best = longest_path_ranks(80, edges), shortest_ranks(80, edges)
    assert length(best) < length(start)
    for work in (0, 50, 500):
        rank = shortest_ranks(80, edges, work=work)
        assert all(rank[t] >= rank[s] + 1 for s, t in edges)
        assert min(rank) == 0
        assert length(best) <= length(rank) <= length(start)


def test_both_pair_tables_count_what_a_swap_changes() -> None:
    """Swapping two neighbours changes the graph's crossings by exactly what the tables say."""
    rng = random.Random(5)
    for _ in range(20):
        n = rng.randint(8, 30)
        edges = _random_dag(rng, n)
        g = build_layers(n, edges, shortest_ranks(n, edges))
        for layer in g.order:
            rng.shuffle(layer)
        for r, layer in enumerate(g.order):
            if len(layer) < 2:
                continue
            eager, lazy = PairCrossings(g, r), LazyPairCrossings(g, r)
            a, b = layer[0], layer[1]
            assert eager(a, b) == lazy(a, b) and eager(b, a) == lazy(b, a)
            before = count_crossings(g)
            layer[0], layer[1] = b, a
            assert count_crossings(g) - before == eager(b, a) - eager(a, b)


def test_circles_are_as_small_as_their_largest_label_allows() -> None:
    """Every circle takes the size the largest label needs, wrapped as it is drawn; a text block
    of two short words does not get a circle sized for one 110 px line."""
    from diagramgen.typeset import LABEL_LINE, label_lines

    plan = 'flow horizontal shape=circle\n"register contract" -> "merge video" -> "message queue"\nend\n'
    diagram = layout_plan(parse_plan(plan))
    _assert_clean(diagram)
    sizes = {(n.width, n.height) for n in diagram.nodes}
    assert len(sizes) == 1
    d = sizes.pop()[0]
    assert d < 100, d  # was 141 with every label wrapped at 110 px
    for n in diagram.nodes:  # the drawn lines sit inside the circle
        lines = label_lines(n)
        wide = max(text_width(line, n.font_size) for line in lines)
        assert math.hypot(wide, len(lines) * n.font_size * LABEL_LINE) <= d


def test_a_fold_cuts_before_a_decision_rather_than_between_its_branches() -> None:
    """Cut right after the decision, both branches would go round the band's end; a cut one step
    earlier, where one edge alone crosses, is as short a fold."""
    plan = "flow horizontal shape=circle\n"
    names = "register contract,message queue,merge video,index release,index shipment"
    names += ",monitor metrics,Is the request good enough?,review package,translate file,sort user"
    for i, name in zip("abcdefghij", names.split(","), strict=True):
        plan += f'node {i} "{name}"' + (" decision\n" if i == "g" else "\n")
    plan += 'a -> c\nb -> c -> d -> e -> f -> g\ng -> h "yes"\ng -> i "no"\nh -> j\nend\n'
    diagram = layout_plan(parse_plan(plan))
    _assert_clean(diagram)
    g = diagram.node("g")
    for target in "hi":
        branch = next(e for e in diagram.edges if (e.source, e.target) == ("g", target))
        assert len(branch.route) < 3, branch.route  # not round a band's end
        assert abs(diagram.node(target).y - g.y) < 150  # in the decision's band
