"""Faithfulness on the held-out natural requests (bench/requests/natural.jsonl): 300 requests
written by helpers that never saw the data generator, each with its ground truth.

One sampling run per (adapter, constraint) writes every candidate's structure, so the ranking
variants are judged on the same samples:
- `model`: the model alone: no constraint from the request, candidates ordered by readability;
- `ranked`: the same samples ordered by fidelity to the request (pipeline.rank_candidates);
- `full`: constraint on (nets the request states completely) and fidelity ranking.
Flows, refusals and uncertain nets are not constrained, so the constrained run re-samples only
the nets the request reader is certain of and reuses the rest.

    python bench/bench_natural.py run --tag new [--adapter DIR] [--limit N] [--shard I/N]
    python bench/bench_natural.py report --write-docs TAG:LABEL ...
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import write_section

from diagramgen.jsonl import read_jsonl
from diagramgen.llm import BackendConfig, Sampling
from diagramgen.llm.grammar import OPTIONAL_FLATTEN, HeldPlan, request_plan
from diagramgen.pipeline import rank_candidates, sample_candidates
from diagramgen.quality.match import compare_structures
from diagramgen.request import OutOfScopeError, check_request, read_request
from diagramgen.request.chains import FlowChain

ROOT = Path(__file__).resolve().parent
SET = ROOT / "requests" / "natural.jsonl"
RESULTS = ROOT / "results"
TARGETS = {"dense": 0.95, "cnn": 0.90, "flow": 0.85, "out_of_scope": 0.90, "korean": 0.80}


def _judge(candidates: list[Any], truth: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for c in candidates:
        match = compare_structures(c.diagram.structure(), truth)
        out.append(
            {
                "exact": match.exact,
                "differences": match.differences[:6],
                "fidelity": c.fidelity.as_dict(),
                "readability": c.scores["readability"],
                "text": c.text,
            }
        )
    return out


def _sample(backend: Any, row: dict[str, Any], seed: int) -> dict[str, Any]:
    try:
        check_request(row["request"])
    except OutOfScopeError as exc:
        return {"refused": str(exc), "seconds": 0.0}
    if row["category"] == "out_of_scope":
        return {"refused": None, "seconds": 0.0}
    spec = read_request(row["request"])
    started = time.perf_counter()
    candidates, _ = sample_candidates(backend, spec, Sampling(seed=seed), lambda _: None)
    seconds = time.perf_counter() - started
    by_fidelity = [c.text for c in rank_candidates(list(candidates), 1)]
    by_readability = sorted(candidates, key=lambda c: (-(c.scores["readability"] or 0), c.text))
    judged = {j["text"]: j for j in _judge(candidates, row["truth"])}
    return {
        "refused": None,
        "seconds": seconds,
        "ranked": [judged[t] for t in by_fidelity],
        "model": [judged[c.text] for c in by_readability],
    }


def run(args: argparse.Namespace) -> None:
    rows = list(read_jsonl(args.set))[: args.limit or None]
    shard, shards = (int(n) for n in args.shard.split("/"))
    RESULTS.mkdir(exist_ok=True)
    # Each run writes a file of its own (never a file another run wrote), keeping what it has.
    out = RESULTS / f"natural-{args.tag}.shard{shard}of{shards}.jsonl"
    done = load_results(args.tag)
    free = BackendConfig(adapter=args.adapter, hold_to_request=False).load()
    held = BackendConfig(adapter=args.adapter, hold_to_request=True).load()
    mine = {r["id"]: r for r in read_jsonl(out)} if out.exists() else {}
    for i, row in enumerate(rows):
        if i % shards != shard:
            continue
        certain = row["category"] != "out_of_scope" and bool(request_plan(row["request"]))
        before = done.get(row["id"])
        if before and before["certain"] == certain:
            continue
        result = {"id": row["id"], "category": row["category"], "lang": row["lang"]}
        # a run from before the reader was certain of this request keeps its free samples
        result["free"] = before["free"] if before else _sample(free, row, args.seed)
        result["certain"] = certain
        result["held"] = _sample(held, row, args.seed) if certain else result["free"]
        mine[row["id"]] = result
        lines = (json.dumps(r, ensure_ascii=False) for r in mine.values())
        out.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        print(f"{i + 1}/{len(rows)} {row['id']}", file=sys.stderr, flush=True)


def load_results(tag: str) -> dict[str, dict[str, Any]]:
    """A run's results by request id: its main file, then any shard files over it."""
    found: dict[str, dict[str, Any]] = {}
    for path in [RESULTS / f"natural-{tag}.jsonl", *sorted(RESULTS.glob(f"natural-{tag}.shard*"))]:
        if path.exists():
            found.update({r["id"]: r for r in read_jsonl(path)})
    return found


def _top(result: dict[str, Any], variant: str) -> bool:
    run_ = result["held" if variant == "full" else "free"]
    if result["category"] == "out_of_scope":
        return bool(run_["refused"])
    ranked = run_.get("model" if variant == "model" else "ranked") or []
    return bool(ranked) and ranked[0]["exact"]


def summary(results: list[dict[str, Any]], variant: str) -> dict[str, Any]:
    """Shares of top-ranked exact structures by category, for one variant."""
    out: dict[str, Any] = {}
    groups = {c: [r for r in results if r["category"] == c] for c in TARGETS if c != "korean"}
    groups["korean"] = [r for r in results if r["lang"] == "ko"]
    for name, rows in groups.items():
        out[name] = (sum(_top(r, variant) for r in rows), len(rows))
    scoped = [r for r in results if r["category"] != "out_of_scope"]
    out["false refusals"] = (sum(bool(r["free"]["refused"]) for r in scoped), len(scoped))
    key = "held" if variant == "full" else "free"
    order = "model" if variant == "model" else "ranked"
    anyone = [r for r in scoped if any(c["exact"] for c in r[key].get(order) or [])]
    out["top faithful when any is"] = (sum(_top(r, variant) for r in anyone), len(anyone))
    seconds = [r[key]["seconds"] for r in scoped if r[key]["seconds"]]
    out["median s"] = statistics.median(seconds) if seconds else 0.0
    return out


def _cell(value: Any, target: float | None) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    hit, total = value
    share = hit / total if total else 0.0
    mark = (
        "" if target is None else (" ✓" if share >= target else f" (−{100 * (target - share):.0f})")
    )
    return f"{hit}/{total} = {100 * share:.0f} %{mark}"


def _admits(line: str, layer: dict[str, Any]) -> bool:
    """Does a constrained line admit this ground-truth layer (any value where truth is silent)?"""
    import re

    from diagramgen.formats.plan import Layer
    from diagramgen.formats.plan_writer import layer_to_text

    shape = layer.get("shape")
    kernel = layer.get("kernel")
    base = Layer(
        layer["type"],
        units=layer.get("size") if not shape else None,
        image=tuple(shape) if shape else None,
        kernel=(kernel, kernel) if kernel else None,
        filters=layer.get("filters"),
        stride=layer.get("stride"),
        same=layer.get("padding") == "same",
        mode=layer.get("mode", "max"),
        global_pool=bool(layer.get("global")),
        rate=layer.get("rate"),
    )
    # truth silent on an option: try the values a constrained line may fix
    options = [base]
    if layer["type"] in ("conv", "pool"):
        for k in range(1, 12):
            for f in (None, *(int(n) for n in re.findall(r" (\d+)\(?", line))):
                for same in (False, True):
                    for stride in (None, 2, 4):
                        options.append(
                            Layer(
                                layer["type"],
                                kernel=(k, k) if not layer.get("global") else None,
                                filters=layer.get("filters", f),
                                stride=layer.get("stride", stride),
                                same=layer.get("padding", "same" if same else "valid") == "same",
                                mode=layer.get("mode", "avg" if "avg" in line else "max"),
                                global_pool=bool(layer.get("global")),
                            )
                        )
    if layer["type"] == "input" and shape and len(shape) == 2:
        options += [Layer("input", image=(*shape, c)) for c in (1, 3)]
    if layer["type"] == "dropout" and layer.get("rate") is None:
        options += [Layer("dropout", rate=r) for r in (0.1, 0.2, 0.25, 0.3, 0.4, 0.5)]
    pattern = re.compile(line)
    for option in options:
        if kernel and option.kernel and option.kernel[0] != kernel:
            continue
        if pattern.fullmatch(layer_to_text(option)):
            return True
    return False


def admits_truth(plan: HeldPlan, truth: dict[str, Any]) -> bool:
    """Does the held plan (a net's line patterns, `grammar.net_lines`, or a flow's steps and
    edges) admit a plan with the truth's structure?"""
    if plan.flow is not None:
        return _chain_admits(plan.flow, truth)
    lines = plan.net
    layers = list(truth["layers"])
    flatten_free = OPTIONAL_FLATTEN in lines
    fixed = [x for x in lines if not x.startswith("skip ") and x != OPTIONAL_FLATTEN]
    wanted = [x for x in layers if not (flatten_free and x["type"] == "flatten")]
    ok = len(fixed) == len(wanted) and all(map(_admits, fixed, wanted))
    skips = [x for x in lines if x.startswith("skip ")]
    return ok and len(skips) == len(truth.get("skips", []))


def _chain_admits(chain: FlowChain, truth: dict[str, Any]) -> bool:
    """The chain's steps, edges and decisions are the truth's (other node types stay free)."""
    if truth.get("kind") != "flow":
        return False  # a net read as a flow
    nodes = [
        {**n, "type": n.get("type") if n.get("type") == "decision" else "process"}
        for n in truth["nodes"]
    ]
    truth = {**truth, "nodes": nodes}
    return compare_structures(chain.structure(), truth).exact


def constraint(args: argparse.Namespace) -> None:
    """How often the request reader holds a net to a structure, and whether that ever excludes
    the ground truth (it must not)."""
    rows = list(read_jsonl(args.set))
    lines = []
    for kinds, what in ((("dense", "cnn"), "net"), (("flow",), "flow")):
        chosen = [r for r in rows if r["category"] in kinds]
        held = excluded = 0
        notes = []
        for row in chosen:
            plan = request_plan(row["request"])
            if not plan:
                continue
            held += 1
            if not admits_truth(plan, row["truth"]):
                excluded += 1
                notes.append(row["id"])
        lines.append(
            f"- {what.title()}s held to the request's structure (reader certain): {held} of "
            f"{len(chosen)} {what} requests; the constraint excluded the ground truth in "
            f"{excluded}" + (f" ({', '.join(notes)})." if notes else ".")
        )
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        write_section("bench_natural_constraint", text)


def report(args: argparse.Namespace) -> None:
    columns = []
    for item in args.runs:
        tag, _, label = item.partition(":")
        results = list(load_results(tag).values())
        for variant, name in (
            ("model", "model alone"),
            ("ranked", "+ fidelity ranking"),
            ("full", "+ constraint (full)"),
        ):
            columns.append((f"{label or tag}, {name}", summary(results, variant)))
    keys = list(columns[0][1])
    lines = [
        "| | " + " | ".join(name for name, _ in columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for key in keys:
        target = TARGETS.get(key, 0.95 if key == "top faithful when any is" else None)
        label = f"{key} (goal {100 * target:.0f} %)" if target else key
        lines.append(f"| {label} | " + " | ".join(_cell(s[key], target) for _, s in columns) + " |")
    table = "\n".join(lines)
    print(table)
    if args.write_docs:
        write_section("bench_natural", table)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    go = sub.add_parser("run")
    go.add_argument("--tag", required=True)
    go.add_argument("--adapter", default=None)
    go.add_argument("--limit", type=int, default=0)
    go.add_argument("--seed", type=int, default=0)
    go.add_argument("--set", type=Path, default=SET, help="requests with truth (JSONL)")
    go.add_argument(
        "--shard", default="0/1", help="I/N: only every N-th request from the I-th (parallel runs)"
    )
    check = sub.add_parser("constraint")
    check.add_argument("--set", type=Path, default=SET, help="requests with truth (JSONL)")
    check.add_argument("--write-docs", action="store_true")
    show = sub.add_parser("report")
    show.add_argument("runs", nargs="+", help="TAG[:LABEL] of finished runs")
    show.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    {"run": run, "report": report, "constraint": constraint}[args.command](args)


if __name__ == "__main__":
    main()
