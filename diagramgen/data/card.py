"""The data card: what a dataset holds, measured (counts, answer tokens, phrasing diversity)."""

from __future__ import annotations

import json
import random
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from diagramgen.jsonl import read_jsonl


def _percentile(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ngrams(texts: list[str], n: int) -> int:
    grams: set[tuple[str, ...]] = set()
    for text in texts:
        words = text.lower().split()
        grams.update(zip(*(words[i:] for i in range(n)), strict=False))
    return len(grams)


def seed_answer_tokens(seed_data: Path, count_tokens: Any) -> tuple[float, float, int]:
    """The seed's own target answers: (tokens per node, median tokens, p95 tokens)."""
    rows = read_jsonl(seed_data / "seed_sft_requests.jsonl")
    answers = [r["seed_target_answer"] for r in rows]
    counts = count_tokens(answers)
    nodes = sum(a.strip().count("\n") + 1 for a in answers)
    return sum(counts) / nodes, statistics.median(counts), _percentile(counts, 0.95)


def card_markdown(dataset: Path, count_tokens: Any, seed_data: Path | None = None) -> str:
    """Markdown describing DIR/train.jsonl + DIR/val.jsonl."""
    splits = {name: read_jsonl(dataset / f"{name}.jsonl") for name in ("train", "val")}
    rows = splits["train"] + splits["val"]
    tokens = count_tokens([r["answer"] for r in rows])
    by_kind: dict[str, list[int]] = {}
    for row, n in zip(rows, tokens, strict=True):
        by_kind.setdefault(row["kind"], []).append(n)
    meta_path = dataset / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    made_by = (
        f"`diagramgen data sft --count {meta['count']} --seed {meta['seed']} "
        f"--val-fraction {meta['val_fraction']} --out DIR`"
        if meta
        else "an unknown command"
    )
    lines = [
        "# Data card",
        "",
        f"Made by {made_by} (plus the seed's 280 network requests); this card by "
        "`diagramgen data card DIR -o docs/DATA_CARD.md`. Token counts use the embedded model's "
        "tokenizer (SmolLM2-135M-Instruct).",
        "",
        f"{len(splits['train'])} training and {len(splits['val'])} validation examples; no request "
        "appears in both splits or among the 200 held-out seed benchmark requests. The seed's 420 "
        "flowchart requests are not used: their intended structures carry node types but no labels.",
        "",
        "| kind | examples | answer tokens, median | p95 | max |",
        "|---|---|---|---|---|",
    ]
    for kind, counts in sorted(by_kind.items()):
        lines.append(
            f"| {kind} | {len(counts)} | {statistics.median(counts):g} | {_percentile(counts, 0.95)} | {max(counts)} |"
        )
    lines.append(
        f"| all | {len(rows)} | {statistics.median(tokens):g} | {_percentile(tokens, 0.95)} | {max(tokens)} |"
    )
    if seed_data and (seed_data / "seed_sft_requests.jsonl").is_file():
        per_node, median, p95 = seed_answer_tokens(seed_data, count_tokens)
        lines += [
            "",
            f"For comparison, the seed's node-list answers to its 700 requests (same tokenizer): "
            f"median {median:g} tokens, p95 {p95}, {per_node:.0f} tokens per node.",
        ]
    requests = [r["request"] for r in rows]
    sources = Counter(r["source"].split("+")[0] for r in rows)
    lines += [
        "",
        f"Phrasing diversity: {len(set(requests))} distinct requests; "
        f"{_ngrams(requests, 1)} distinct words, {_ngrams(requests, 2)} distinct word bigrams, "
        f"{_ngrams(requests, 3)} distinct trigrams; {len(sources)} generator templates.",
        "",
        "| template | examples |",
        "|---|---|",
        *[f"| {name} | {n} |" for name, n in sorted(sources.items())],
        "",
        "Ten random examples:",
        "",
    ]
    for row in random.Random(0).sample(rows, min(10, len(rows))):
        request = row["request"].replace("\n", " / ")
        answer = row["answer"].strip().replace("\n", " / ")
        lines += [f"- **{request}**  ", f"  `{answer}`"]
    return "\n".join(lines) + "\n"
