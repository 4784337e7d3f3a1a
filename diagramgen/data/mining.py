"""Preference pairs mined from a model's own samples: where a sample's structure is wrong,
(correct answer, that sample) is a pair — the way the seed built its pairs."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from diagramgen.diagram import Structure
from diagramgen.errors import DiagramTextError
from diagramgen.layout import parse_diagram_text
from diagramgen.llm import Backend, Sampling, cut_at_end
from diagramgen.quality.match import compare_structures


def what_is_wrong(sample: str, gold: Structure) -> str | None:
    """Why a sampled answer is wrong, or None when it is right."""
    try:
        diagram, _ = parse_diagram_text(sample)
    except DiagramTextError as exc:
        return f"model sample that does not parse: {exc}"
    match = compare_structures(diagram.structure(), gold)
    if match.exact:
        return None
    return (
        f"model sample with the wrong structure (nodes/layers {match.node_recall:.0%} right, "
        f"edges/order {match.edge_recall:.0%} right)"
    )


def mine_pairs(
    rows: list[dict[str, Any]],
    backend: Backend,
    sampling: Sampling,
    seed: int = 0,
    progress: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """At most one pair per row: its answer against the first wrong sample, if any."""
    pairs = []
    order = list(rows)
    random.Random(seed).shuffle(order)
    for row in order:
        for raw in backend.generate([row["request"]], sampling)[0]:
            sample = cut_at_end(raw)
            reason = what_is_wrong(sample, row["structure"])
            if reason is not None and sample != row["answer"]:
                pairs.append(
                    {
                        "prompt": row["request"],
                        "chosen": row["answer"],
                        "rejected": sample,
                        "reason": reason,
                        "kind": row["kind"],
                    }
                )
                break
        if progress:
            progress()
    return pairs
