"""Beside the pipeline, training data: synthetic requests with plan answers and ground-truth
structure (nets, CNNs, flows, in many phrasings), the seed's net requests, and preference pairs.
Imports the stages and the seed bench; only `train` and the front ends import it.

`make_sft_dataset` writes DIR/train.jsonl and DIR/val.jsonl, deterministic for a seed, with no
request in both splits and none of the 200 held-out seed benchmark requests anywhere.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from diagramgen.data.cnns import sample_cnn
from diagramgen.data.example import Example
from diagramgen.data.flow_requests import sample_flow_request
from diagramgen.data.flows import sample_flow
from diagramgen.data.net_requests import sample_net_request
from diagramgen.data.nets import sample_net
from diagramgen.data.phrasing import random_style
from diagramgen.formats.plan_writer import plan_to_text
from diagramgen.jsonl import read_jsonl, write_jsonl
from diagramgen.seedbench.intended import intended_to_plan, intended_to_structure
from diagramgen.vocabulary import normalize_label

SAMPLERS: dict[str, Callable[[random.Random], Example]] = {
    "nn": sample_net,
    "cnn": sample_cnn,
    "flow": sample_flow,
    "composed-net": sample_net_request,
    "composed-flow": sample_flow_request,
}
# The composed families carry the options, branches, loops, groups and voices people use; the
# older families keep the seed's own phrasings in view.
MIX = {"nn": 0.12, "cnn": 0.1, "flow": 0.13, "composed-net": 0.3, "composed-flow": 0.35}


def parse_mix(text: str) -> dict[str, float]:
    """`composed-flow=0.6,nn=0.1` -> weights by family; families left out weigh nothing."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        family, _, weight = part.partition("=")
        family = family.strip()
        if family not in SAMPLERS:
            raise ValueError(f"unknown family {family!r} (families: {', '.join(SAMPLERS)})")
        try:
            mix[family] = float(weight)
        except ValueError:
            raise ValueError(f"{part!r}: a weight must be a number") from None
        if not 0 <= mix[family] < float("inf"):
            raise ValueError(f"{part!r}: a weight must be a finite number >= 0")
    if sum(mix.values()) <= 0:
        raise ValueError("the mix must give some family a weight above 0")
    return mix


def request_key(request: str) -> str:
    """Requests that differ only in case or spacing count as the same request."""
    return " ".join(request.lower().split())


SHINGLE = 8  # words: a training request sharing a run this long with a held-out one is dropped


def shingles(request: str) -> set[tuple[str, ...]]:
    """The request's runs of SHINGLE consecutive words, normalised."""
    words = normalize_label(request).split()
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@dataclass(frozen=True)
class HeldOut:
    """Requests no training row may resemble: their keys and their word shingles."""

    keys: frozenset[str] = frozenset()
    runs: frozenset[tuple[str, ...]] = frozenset()

    @classmethod
    def of(cls, requests: list[str]) -> HeldOut:
        """The held-out set of these requests."""
        runs = frozenset(s for r in requests for s in shingles(r))
        return cls(frozenset(request_key(r) for r in requests), runs)

    def touches(self, request: str) -> bool:
        """True when the request equals or shares a shingle with a held-out request."""
        return request_key(request) in self.keys or not shingles(request).isdisjoint(self.runs)


# In a source checkout (the data commands are run from one); absent from an installed wheel.
NATURAL_SET = Path(__file__).resolve().parents[2] / "bench" / "requests" / "natural.jsonl"


def natural_requests(path: Path = NATURAL_SET) -> list[str]:
    """The held-out natural requests (bench/requests/natural.jsonl), when that file is here."""
    return [row["request"] for row in read_jsonl(path)] if path.is_file() else []


def benchmark_requests(seed_data: Path | None) -> set[str]:
    """Keys of the held-out seed benchmark requests, never to be trained on."""
    path = seed_data / "seed_benchmark_200.jsonl" if seed_data else None
    if path is None or not path.is_file():
        return set()
    return {request_key(row["request"]) for row in read_jsonl(path)}


def seed_net_examples(seed_data: Path | None, rng: random.Random) -> list[Example]:
    """The seed's 280 network requests (its 420 flowcharts carry no labels, so are left out)."""
    path = seed_data / "seed_sft_requests.jsonl" if seed_data else None
    if path is None or not path.is_file():
        return []
    examples = []
    for row in read_jsonl(path):
        if row["intended"]["task_name"] != "dl_model":
            continue
        structure = intended_to_structure(row["intended"])
        plan = intended_to_plan(row["intended"], random_style(rng, structure["kind"]))
        examples.append(
            Example(
                row["request"], plan_to_text(plan), structure, structure["kind"], "seed/dl_model"
            )
        )
    return examples


def generate_examples(
    count: int,
    seed: int,
    exclude: set[str] | None = None,
    mix: dict[str, float] | None = None,
    held_out: HeldOut | None = None,
) -> Iterator[Example]:
    """`count` synthetic examples with distinct requests, in a seed-determined order, none
    resembling a `held_out` request."""
    rng = random.Random(seed)
    mix = mix or MIX
    kinds, weights = list(mix), list(mix.values())
    seen = set(exclude or ())
    made, attempts = 0, 0
    while made < count:
        attempts += 1
        if attempts > 50 * count + 1000:
            raise RuntimeError(f"could only make {made} distinct requests of {count}")
        example = SAMPLERS[rng.choices(kinds, weights)[0]](rng)
        key = request_key(example.request)
        if key in seen or (held_out and held_out.touches(example.request)):
            continue
        seen.add(key)
        made += 1
        yield example


def development_requests() -> list[str]:
    """Every request of bench/requests/ (the held-out set and the development sets)."""
    folder = NATURAL_SET.parent
    return [r["request"] for p in sorted(folder.glob("*.jsonl")) for r in read_jsonl(p)]


def _written_rows(paths: tuple[Path, ...], seed: int, taken: set[str]) -> list[Example]:
    """People's rows, shuffled, leaving out any that resembles a benchmark request or repeats
    one already taken; the development sets stay out too, so they still measure the model."""
    from diagramgen.data.written import written_examples

    if not paths:
        return []
    examples, problems = written_examples(list(paths), seed)
    if problems:
        raise ValueError(f"{len(problems)} written rows make no plan; first: {problems[0]}")
    held = HeldOut.of(development_requests())
    kept, seen = [], set(taken)
    for example in examples:
        key = request_key(example.request)
        if key not in seen and not held.touches(example.request):
            kept.append(example)
            seen.add(key)
    random.Random(seed + 2).shuffle(kept)
    return kept


@dataclass(frozen=True)
class DatasetInfo:
    """What `make_sft_dataset` wrote: the train and val row counts and the output folder."""

    train: int
    val: int
    path: Path


def make_sft_dataset(
    out: Path,
    count: int,
    seed: int = 0,
    val_fraction: float = 0.1,
    seed_data: Path | None = None,
    progress: Callable[[int], None] | None = None,
    mix: dict[str, float] | None = None,
    written: tuple[Path, ...] = (),
    written_repeat: int = 1,
) -> DatasetInfo:
    """Write train/val JSONL: `count` synthetic examples plus the seed's net requests, plus
    the rows people wrote in `written` files (each training one `written_repeat` times)."""
    if not 0 < val_fraction < 1:
        raise ValueError("val_fraction must be between 0 and 1")
    held_out = benchmark_requests(seed_data)
    natural = HeldOut.of(natural_requests())
    examples = []
    for example in generate_examples(count, seed, held_out, mix, natural):
        examples.append(example)
        if progress:
            progress(1)
    synthetic = {request_key(e.request) for e in examples}
    rng = random.Random(seed + 1)
    for example in seed_net_examples(seed_data, rng):
        key = request_key(example.request)
        if key not in held_out and key not in synthetic and not natural.touches(example.request):
            examples.append(example)
            synthetic.add(key)
    rng.shuffle(examples)
    n_val = max(1, round(len(examples) * val_fraction))
    val, train = examples[:n_val], examples[n_val:]
    people = _written_rows(written, seed, held_out | synthetic)
    n_people = round(len(people) * val_fraction)
    val += people[:n_people]
    train += people[n_people:] * written_repeat  # repeats stay in one split
    rng.shuffle(train)
    write_jsonl(out / "train.jsonl", (e.as_dict() for e in train))
    write_jsonl(out / "val.jsonl", (e.as_dict() for e in val))
    meta = {
        "count": count,
        "seed": seed,
        "val_fraction": val_fraction,
        "mix": mix or MIX,
        "written": {str(p): written_repeat for p in written},
        "written_rows": len(people),
        "train": len(train),
        "val": len(val),
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return DatasetInfo(len(train), len(val), out)
