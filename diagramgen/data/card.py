"""The data card: what a dataset holds, measured (counts, answer tokens, phrasing diversity)."""

from __future__ import annotations

import json
import random
import re
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


_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NUMBER_WORD = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|forty|fifty|sixty|"
    r"hundred)\b",
    re.IGNORECASE,
)


def constructs(row: dict[str, Any]) -> list[str]:
    """The constructs a dataset row exercises (decision, loop, fan-in, options, Korean …)."""
    answer, request, structure = row["answer"], row["request"], row["structure"]
    found = []
    nodes = {n["id"]: i for i, n in enumerate(structure["nodes"])}
    edges = structure["edges"]
    if row["kind"] == "flow":
        types = [n.get("type") for n in structure["nodes"]]
        targets = Counter(e[1] for e in edges)
        found += ["decision"] * ("decision" in types)
        found += ["loop"] * any(nodes.get(e[1], 0) < nodes.get(e[0], 0) for e in edges)
        found += ["fan-in"] * any(n >= 2 for n in targets.values())
        found += ["group"] * ("\ngroup " in answer)
        found += ["edge label"] * any(len(e) > 2 for e in edges)
        found += ["told as a story"] * ("story" in row["source"])
    else:
        found += ["layer options"] * bool(
            re.search(r" same| stride=| avg|global|conv \d+x\d+ \d", answer)
        )
        found += ["named architecture"] * ("named" in row["source"] or "lenet" in row["source"])
        found += ["keras or pytorch code"] * bool(re.search(r"keras|pytorch", row["source"]))
        found += ["skip"] * ("\nskip " in answer)
    found += ["korean"] * bool(_HANGUL.search(request))
    found += ["number words"] * bool(_NUMBER_WORD.search(request))
    found += ["typo or lower case"] * (request == request.lower())
    return found


def surface_pattern(row: dict[str, Any]) -> str:
    """The request with its step labels and numbers blanked: how it is said, not what."""
    text = row["request"].lower()
    for node in sorted(row["structure"]["nodes"], key=lambda n: -len(n["label"])):
        if node["label"]:
            text = text.replace(node["label"].lower(), "L")
    return " ".join(re.sub(r"\d+", "N", text).split())


def _construct_table(rows: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, set[str]] = {}
    for row in rows:
        for name in constructs(row):
            seen.setdefault(name, set()).add(surface_pattern(row))
    counts = Counter(name for row in rows for name in constructs(row))
    lines = ["| construct | examples | distinct surface patterns |", "|---|---|---|"]
    lines += [f"| {name} | {counts[name]} | {len(seen[name])} |" for name in sorted(counts)]
    return lines


def seed_answer_tokens(seed_data: Path, count_tokens: Any) -> tuple[float, float, int]:
    """The seed's own target answers: (tokens per node, median tokens, p95 tokens)."""
    rows = read_jsonl(seed_data / "seed_sft_requests.jsonl")
    answers = [r["seed_target_answer"] for r in rows]
    counts = count_tokens(answers)
    nodes = sum(a.strip().count("\n") + 1 for a in answers)
    return sum(counts) / nodes, statistics.median(counts), _percentile(counts, 0.95)


def _command(meta: dict[str, Any]) -> str:
    """The `data sft` command that made a dataset, from its meta.json."""
    words = [
        f"diagramgen data sft --count {meta['count']} --seed {meta['seed']}",
        f"--val-fraction {meta['val_fraction']} --out DIR",
    ]
    written = meta.get("written") or {}
    words += [f"--written {path}" for path in written]
    if written:
        words.append(f"--written-repeat {max(written.values())}")
    return "`" + " ".join(words) + "`"


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
    made_by = _command(meta) if meta else "an unknown command"
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
        "What the rows exercise (a surface pattern is a request with its labels and numbers "
        "blanked):",
        "",
        *_construct_table(rows),
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
