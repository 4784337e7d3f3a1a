"""The comparison table with the seed system: `diagramgen eval` on the 200 seed benchmark
requests (with --compare-seed) and on the validation split, on this machine's CPU; plus, when
given, the same evaluation run on a GPU machine (`diagramgen eval ... --json` saved there).

    .venv/bin/python bench/bench_eval.py [--write-docs] [--val data/sft/val.jsonl] [--val-limit 100]
        [--every 4 | --cpu-seed runs/eval_seed200.json]
        [--gpu-seed bench/results/gpu_seed.json --gpu-val bench/results/gpu_val.json --gpu-name H100]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from common import SEED_DATA, machine, write_section

from diagramgen.jsonl import read_jsonl
from diagramgen.llm.embedded import count_tokens
from diagramgen.seedbench.evaluate import evaluate_seed_outputs


def run_eval(path: Path, limit: int | None, every: int = 1) -> dict:
    exe = Path(sys.executable).parent / "diagramgen"
    args = [str(exe), "eval", str(path), "--json", "--every", str(every)]
    if limit:
        args += ["--limit", str(limit)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out))


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def row(name: str, s: dict, latency: str | None = None) -> str:
    lat = latency or (
        f"{s['latency_median_s']:.1f} s (p95 {s['latency_p95_s']:.1f} s)"
        if "latency_median_s" in s
        else "-"
    )
    exact = f"nn {pct(s.get('exact_nn'))}, cnn {pct(s.get('exact_cnn'))}"
    if "exact_flow" in s:
        exact += f", flow {pct(s['exact_flow'])}"
    flows = f"{pct(s.get('flow_terms_recall'))} / {pct(s.get('flow_labels_from_request'))} / {pct(s.get('flow_counts_match'))}"
    return (
        f"| {name} | {pct(s.get('parse_rate'))} | {exact} | {flows} | {pct(s.get('clean'))} "
        f"| {s.get('readability', 0):.2f} | {lat} | {s.get('tokens_per_answer', 0):.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--val", type=Path, default=Path("data/sft/val.jsonl"))
    parser.add_argument("--val-limit", type=int, default=50)
    parser.add_argument(
        "--every", type=int, default=1, help="on the CPU, every Nth seed request (4: 50 of 200)"
    )
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument(
        "--cpu-seed",
        type=Path,
        help="reuse this machine's saved `diagramgen eval ... --json` of the seed requests",
    )
    parser.add_argument("--gpu-seed", type=Path, help="eval JSON of the seed requests on a GPU")
    parser.add_argument("--gpu-val", type=Path, help="eval JSON of the validation rows on a GPU")
    parser.add_argument("--gpu-name", default="GPU")
    args = parser.parse_args()
    gpu_seed = json.loads(args.gpu_seed.read_text()) if args.gpu_seed else None
    gpu_val = json.loads(args.gpu_val.read_text()) if args.gpu_val else None
    seed_rows = read_jsonl(SEED_DATA / "seed_benchmark_200.jsonl")
    bench = {
        "seed system (recorded answers)": evaluate_seed_outputs(seed_rows, count_tokens).summary()
    }
    if args.cpu_seed:
        cpu = json.loads(args.cpu_seed.read_text())
    else:
        cpu = run_eval(SEED_DATA / "seed_benchmark_200.jsonl", None, args.every)
    cpu = {k: v for k, v in cpu.items() if not k.startswith("seed system")}
    ours_name = next(iter(cpu))
    bench[ours_name] = cpu[ours_name]
    if args.cpu_seed:
        args.every = len(seed_rows) // bench[ours_name]["requests"]
    sample = (
        "all 200"
        if args.every == 1
        else f"every {args.every}th request ({len(seed_rows[:: args.every])} of 200)"
    )
    lines = [
        "| system | parse rate (samples) | exact structure | flows: things named in the request that are labels / labels taken from the request / node+edge counts as intended | no overlap & on canvas | readability | median latency / diagram | tokens / answer |",
        "|---|---|---|---|---|---|---|---|",
        "| **200 seed benchmark requests** | | | | | | | |",
        row(
            "seed system (recorded answers; latency as its report states, 12 GB GPU)",
            bench["seed system (recorded answers)"],
            "> 3 min",
        ),
        row(
            f"diagramgen `{ours_name}`, CPU ({machine()}), {sample}, 5 candidates, top-ranked judged",
            bench[ours_name],
        ),
    ]
    if gpu_seed:
        name = next(iter(gpu_seed))
        lines.append(row(f"diagramgen `{name}`, {args.gpu_name}, all 200", gpu_seed[name]))
    if args.val.is_file():
        val = run_eval(args.val, args.val_limit)
        name = next(iter(val))
        lines += [
            f"| **validation split (first {args.val_limit})** | | | | | | | |",
            row(f"diagramgen `{name}`, CPU", val[name]),
        ]
    if gpu_val:
        name = next(iter(gpu_val))
        lines.append(row(f"diagramgen `{name}`, {args.gpu_name}", gpu_val[name]))
    body = (
        "\n".join(lines)
        + "\n\nRaw reports:\n\n```json\n"
        + json.dumps({"seed benchmark": bench, "seed benchmark, GPU": gpu_seed}, indent=1)
        + "\n```"
    )
    print(body)
    if args.write_docs:
        write_section("bench_eval", body)


if __name__ == "__main__":
    main()
