"""Serving many users with the embedded model: the same requests one after another (one
worker, as `serve --batch 1`) and from 8 concurrent users whose decoding shares a batch (as
`serve --batch 8`); requests per second and latency.

    .venv/bin/python bench/bench_serve.py [--write-docs] [--requests 16] [--users 8]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import write_section

from diagramgen.llm import Sampling, load_backend
from diagramgen.llm.batching import BatchingBackend
from diagramgen.pipeline import generate

NATURAL = Path(__file__).parent / "requests" / "natural.jsonl"


def requests(count: int) -> list[str]:
    rows = [json.loads(line) for line in NATURAL.read_text(encoding="utf-8").splitlines()]
    in_scope = [r["request"] for r in rows if r["category"] != "out_of_scope"]
    step = len(in_scope) // count
    return in_scope[::step][:count]


def timed(backend: object, request: str) -> float:
    started = time.perf_counter()
    generate(request, 5, 3, backend, sampling=Sampling(seed=0))  # type: ignore[arg-type]
    return time.perf_counter() - started


def run(backend: object, asked: list[str], users: int) -> tuple[float, list[float]]:
    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        latencies = list(pool.map(lambda r: timed(backend, r), asked))
    return time.perf_counter() - started, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=16)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    backend = load_backend("embedded")
    asked = requests(args.requests)
    timed(backend, asked[0])  # warm up
    rows = ["| serving | requests/s | median latency | p95 latency |", "|---|---:|---:|---:|"]
    for label, model, users in [
        ("one at a time (`--batch 1`)", backend, 1),
        (f"{args.users} users, decoding shared (`--batch {args.users}`)",
         BatchingBackend(backend, max_requests=args.users), args.users),
    ]:  # fmt: skip
        wall, latencies = run(model, asked, users)
        p95 = sorted(latencies)[round(0.95 * (len(latencies) - 1))]
        rows.append(
            f"| {label} | {len(asked) / wall:.2f} | {statistics.median(latencies):.1f} s | "
            f"{p95:.1f} s |"
        )
        print(rows[-1], flush=True)
    batches = getattr(model, "batches", [])
    body = (
        f"{len(asked)} held-out natural requests spread over the in-scope set, count 5, "
        f"embedded model on the CPU; the batched run decoded {statistics.mean(batches):.1f} "
        f"requests per batch on average.\n\n" + "\n".join(rows)
    )
    print(body)
    if args.write_docs:
        write_section("bench_serve", body)


if __name__ == "__main__":
    main()
