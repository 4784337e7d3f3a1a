"""One training example and the structure summary written independently of layout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from diagramgen.diagram import Kind
from diagramgen.plan import Plan, plan_to_text


@dataclass(frozen=True)
class Example:
    request: str  # what a person would type
    answer: str  # the canonical plan text, ending with the end line
    structure: dict[str, Any]  # ground truth in the structure-summary schema
    kind: str  # nn | cnn | flow
    source: str  # generator family and template, for coverage statistics

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def net_structure(kind: str, layers: Sequence[tuple[str, int | None]]) -> dict[str, Any]:
    """Ground truth for a net: its layers in order (drawn neurons are not part of it)."""
    return {
        "kind": kind,
        "layers": [{"type": t, "size": s, "label": ""} for t, s in layers],
        "nodes": [],
        "edges": [],
    }


def flow_structure(
    labels: list[str], edges: list[tuple[int, int]], ids: list[str]
) -> dict[str, Any]:
    return {
        "kind": "flow",
        "layers": [],
        "nodes": [{"id": i, "label": label} for i, label in zip(ids, labels, strict=True)],
        "edges": [[ids[s], ids[t]] for s, t in edges],
    }


def make_example(request: str, plan: Plan, structure: dict[str, Any], source: str) -> Example:
    kind = Kind(plan.kind).value
    return Example(
        " ".join(request.split(" ")).strip(), plan_to_text(plan), structure, kind, source
    )
