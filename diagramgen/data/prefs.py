"""Preference pairs for ORPO/DPO: the correct plan against a realistic mistake.

Mistakes are the ones small models make: a wrong unit count, a missing, extra or swapped layer
or step, a lost label, a reversed edge, a missing end line. Pairs mined from a fine-tuned
model's own lower-scoring samples are added by the training stage when a model exists.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from diagramgen.diagram import Kind
from diagramgen.formats.plan import Plan, parse_plan
from diagramgen.formats.plan_writer import plan_to_text
from diagramgen.jsonl import read_jsonl, write_jsonl

Mutation = Callable[[random.Random, Plan], str | None]  # edits the plan, returns the reason


def _wrong_units(rng: random.Random, plan: Plan) -> str | None:
    sized = [layer for layer in plan.layers if layer.units is not None]
    if not sized:
        return None
    layer = rng.choice(sized)
    old = layer.units or 1
    layer.units = max(1, old + rng.choice([-2, -1, 1, 2, old, -(old // 2)]))
    if layer.units == old:
        return None
    return f"wrong unit count in a {layer.type} layer ({layer.units} instead of {old})"


def _missing_layer(rng: random.Random, plan: Plan) -> str | None:
    inner = [i for i, layer in enumerate(plan.layers[1:-1], start=1) if not layer.inputs]
    if not inner or plan.skips:
        return None
    removed = plan.layers.pop(rng.choice(inner))
    return f"missing {removed.type} layer"


def _swapped_layers(rng: random.Random, plan: Plan) -> str | None:
    pairs = [
        i
        for i in range(1, len(plan.layers) - 2)
        if plan.layers[i].type != plan.layers[i + 1].type
        or plan.layers[i].units != plan.layers[i + 1].units
    ]
    if not pairs or plan.skips:
        return None
    i = rng.choice(pairs)
    plan.layers[i], plan.layers[i + 1] = plan.layers[i + 1], plan.layers[i]
    return "two layers in the wrong order"


def _extra_layer(rng: random.Random, plan: Plan) -> str | None:
    if plan.skips or len(plan.layers) < 2:
        return None
    i = rng.randrange(1, len(plan.layers))
    copy_of = copy.deepcopy(
        plan.layers[i - 1] if plan.layers[i - 1].type != "input" else plan.layers[i]
    )
    copy_of.type = "dense" if copy_of.type in ("input", "output") else copy_of.type
    plan.layers.insert(i, copy_of)
    return f"an extra {copy_of.type} layer that was not asked for"


def _missing_step(rng: random.Random, plan: Plan) -> str | None:
    if len(plan.nodes) < 3:
        return None
    node = plan.nodes.pop(rng.randrange(len(plan.nodes)))
    plan.edges = [e for e in plan.edges if node.id not in (e.source, e.target)]
    return f"step '{node.label}' is missing"


def _swapped_steps(rng: random.Random, plan: Plan) -> str | None:
    def place(i: int) -> tuple[object, ...]:  # two nodes in the same place swap to no change
        node = plan.nodes[i].id
        ins = sorted((e.source, e.label) for e in plan.edges if e.target == node)
        outs = sorted((e.target, e.label) for e in plan.edges if e.source == node)
        return (tuple(ins), tuple(outs), plan.nodes[i].type)

    pairs = [
        (a, b)
        for a in range(len(plan.nodes))
        for b in range(a + 1, len(plan.nodes))
        if place(a) != place(b)
    ]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    plan.nodes[a].label, plan.nodes[b].label = plan.nodes[b].label, plan.nodes[a].label
    return f"steps '{plan.nodes[b].label}' and '{plan.nodes[a].label}' swapped"


def _lost_label(rng: random.Random, plan: Plan) -> str | None:
    node = rng.choice(plan.nodes)
    old = node.label
    node.label = rng.choice([node.type, "step", "node", "process"])
    return None if node.label == old else f"label '{old}' lost"


def _reversed_edge(rng: random.Random, plan: Plan) -> str | None:
    if not plan.edges:
        return None
    edge = rng.choice(plan.edges)
    edge.source, edge.target = edge.target, edge.source
    return "an edge points the wrong way"


NET_MUTATIONS: list[Mutation] = [
    _wrong_units,
    _wrong_units,
    _missing_layer,
    _swapped_layers,
    _extra_layer,
]
FLOW_MUTATIONS: list[Mutation] = [
    _missing_step,
    _swapped_steps,
    _lost_label,
    _lost_label,
    _reversed_edge,
]


def _no_end(answer: str, rng: random.Random) -> str:
    lines = answer.rstrip("\n").split("\n")[:-1]
    if rng.random() < 0.5:  # ran on past where it should stop
        lines += lines[1:3]
    else:  # cut off mid-answer
        lines = lines[: max(2, len(lines) - rng.randint(0, 2))]
    return "\n".join(lines) + "\n"


def rejected_answer(rng: random.Random, chosen: str) -> tuple[str, str] | None:
    """A plausible wrong answer for `chosen`, with the reason it is wrong."""
    if rng.random() < 0.12:
        return _no_end(chosen, rng), "no end line"
    plan = parse_plan(chosen)
    mutations = FLOW_MUTATIONS if plan.kind is Kind.FLOW else NET_MUTATIONS
    for mutation in rng.sample(mutations, len(mutations)):
        candidate = copy.deepcopy(plan)
        reason = mutation(rng, candidate)
        if reason is not None:
            text = plan_to_text(candidate)
            if text != chosen:
                return text, reason
    return None


def make_pairs(rows: list[dict[str, Any]], seed: int, per_example: int = 1) -> list[dict[str, Any]]:
    """Preference pairs: each row's answer as chosen against up to `per_example` made-up wrong ones."""
    rng = random.Random(seed)
    pairs = []
    for row in rows:
        for _ in range(per_example):
            made = rejected_answer(rng, row["answer"])
            if made is not None:
                pairs.append(
                    {
                        "prompt": row["request"],
                        "chosen": row["answer"],
                        "rejected": made[0],
                        "reason": made[1],
                        "kind": row["kind"],
                    }
                )
    return pairs


def make_pref_dataset(
    sft_dir: Path, out: Path, seed: int = 0, per_example: int = 1
) -> tuple[int, int]:
    """Pairs from an SFT dataset, split for split (no val request leaks into training)."""
    counts = []
    for split in ("train", "val"):
        rows = read_jsonl(sft_dir / f"{split}.jsonl")
        counts.append(write_jsonl(out / f"{split}.jsonl", make_pairs(rows, seed, per_example)))
    return counts[0], counts[1]
