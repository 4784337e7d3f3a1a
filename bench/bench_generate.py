"""Generation speed: warm `generate` (model loaded) over natural requests, with median and p95;
where the time of one request goes, stage by stage; cold CLI `generate` and `render`; tokens
per answer in plan mode vs the seed's node-list mode.

    .venv/bin/python bench/bench_generate.py [--write-docs] [--every 9] [--seeds 2] [--cold 5]

The warm runs are made twice, on the same requests and seeds: decoding token by token, then
reading the tokens the grammar forces in the step before them (the default), for a ratio on
one machine.
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
from typing import Any

from common import write_section

from diagramgen.llm import Sampling, cut_at_end, load_backend
from diagramgen.llm.decode import ConstrainedSampler
from diagramgen.llm.embedded import count_tokens
from diagramgen.pipeline import generate
from diagramgen.request import OutOfScopeError

NATURAL = Path(__file__).parent / "requests" / "natural.jsonl"
# one of each kind, for the stage-by-stage profile (the README's three examples)
PROFILED = {
    "net": "a neural net with 4 inputs, hidden layers of 6 and 10, 1 output",
    "CNN": "CNN: 32x32 input, 3x3 conv, 2x2 pool, dense 256, 1 output",
    "flow": "RAG flow: question -> embedding -> vector DB -> LLM -> answer",
}
EXE = Path(sys.executable).parent / "diagramgen"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def natural_requests(every: int) -> list[dict[str, Any]]:
    """Every `every`-th in-scope request of the held-out natural set (all kinds, both languages)."""
    rows = [json.loads(line) for line in NATURAL.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["category"] != "out_of_scope"][::every]


def warm(
    backend: Any, rows: list[dict[str, Any]], seeds: int, what: str
) -> tuple[str, list[str], float]:
    times: dict[str, list[float]] = {}
    rounds, answers = [], []
    for row in rows:
        for seed in range(seeds):
            started = time.perf_counter()
            try:
                result = generate(row["request"], 5, 3, backend, sampling=Sampling(seed=seed))
            except OutOfScopeError:
                continue
            times.setdefault(row["category"], []).append(time.perf_counter() - started)
            rounds.append(int(result.seconds["rounds"]))
            answers += [c.text for c in result.candidates]
    every = [t for kind in times.values() for t in kind]
    by_kind = ", ".join(f"{k} {statistics.median(v):.2f} s" for k, v in sorted(times.items()))
    text = (
        f"- Warm `generate` {what}, count 5, {len(rows)} held-out natural requests x {seeds} seeds "
        f"({len(every)} runs): median **{statistics.median(every):.2f} s**, p95 "
        f"**{percentile(every, 0.95):.2f} s**, max {max(every):.2f} s (median by kind: {by_kind}); "
        f"decoding rounds: {rounds.count(1)} runs took 1, {rounds.count(2)} took 2, "
        f"{rounds.count(3)} took 3 (the bound)."
    )
    return text, answers, statistics.median(every)


STAGES = [
    ("decode: prompt (prefill)", "prefill"),
    ("decode: model steps", "forward"),
    ("decode: output layer + sampling", "sample"),
    ("decode: waiting for grammar masks", "masks"),
    ("decode: feeding the grammar", "advance"),
    ("draw: parse, layout, readability, fidelity", "draw"),
    ("rank", "rank"),
    ("write: SVG + PNG files", "write"),
]


def profile(backend: Any, seeds: int) -> str:
    """Median seconds per stage of one warm request of each kind, written to a folder."""
    columns = {}
    for kind, request in PROFILED.items():
        runs = []
        for seed in range(seeds):
            backend.timings.clear()
            with tempfile.TemporaryDirectory() as out:
                result = generate(request, 5, 3, backend, Path(out), Sampling(seed=seed))
            runs.append({**backend.timings, **result.seconds})
        columns[kind] = {key: statistics.median(r.get(key, 0.0) for r in runs) for key in runs[0]}
    head = "| stage | " + " | ".join(columns) + " |\n|---|" + "---:|" * len(columns)
    lines = [head]
    for name, key in STAGES:
        lines.append(
            f"| {name} | " + " | ".join(f"{c.get(key, 0):.3f}" for c in columns.values()) + " |"
        )
    for name, key in [
        ("**total**", "total"),
        ("decoding steps", "steps"),
        ("tokens (all rows)", "tokens"),
        ("of them forced, read without sampling", "forced"),
        ("rounds", "rounds"),
    ]:
        lines.append(
            f"| {name} | " + " | ".join(f"{c.get(key, 0):.3g}" for c in columns.values()) + " |"
        )
    return "\n".join(lines)


def step_cost(backend: Any, rows: tuple[int, ...] = (1, 5, 8, 16, 32, 40)) -> str:
    """Milliseconds of one decoding step (the model body) by the rows in the batch."""
    import torch

    prompt = torch.tensor([backend.prompt_ids(PROFILED["flow"])])
    body, cells = backend.model.get_decoder(), []
    with torch.inference_mode():
        for n in rows:
            cache = body(input_ids=prompt, use_cache=True).past_key_values
            cache.batch_repeat_interleave(n)
            token = torch.full((n, 1), int(prompt[0, -1]))
            times = []
            for _ in range(23):
                started = time.perf_counter()
                body(input_ids=token, past_key_values=cache, use_cache=True)
                times.append(time.perf_counter() - started)
            cells.append(f"{1000 * statistics.median(times[3:]):.0f}")
    return (
        "| rows in the batch | "
        + " | ".join(map(str, rows))
        + " |\n|---|"
        + "---:|" * len(rows)
        + "\n| ms per decoding step | "
        + " | ".join(cells)
        + " |"
    )


def cold_generate(runs: int) -> tuple[str, dict[str, float]]:
    walls, parts = [], []
    for run in range(runs):
        request = list(PROFILED.values())[run % len(PROFILED)]
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            subprocess.run(
                [str(EXE), "generate", request, "--out", out], check=True, capture_output=True
            )
            walls.append(time.perf_counter() - started)
            parts.append(json.loads((Path(out) / "result.json").read_text())["seconds"])
    median = {
        k: statistics.median(p[k] for p in parts)
        for k in ("load", "decode", "draw", "write", "total")
    }
    median["start"] = statistics.median(walls) - median["total"]
    return (
        f"- Cold CLI `diagramgen generate REQUEST --out DIR` (new process each time, the three "
        f"requests above in turn): median **{statistics.median(walls):.1f} s** over {runs} runs: "
        f"interpreter and CLI start {median['start']:.1f} s, imports and model load "
        f"{median['load']:.1f} s, decoding {median['decode']:.1f} s, drawing {median['draw']:.2f} s, "
        f"files {median['write']:.2f} s."
    ), median


def cold_render(runs: int) -> str:
    walls = []
    with tempfile.TemporaryDirectory() as out:
        plan = Path(out) / "flow.txt"
        plan.write_text(
            'flow vertical\nnode a "question" text\nnode b "embedding" model\nnode c "vector DB" db\n'
            'node d "LLM" model\nnode e "answer" text\na -> b -> c -> d -> e\nend\n'
        )
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [str(EXE), "render", str(plan), "-o", str(Path(out) / "flow.png")],
                check=True,
                capture_output=True,
            )
            walls.append(time.perf_counter() - started)
    return f"- Cold CLI `diagramgen render plan.txt -o plan.png` (a 5-node flow): median **{statistics.median(walls):.2f} s** over {runs} runs."


def token_lengths(plan_answers: list[str]) -> str:
    backend = load_backend("embedded", mode="nodelist")
    seed_mode = []
    started = time.perf_counter()
    for request in list(PROFILED.values()):
        out = backend.generate([request], Sampling(n=1, max_new_tokens=1024))[0]
        seed_mode += [cut_at_end(t) for t in out]
    seconds = (time.perf_counter() - started) / len(PROFILED)
    plan = count_tokens(plan_answers)
    nodes = count_tokens(seed_mode)
    return (
        f"- Tokens per answer, plan mode: median {statistics.median(plan):g} (p95 "
        f"{percentile(plan, 0.95):g}); the seed's node-list mode on the three requests above (base "
        f"model, the seed's prompt, 1024-token cap): median {statistics.median(nodes):g}, "
        f"{seconds:.1f} s per single answer."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=int, default=9, help="every N-th natural request")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--cold", type=int, default=5, help="cold runs of each CLI command")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    backend = load_backend("embedded")
    loaded = time.perf_counter() - started
    packed = getattr(backend, "packed_layers", 0)
    header = (
        f"- Model: `{backend.name}`, bf16, grammar-constrained, loaded in {loaded:.1f} s in a warm "
        f"interpreter ({packed} linear layers packed for oneDNN)."
    )
    rows = natural_requests(args.every)
    backend.sampler = ConstrainedSampler(backend.model, fast_forward=False)
    stepwise_text, _, stepwise = warm(backend, rows, args.seeds, "decoding token by token")
    print(stepwise_text, flush=True)
    backend.sampler = ConstrainedSampler(backend.model)
    warm_text, answers, median = warm(backend, rows, args.seeds, "reading forced tokens at once")
    warm_text += f" Median {stepwise / median:.2f}x faster than token by token."
    print(warm_text, flush=True)
    table = profile(backend, 3)
    print(table, flush=True)
    steps = step_cost(backend)
    print(steps, flush=True)
    cold_text, _ = cold_generate(args.cold)
    body = "\n".join(
        [
            header,
            stepwise_text,
            warm_text,
            cold_text,
            cold_render(args.cold),
            token_lengths(answers),
            "",
            "Where one warm request's time goes (seconds, median of 3 seeds; written to a folder):",
            "",
            table,
            "",
            "What one decoding step of the model body costs by the rows decoded together "
            "(milliseconds, median of 20 steps):",
            "",
            steps,
        ]
    )
    print(body)
    if args.write_docs:
        write_section("bench_generate", body)


if __name__ == "__main__":
    main()
