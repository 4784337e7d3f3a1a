"""Layout + render speed, and readability of the seed system's outputs vs our layouts.

.venv/bin/python bench/bench_render.py [--write-docs]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics

from common import SEED_DATA, median_ms, write_section

from diagramgen.errors import DiagramTextError
from diagramgen.formats.nodelist import node_list_to_diagram
from diagramgen.formats.plan import parse_plan
from diagramgen.layout import layout_plan
from diagramgen.quality.metrics import Readability, readability
from diagramgen.render import svg_to_png, to_svg
from diagramgen.seedbench.intended import intended_to_plan


def flow_50(seed: int = 0) -> str:
    """A 50-step pipeline with 20 extra forward links (a realistic, busy flow)."""
    rng = random.Random(seed)
    names = [f'"step {i}"' for i in range(50)]
    lines = ["flow horizontal"]
    lines += [f"{names[rng.randrange(max(0, i - 6), i)]} -> {names[i]}" for i in range(1, 50)]
    for _ in range(20):
        a = rng.randrange(0, 45)
        lines.append(f"{names[a]} -> {names[rng.randrange(a + 1, min(50, a + 8))]}")
    return "\n".join(lines) + "\nend\n"


CASES = {
    "50-node flow": flow_50(),
    "4-layer 512-unit net": "nn\ninput 512\ndense 512\ndense 512\noutput 512\nend\n",
}


def timing_table(runs: int) -> str:
    rows = [
        "| diagram | canvas | parse + layout | + SVG | + PNG (total) | PNG share |",
        "|---|---|---|---|---|---|",
    ]
    for name, text in CASES.items():
        diagram = layout_plan(parse_plan(text))
        layout = median_ms(lambda text=text: layout_plan(parse_plan(text)), runs)
        svg = median_ms(lambda text=text: to_svg(layout_plan(parse_plan(text))), runs)
        total = median_ms(lambda text=text: svg_to_png(to_svg(layout_plan(parse_plan(text)))), runs)
        rows.append(
            f"| {name} ({len(diagram.nodes)} nodes drawn, {len(diagram.edges)} edges) "
            f"| {diagram.width}x{diagram.height} | {layout:.1f} ms | {svg:.1f} ms "
            f"| **{total:.1f} ms** | {100 * (total - svg) / total:.0f}% |"
        )
    return "\n".join(rows)


def random_dag(seed: int, nodes: int = 30, edges: int = 44) -> str:
    """A connected random DAG like the one used to compare layered-layout libraries."""
    rng = random.Random(seed)
    pairs = {(rng.randrange(i), i) for i in range(1, nodes)}
    while len(pairs) < edges:
        a, b = sorted(rng.sample(range(nodes), 2))
        pairs.add((a, b))
    return "flow\n" + "\n".join(f'"n{a}" -> "n{b}"' for a, b in sorted(pairs)) + "\nend\n"


def crossing_line() -> str:
    counts = [
        readability(layout_plan(parse_plan(random_dag(seed)))).crossings for seed in range(10)
    ]
    return (
        f"Edge crossings on 10 random 30-node, 44-edge DAGs: median {statistics.median(counts):g}"
        f" (min {min(counts)}, max {max(counts)})."
    )


def _summary(scores: list[Readability | None]) -> dict[str, float]:
    ok = [s for s in scores if s is not None]
    return {
        "parsed": len(ok),
        "clean": sum(s.clean for s in ok),
        "mean_score": statistics.mean([s.score if s else 0.0 for s in scores]),
        "overlaps": statistics.mean(s.overlaps for s in ok),
        "off_canvas": statistics.mean(s.off_canvas for s in ok),
        "crossings": statistics.mean(s.crossings for s in ok),
        "unlabelled": statistics.mean(s.unlabelled_fraction for s in ok),
    }


def seed_comparison() -> str:
    rows = [
        json.loads(line)
        for line in (SEED_DATA / "seed_benchmark_200.jsonl").read_text().splitlines()
    ]
    seed: list[Readability | None] = []
    ours: list[Readability | None] = []
    for row in rows:
        try:
            seed.append(readability(node_list_to_diagram(row["seed_system_output"])[0]))
        except DiagramTextError:
            seed.append(None)
        ours.append(readability(layout_plan(intended_to_plan(row["intended"]))))
    table = [
        "| on the 200 seed benchmark requests | parses | no overlap & on canvas "
        "| readability 0-5 (mean) | overlapping pairs / diagram | off-canvas nodes / diagram "
        "| crossings / diagram | unlabelled nodes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, scores in (
        ("seed system's recorded answers (`seed_system_output`)", seed),
        ("diagramgen layout of the same intended structures", ours),
    ):
        s = _summary(scores)
        table.append(
            f"| {name} | {s['parsed']}/200 | {s['clean']}/200 | {s['mean_score']:.2f} "
            f"| {s['overlaps']:.2f} | {s['off_canvas']:.2f} | {s['crossings']:.2f} "
            f"| {100 * s['unlabelled']:.0f}% |"
        )
    return "\n".join(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    body = (
        "Median of "
        f"{args.runs} runs after 2 warm-ups, one process, timings include every earlier stage.\n\n"
        + timing_table(args.runs)
        + "\n\n"
        + crossing_line()
        + "\n\nReadability (score defined in `docs/READABILITY.md`; the seed's own answers "
        "include 187 cut off at its token limit, scored on the nodes that did parse):\n\n"
        + seed_comparison()
    )
    print(body)
    if args.write_docs:
        write_section("bench_render", body)


if __name__ == "__main__":
    main()
