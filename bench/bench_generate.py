"""Generation speed: warm (model loaded) and cold (CLI) wall time for 5 candidates, tokens/s,
tokens per answer in plan mode vs the seed's node-list mode.

    .venv/bin/python bench/bench_generate.py [--write-docs] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import write_section

from diagramgen.llm import Sampling, cut_at_end, load_backend
from diagramgen.llm.embedded import count_tokens
from diagramgen.pipeline import generate

REQUESTS = [
    "a neural net with 4 inputs, hidden layers of 6 and 10, 1 output",
    "CNN: 32x32 input, 3x3 conv, 2x2 pool, dense 256, 1 output",
    "RAG flow: question -> embedding -> vector DB -> LLM -> answer",
    "ML pipeline: load data, clean data, train model, evaluate, deploy",
    "autoencoder with a bottleneck of 2 for 8-dimensional input",
]


def warm(runs: int) -> tuple[str, list[str]]:
    started = time.perf_counter()
    backend = load_backend("embedded")
    load_s = time.perf_counter() - started
    times, tokens, answers = [], [], []
    for request in REQUESTS:
        for run in range(runs):
            t0 = time.perf_counter()
            result = generate(request, 5, 3, backend, sampling=Sampling(seed=run))
            times.append(time.perf_counter() - t0)
            texts = [c.text for c in result.candidates] + [d["text"] for d in result.dropped]
            tokens.append(sum(count_tokens(texts)))
            answers += [c.text for c in result.candidates]
    rows = [
        f"- Model: `{backend.name}` (bf16 weights, grammar-constrained), loaded in {load_s:.1f} s.",
        f"- Warm `generate` with count 5: median **{statistics.median(times):.2f} s**, "
        f"max {max(times):.2f} s over {len(times)} runs ({len(REQUESTS)} requests x {runs}).",
        f"- Decoding throughput: {sum(tokens) / sum(times):.0f} tokens/s summed over the batch of 5.",
    ]
    return "\n".join(rows), answers


def cold(runs: int) -> str:
    exe = Path(sys.executable).parent / "diagramgen"
    times = []
    for run in range(runs):
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            args = [str(exe), "generate", REQUESTS[run % len(REQUESTS)], "--out", out, "--json"]
            subprocess.run(args, check=True, capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
    return f"- Cold CLI (`diagramgen generate ... --count 5`, new process each time): median **{statistics.median(times):.1f} s** over {runs} runs."


def token_lengths(plan_answers: list[str]) -> str:
    backend = load_backend("embedded", mode="nodelist")
    seed_mode = []
    started = time.perf_counter()
    for request in REQUESTS[:3]:
        out = backend.generate([request], Sampling(n=1, max_new_tokens=1024))[0]
        seed_mode += [cut_at_end(t) for t in out]
    seconds = (time.perf_counter() - started) / 3
    plan = count_tokens(plan_answers)
    nodes = count_tokens(seed_mode)
    return (
        f"- Tokens per answer, plan mode: median {statistics.median(plan):g} (p95 "
        f"{sorted(plan)[int(0.95 * (len(plan) - 1))]}); the seed's node-list mode on the same "
        f"requests (base model, the seed's prompt, 1024-token cap): median {statistics.median(nodes):g}, "
        f"{seconds:.1f} s per single answer."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    warm_text, answers = warm(args.runs)
    body = "\n".join([warm_text, cold(args.runs), token_lengths(answers)])
    print(body)
    print(json.dumps({"answers": answers[:3]}, indent=1))
    if args.write_docs:
        write_section("bench_generate", body)


if __name__ == "__main__":
    main()
