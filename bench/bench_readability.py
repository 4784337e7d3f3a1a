"""Does the readability score tell diagrams apart? Calibration on pairs and separation.

Calibration: 500 pairs, each a clean layout of a plan and a deliberately degraded drawing of the
same graph (nodes shifted about, forced into a single row, or swapped so that edges cross or run
through nodes; edges then drawn straight): the clean one should score higher in at least 95 %
of pairs. A degradation that cannot make a plan's drawing worse (a single row of a drawing
already in one row; no swap in 30 tries adds a crossing) passes that plan over.
Separation: each of 100 plans drawn in five random styles (orientation, palette, node shape):
among the drawings that differ, how many pairs share a score to two decimals (goal: none);
and the same among the pipeline's own candidates for seed-benchmark requests (`--candidates`,
the embedded model; 0 skips it).

    .venv/bin/python bench/bench_readability.py [--write-docs] [--seed N]
"""

from __future__ import annotations

import argparse
import copy
import itertools
import random
from dataclasses import dataclass, replace

from common import SEED_DATA, machine, write_section

from diagramgen.data import generate_examples
from diagramgen.data.phrasing import random_style
from diagramgen.diagram import Diagram, Point
from diagramgen.formats.plan import parse_plan
from diagramgen.geometry import edge_path, segment_hits_box
from diagramgen.layout import fit_to_canvas, layout_plan
from diagramgen.quality.metrics import readability
from diagramgen.render import to_svg


def _straighten(d: Diagram) -> None:
    for e in d.edges:
        e.route = []
    for e in d.edges:
        if e.label:
            path = edge_path(d, e)
            e.label_at = ((path[0][0] + path[-1][0]) / 2, (path[0][1] + path[-1][1]) / 2)
    d.clusters = []  # a degraded drawing keeps no group boxes (they would no longer fit)
    fit_to_canvas(d)


def perturbed(d: Diagram, rng: random.Random) -> Diagram | None:
    d = copy.deepcopy(d)
    for n in d.nodes:
        n.x += rng.uniform(-0.7, 0.7) * n.width
        n.y += rng.uniform(-0.7, 0.7) * n.height
    _straighten(d)
    return d


def _in_one_line(d: Diagram) -> bool:
    return len({round(n.y) for n in d.nodes}) == 1 or len({round(n.x) for n in d.nodes}) == 1


def single_row(d: Diagram, rng: random.Random) -> Diagram | None:
    """All nodes in one row; None for a drawing that already is one (that would test nothing)."""
    if _in_one_line(d):
        return None
    d = copy.deepcopy(d)
    x = 0.0
    for n in sorted(d.nodes, key=lambda n: (n.x, n.y)):
        n.x, n.y = x + n.width / 2, 0.0
        x += n.width + 30
    _straighten(d)
    return d


def _faults(d: Diagram) -> int:
    """Pairs of edges that cross, plus (edge, node) pairs where an edge runs through a node it
    does not join: counted here, by plain geometry, apart from the score under test."""
    nodes = {n.id: n for n in d.nodes}
    paths = [(e, edge_path(d, e, nodes)) for e in d.edges]
    count = 0
    for (e, p), (f, q) in itertools.combinations(paths, 2):
        if {e.source, e.target} & {f.source, f.target}:
            continue
        count += any(
            _proper_cross(a, b, c, dd)
            for a, b in itertools.pairwise(p)
            for c, dd in itertools.pairwise(q)
        )
    for e, p in paths:
        for n in d.nodes:
            if n.id not in (e.source, e.target):
                core = (n.left + 2, n.top + 2, n.right - 2, n.bottom - 2)
                count += any(segment_hits_box(a, b, core) for a, b in itertools.pairwise(p))
    return count


def _proper_cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    def turn(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return turn(c, d, a) * turn(c, d, b) < 0 and turn(a, b, c) * turn(a, b, d) < 0


def crossed(d: Diagram, rng: random.Random) -> Diagram | None:
    """Nodes swapped so that edges cross or run through nodes: the first of 30 tries that adds
    such a fault; None when none does (swapping look-alike places would test nothing)."""
    before = _faults(d)
    for _ in range(30):
        bad = copy.deepcopy(d)
        for _ in range(max(2, len(bad.nodes) // 3)):
            a, b = rng.sample(bad.nodes, 2)
            (a.x, a.y), (b.x, b.y) = (b.x, b.y), (a.x, a.y)
        _straighten(bad)
        if _faults(bad) > before:
            return bad
    return None


DEGRADE = {"shifted": perturbed, "single row": single_row, "crossed": crossed}


@dataclass
class Calibration:
    """Per degradation: pairs tested and pairs won by the clean drawing; and the plans passed
    over because that degradation could not make their drawing worse."""

    won: dict[str, int]
    tested: dict[str, int]
    passed_over: dict[str, int]


def calibration(pairs: int, seed: int = 0) -> Calibration:
    """`pairs` pairs, the degradations taking turns; a plan a degradation cannot make worse
    is passed over for the next one."""
    rng = random.Random(seed)
    plans = [parse_plan(e.answer) for e in generate_examples(2 * pairs, seed=seed + 100)]
    plans = [p for p in plans if len(p.layers) + len(p.nodes) >= 3]
    out = Calibration(*({name: 0 for name in DEGRADE} for _ in range(3)))
    names = list(DEGRADE)
    todo = iter(plans)
    for k in range(pairs):
        name = names[k % len(names)]
        while True:
            clean = layout_plan(next(todo))
            bad = DEGRADE[name](clean, rng)
            if bad is not None:
                break
            out.passed_over[name] += 1
        out.won[name] += readability(clean).score > readability(bad).score
        out.tested[name] += 1
    return out


@dataclass
class Separation:
    """Pairs of different drawings of one plan, and how many share a 2-decimal score: all
    of them, those whose nodes or edges lie differently (not only colour or corner style),
    and of those ties, how many differ by 0.005 or more at full precision."""

    pairs: int = 0
    ties: int = 0
    moved_pairs: int = 0
    moved_ties: int = 0
    moved_ties_apart: int = 0


def _geometry(d: Diagram) -> tuple[object, ...]:
    nodes = tuple(
        (round(n.x, 1), round(n.y, 1), round(n.width, 1), round(n.height, 1)) for n in d.nodes
    )
    return nodes + tuple(tuple(map(tuple, e.route)) for e in d.edges)


def separation(plans: int, seed: int = 1) -> Separation:
    """Each plan drawn in five random styles; ties among the pairs that differ."""
    rng = random.Random(seed)
    out = Separation()
    for example in generate_examples(plans, seed=seed + 200):
        plan = parse_plan(example.answer)
        drawn = {}
        for _ in range(5):
            variant = replace(plan, style=random_style(rng, example.kind))
            d = layout_plan(variant)
            drawn[to_svg(d)] = (readability(d).score, _geometry(d))
        _count_ties(out, list(drawn.values()))
    return out


def candidate_separation(requests: int) -> Separation:
    """The pipeline's own candidates (embedded model, 5 per request, seed 0) for `requests`
    seed-benchmark requests spread over the set (those refused are skipped): ties among the
    pairs that differ."""
    from diagramgen.jsonl import read_jsonl
    from diagramgen.llm import Sampling, load_backend
    from diagramgen.pipeline import generate
    from diagramgen.request import OutOfScopeError

    rows = read_jsonl(SEED_DATA / "seed_benchmark_200.jsonl")
    step = max(1, len(rows) // requests)
    backend = load_backend("embedded")
    out, answered = Separation(), 0
    for row in rows[::step] + rows[1::step]:  # refusals are skipped: the next spaced request
        if answered == requests:
            break
        try:
            result = generate(row["request"], 5, 3, backend, sampling=Sampling(seed=0))
        except OutOfScopeError:
            continue
        answered += 1
        drawn = {
            to_svg(c.diagram): (c.scores["readability"] or 0.0, _geometry(c.diagram))
            for c in result.candidates
        }
        _count_ties(out, list(drawn.values()))
    return out


def _count_ties(out: Separation, drawn: list[tuple[float, tuple[object, ...]]]) -> None:
    for (a, ga), (b, gb) in itertools.combinations(drawn, 2):
        tie = round(a, 2) == round(b, 2)
        out.pairs += 1
        out.ties += tie
        if ga != gb:
            out.moved_pairs += 1
            out.moved_ties += tie
            out.moved_ties_apart += tie and abs(a - b) >= 0.005


def fitted(count: int = 300, seed: int = 2) -> list[str]:
    """Rows: for generated plans up to 30 nodes and the seed benchmark's structures, the share
    whose canvas is within 1:2 .. 2.5:1 and whose smallest label reads at >= 7 px when the
    diagram is shown 400 px wide."""
    from diagramgen.jsonl import read_jsonl
    from diagramgen.seedbench.intended import intended_to_plan

    sets = {"generated plans": [parse_plan(e.answer) for e in generate_examples(count, seed=seed)]}
    path = SEED_DATA / "seed_benchmark_200.jsonl"
    if path.is_file():
        sets["seed benchmark structures"] = [
            intended_to_plan(r["intended"]) for r in read_jsonl(path)
        ]
    rows = []
    for name, plans in sets.items():
        drawings = [layout_plan(p) for p in plans]
        drawings = [d for d in drawings if len(d.nodes) <= 30]
        ratio = [0.5 <= d.width / d.height <= 2.5 for d in drawings]
        parts = [readability(d).drawing for d in drawings]
        legible = [p is not None and p.thumbnail_font >= 7 for p in parts]
        rows.append(
            f"| {name} | {len(drawings)} | {100 * sum(ratio) / len(ratio):.1f} % | "
            f"{100 * sum(legible) / len(legible):.1f} % |"
        )
    return rows


def _candidate_line(requests: int) -> list[str]:
    if not requests:
        return []
    sep = candidate_separation(requests)
    return [
        f"The pipeline's candidates ({requests} seed-benchmark requests, 5 candidates each, "
        f"embedded model, seed 0): of {sep.pairs} pairs, {sep.moved_pairs} differ in where "
        f"nodes or edges lie and {sep.moved_ties} of those share a score to two decimals "
        f"({sep.moved_ties_apart} of them 0.005 or more apart); {sep.ties - sep.moved_ties} of "
        f"the {sep.pairs - sep.moved_pairs} pairs that differ only in colour or corner style do.",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0, help="calibration plans and degradations")
    parser.add_argument(
        "--candidates", type=int, default=40, help="seed requests sampled (0: no model)"
    )
    args = parser.parse_args()
    cal = calibration(args.pairs, args.seed)
    wins, total = sum(cal.won.values()), sum(cal.tested.values())
    rows = [
        f"| {name} | {w}/{n} ({100 * w / n:.1f} %) | {cal.passed_over[name]} |"
        for name, w, n in zip(DEGRADE, cal.won.values(), cal.tested.values(), strict=True)
    ]
    rows.append(f"| **all** | **{wins}/{total} ({100 * wins / total:.1f} %)** | |")
    sep = separation(100)
    body = "\n".join(
        [
            f"Machine: {machine()}.",
            "",
            f"Calibration (seed {args.seed}):",
            "",
            "| degradation | clean drawing scores higher | plans it could not make worse |",
            "|---|---|---|",
            *rows,
            "",
            f"Separation: of {sep.pairs} pairs of different drawings (100 plans x 5 random "
            f"styles), {sep.ties} share a score to two decimals. Of the {sep.moved_pairs} pairs "
            f"whose nodes or edges lie differently (not only colour or corner style), "
            f"{sep.moved_ties} do, {sep.moved_ties_apart} of them 0.005 or more apart at the "
            "score's full three decimals.",
            "",
            *_candidate_line(args.candidates),
            "Fitted layouts (up to 30 nodes):",
            "",
            "| drawings | count | aspect within 1:2 .. 2.5:1 | labels >= 7 px at 400 px wide |",
            "|---|---|---|---|",
            *fitted(),
        ]
    )
    print(body)
    if args.write_docs:
        write_section("bench_readability", body)


if __name__ == "__main__":
    main()
