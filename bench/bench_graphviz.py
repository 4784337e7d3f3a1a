"""Our flow layout against Graphviz `dot` on the same graphs, measured by the same code.

Graphs: 100 random DAGs of 10-60 nodes (about 1.5 edges per node) and every flow of the seed
benchmark's intended structures. Both layouts get the same node boxes (dot with fixedsize
nodes of our sizes, left to right, gaps like ours); dot's splines are sampled into polylines;
then crossings, turning (how much the edges turn, in right angles), area of the drawing's
bounding box, aspect ratio and time are measured on both by one piece of code. `dot` is a
benchmark tool only (Debian's `graphviz`), never needed at run time.

    .venv/bin/python bench/bench_graphviz.py [--write-docs] [--graphs 100]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

from common import SEED_DATA, machine, write_section

from diagramgen.diagram import Diagram, Edge, Kind, Node, Point
from diagramgen.formats.plan import parse_plan
from diagramgen.geometry import edge_path
from diagramgen.jsonl import read_jsonl
from diagramgen.layout import content_box, layout_plan
from diagramgen.quality.drawing import path_turning
from diagramgen.quality.metrics import readability


@dataclass
class Graph:
    name: str
    n: int
    edges: list[tuple[int, int]]


def random_dags(count: int, seed: int = 0) -> list[Graph]:
    """Connected random DAGs: each node after the first has one or two earlier parents."""
    rng = random.Random(seed)
    graphs = []
    for k in range(count):
        n = rng.randint(10, 60)
        edges = set()
        for v in range(1, n):
            for u in rng.sample(range(v), min(v, rng.choice([1, 1, 2]))):
                edges.add((u, v))
        while len(edges) < int(1.5 * n):
            u, v = sorted(rng.sample(range(n), 2))
            edges.add((u, v))
        graphs.append(Graph(f"random {k}", n, sorted(edges)))
    return graphs


def seed_flows() -> list[Graph]:
    """The flows of the seed benchmark's intended structures."""
    path = SEED_DATA / "seed_benchmark_200.jsonl"
    if not path.is_file():
        return []
    graphs = []
    for row in read_jsonl(path):
        intended = row["intended"]
        if intended["task_name"] == "dl_model":
            continue
        ids = [node["id"] for node in intended["shape_types"]]
        index = {node_id: i for i, node_id in enumerate(ids)}
        edges = [
            (index[node["id"]], index[t])
            for node in intended["shape_types"]
            for t in node["connected_node_ids"]
            if t in index
        ]
        graphs.append(Graph(f"seed {len(graphs)}", len(ids), edges))
    return graphs


def plan_text(g: Graph) -> str:
    lines = ["flow horizontal", *(f'node n{i} "Step {i}"' for i in range(g.n))]
    lines += [f"n{u} -> n{v}" for u, v in g.edges]
    return "\n".join([*lines, "end"]) + "\n"


def ours(g: Graph) -> tuple[Diagram, float]:
    plan = parse_plan(plan_text(g))
    started = time.perf_counter()
    diagram = layout_plan(plan)
    return diagram, time.perf_counter() - started


def _bezier(points: list[list[float]], steps: int = 8) -> list[Point]:
    """Sample a piecewise cubic Bezier (Graphviz's edge splines) into a polyline."""
    out: list[Point] = [tuple(points[0])]  # type: ignore[list-item]
    for i in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[i : i + 4]
        for s in range(1, steps + 1):
            t = s / steps
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            out.append(
                (
                    a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                )
            )
    return out


def graphviz(g: Graph, like: Diagram) -> tuple[Diagram, float]:
    """dot's layout of the same graph with our node sizes, as a Diagram."""
    sizes = {n.id: (n.width, n.height) for n in like.nodes}
    lines = [
        "digraph g {",
        "  rankdir=LR; nodesep=0.47; ranksep=0.89;",
        '  node [shape=box, fixedsize=true, label=""];',
    ]
    for i in range(g.n):
        w, h = sizes[f"n{i}"]
        lines.append(f"  n{i} [width={w / 72:.3f}, height={h / 72:.3f}];")
    lines += [f"  n{u} -> n{v};" for u, v in g.edges]
    lines.append("}")
    started = time.perf_counter()
    done = subprocess.run(
        ["dot", "-Tjson"], input="\n".join(lines), capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    data = json.loads(done.stdout)
    height = float(data["bb"].split(",")[3])
    diagram = Diagram(kind=Kind.FLOW)
    names = {}
    for obj in data["objects"]:
        x, y = (float(v) for v in obj["pos"].split(","))
        w, h = float(obj["width"]) * 72, float(obj["height"]) * 72
        names[obj["_gvid"]] = obj["name"]
        diagram.nodes.append(Node(obj["name"], x, height - y, w, h, label=obj["name"]))
    for e in data.get("edges", []):
        spline = next(op["points"] for op in e["_draw_"] if op["op"] == "b")
        path = [(x, height - y) for x, y in _bezier(spline)]
        diagram.edges.append(Edge(names[e["tail"]], names[e["head"]], route=path[1:-1]))
    return diagram, seconds


def turning(diagram: Diagram) -> float:
    """How much the edges turn, in right angles, summed over all edges: a polyline's corners
    and a spline's curving count alike (a straight edge turns 0)."""
    return sum(path_turning(edge_path(diagram, e)) for e in diagram.edges)


def measure(diagram: Diagram) -> dict[str, float]:
    left, top, right, bottom = content_box(diagram)
    w, h = right - left, bottom - top
    return {
        "crossings": readability(diagram).crossings,
        "bends": turning(diagram),
        "area": w * h,
        "aspect": max(w, h) / max(1.0, min(w, h)),
    }


def compare(graphs: list[Graph]) -> list[dict[str, float]]:
    rows = []
    for g in graphs:
        mine, mine_s = ours(g)
        theirs, theirs_s = graphviz(g, mine)
        a, b = measure(mine), measure(theirs)
        rows.append(
            {
                "n": g.n,
                **{f"our_{k}": v for k, v in a.items()},
                **{f"dot_{k}": v for k, v in b.items()},
                "our_s": mine_s,
                "dot_s": theirs_s,
            }
        )
    return rows


def summary(name: str, rows: list[dict[str, float]]) -> str:
    def med(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    fewer = sum(r["our_crossings"] <= r["dot_crossings"] for r in rows)
    area = statistics.median(r["our_area"] / max(1.0, r["dot_area"]) for r in rows)
    return (
        f"| {name} | {len(rows)} | {sum(r['our_crossings'] for r in rows):.0f} / "
        f"{sum(r['dot_crossings'] for r in rows):.0f} | {fewer}/{len(rows)} ({100 * fewer / len(rows):.0f} %) | "
        f"{med('our_bends'):.0f} / {med('dot_bends'):.0f} | {area:.2f}x | "
        f"{med('our_aspect'):.2f} / {med('dot_aspect'):.2f} | "
        f"{1000 * med('our_s'):.0f} / {1000 * med('dot_s'):.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--graphs", type=int, default=100)
    args = parser.parse_args()
    if shutil.which("dot") is None:
        sys.exit("Graphviz is not installed: apt-get install graphviz")
    sets = {
        "random DAGs, 10-60 nodes": random_dags(args.graphs),
        "seed benchmark flows": seed_flows(),
    }
    lines = []
    for name, graphs in sets.items():
        if graphs:
            lines.append(summary(name, compare(graphs)))
            print(lines[-1], flush=True)
    table = "\n".join(
        [
            f"Machine: {machine()}; dot {subprocess.run(['dot', '-V'], capture_output=True, text=True).stderr.split('version')[-1].split()[0]}.",
            "Each cell: ours / dot, except the share where ours has no more crossings than dot",
            "and the median ratio of our drawing's area to dot's. Times: median per graph (dot's",
            "includes starting its process).",
            "",
            "| graphs | count | crossings, total | ours <= dot | turning, median | area, median ratio | aspect, median | ms, median |",
            "|---|---|---|---|---|---|---|---|",
            *lines,
        ]
    )
    if args.write_docs:
        write_section("bench_graphviz", table)


if __name__ == "__main__":
    main()
