"""Layout and readability metric at the documented limits: time and peak memory of the largest
plans and node lists the parsers accept (issue: work is bounded, <= 1 s and <= 300 MB).

Each case runs in a fresh process (peak memory is that process's, less the interpreter's own
start), three times; the median time is reported.

    .venv/bin/python bench/bench_limits.py [--write-docs]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time

from common import machine, write_section

from diagramgen.limits import (
    MAX_EDGES,
    MAX_LABEL_CHARS,
    MAX_LAYERS,
    MAX_NODES,
    MAX_UNITS,
)


def flow_plan(long_labels: bool = False) -> str:
    """MAX_NODES nodes, MAX_EDGES edges (a random DAG plus loops), groups, labelled edges."""
    rng = random.Random(0)
    n = MAX_NODES
    width = MAX_LABEL_CHARS if long_labels else 40
    words = ["load", "clean", "train", "model", "store", "score", "rank", "write"]
    lines = ["flow horizontal"]
    for i in range(n):
        label = " ".join(rng.choice(words) for _ in range(width // 6))[:width]
        lines.append(f'node n{i} "{label}" {rng.choice(["process", "data", "db", "decision"])}')
    for g in range(n // 10):
        lines.append(f'group "Group {g}": ' + ", ".join(f"n{i}" for i in range(10 * g, 10 * g + 4)))
    edges = {(rng.randrange(i), i) for i in range(1, n)}
    while len(edges) < MAX_EDGES:
        edges.add(tuple(rng.sample(range(n), 2)))
    lines += [
        f"n{a} -> n{b}{' ' + chr(34) + 'yes' + chr(34) if (a + b) % 7 == 0 else ''}"
        for a, b in sorted(edges)
    ]
    return "\n".join([*lines, "end"]) + "\n"


def chain_plan() -> str:
    """The worst case for layout: every extra edge spans most of a long chain."""
    n = MAX_NODES
    lines = ["flow horizontal", *(f'node n{i} "Step {i}"' for i in range(n))]
    lines += [f"n{i} -> n{i + 1}" for i in range(n - 1)]
    lines += [f"n{i % 20} -> n{n - 1 - (i % (n - 20))}" for i in range(MAX_EDGES - n + 1)]
    return "\n".join([*lines, "end"]) + "\n"


def net_plan(kind: str) -> str:
    if kind == "nn":
        body = [f"dense {MAX_UNITS}"] * (MAX_LAYERS - 2)
        return "nn\ninput " + str(MAX_UNITS) + "\n" + "\n".join(body) + "\noutput 10\nend\n"
    body = ["conv 3x3 64 same", "pool 2x2 stride=1"] * ((MAX_LAYERS - 2) // 2)
    return "cnn\ninput 8192x8192x3\n" + "\n".join(body) + "\noutput 10\nend\n"


def node_list() -> str:
    rng = random.Random(1)
    out = []
    for i in range(MAX_NODES):
        targets = sorted(rng.sample(range(MAX_NODES), MAX_EDGES // MAX_NODES))
        out.append(
            f"[{i}, {rng.randint(0, 1000)}, {rng.randint(0, 600)}, 'rectangle', 40, 30, "
            f"'solid arrow', (200, 220, 255), (0, 0, 0), {targets}, 'node {i}']"
        )
    return "\n".join(out) + "\n"


CASES = {
    f"flow: {MAX_NODES} nodes, {MAX_EDGES} random edges, {MAX_NODES // 10} groups": flow_plan,
    f"flow: {MAX_NODES} nodes with {MAX_LABEL_CHARS}-character labels": lambda: flow_plan(True),
    f"flow: a {MAX_NODES}-step chain and {MAX_NODES} edges across it": chain_plan,
    f"nn: {MAX_LAYERS} layers of {MAX_UNITS:,} units": lambda: net_plan("nn"),
    f"cnn: {MAX_LAYERS} layers on an 8192x8192 input": lambda: net_plan("cnn"),
    f"node list: {MAX_NODES} nodes, {MAX_EDGES} edges": node_list,
}


def run_case(name: str) -> dict[str, float]:
    """Parse, lay out and measure one case in this process."""
    from diagramgen.layout import parse_diagram_text
    from diagramgen.quality.metrics import readability

    text = CASES[name]()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    diagram, _ = parse_diagram_text(text)
    laid = time.perf_counter()
    readability(diagram)
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "chars": len(text),
        "layout_s": laid - started,
        "metric_s": done - laid,
        "peak_mb": (peak - base) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return
    rows = []
    for name in CASES:
        runs = []
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, __file__, "--case", name],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(done.stdout))
        total = [r["layout_s"] + r["metric_s"] for r in runs]
        rows.append(
            f"| {name} | {runs[0]['chars']:,} | {statistics.median(r['layout_s'] for r in runs):.2f} | "
            f"{statistics.median(r['metric_s'] for r in runs):.2f} | {statistics.median(total):.2f} | "
            f"{max(r['peak_mb'] for r in runs):.0f} |"
        )
        print(rows[-1], flush=True)
    table = "\n".join(
        [
            f"Machine: {machine()}; median of {args.runs} runs, each in a fresh process.",
            "",
            "| largest allowed input | characters | layout s | metric s | total s | peak MB |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    if args.write_docs:
        write_section("bench_limits", table)


if __name__ == "__main__":
    main()
