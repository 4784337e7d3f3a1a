"""The comparison table with the seed system: `diagramgen eval` on the 200 seed benchmark
requests (with --compare-seed) and on the validation split.

    .venv/bin/python bench/bench_eval.py [--write-docs] [--val data/sft/val.jsonl] [--val-limit 100]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from common import SEED_DATA, machine, write_section


def run_eval(path: Path, compare_seed: bool, limit: int | None) -> dict:
    exe = Path(sys.executable).parent / "diagramgen"
    args = [str(exe), "eval", str(path), "--json"]
    if compare_seed:
        args.append("--compare-seed")
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
    flows = f"{pct(s.get('flow_terms_recall'))} / {pct(s.get('flow_labels_from_request'))} / {pct(s.get('flow_counts_match'))}"
    return (
        f"| {name} | {pct(s.get('parse_rate'))} | {exact} | {flows} | {pct(s.get('clean'))} "
        f"| {s.get('readability', 0):.2f} | {lat} | {s.get('tokens_per_answer', 0):g} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--val", type=Path, default=Path("data/sft/val.jsonl"))
    parser.add_argument("--val-limit", type=int, default=100)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    bench = run_eval(SEED_DATA / "seed_benchmark_200.jsonl", True, None)
    ours_name = next(k for k in bench if not k.startswith("seed system"))
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
            f"diagramgen `{ours_name}`, CPU ({machine()}), 5 candidates, top-ranked judged",
            bench[ours_name],
        ),
    ]
    if args.val.is_file():
        val = run_eval(args.val, False, args.val_limit)
        name = next(iter(val))
        lines += [
            f"| **validation split (first {args.val_limit})** | | | | | | | |",
            row(f"diagramgen `{name}`", val[name]),
        ]
    body = (
        "\n".join(lines)
        + "\n\nRaw reports:\n\n```json\n"
        + json.dumps({"seed benchmark": bench}, indent=1)
        + "\n```"
    )
    print(body)
    if args.write_docs:
        write_section("bench_eval", body)


if __name__ == "__main__":
    main()
