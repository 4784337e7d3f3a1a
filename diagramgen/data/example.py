"""One training example and the structure summary written independently of layout."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from diagramgen.diagram import Kind, Structure, flow_structure
from diagramgen.formats.plan import Plan
from diagramgen.formats.plan_writer import plan_to_text


@dataclass(frozen=True)
class Example:
    """One dataset row: a request, its canonical plan answer and the ground-truth structure."""

    request: str  # what a person would type
    answer: str  # the canonical plan text, ending with the end line
    structure: Structure  # ground truth in the structure-summary schema
    kind: str  # nn | cnn | flow
    source: str  # generator family and template, for coverage statistics

    def as_dict(self) -> dict[str, Any]:
        """The example as a dataset row."""
        return asdict(self)


def flow_labels_structure(
    labels: list[str], edges: list[tuple[int, int]], ids: list[str]
) -> Structure:
    """Ground truth for a flow: labelled nodes by id, edges between them by index."""
    return flow_structure(zip(ids, labels, strict=True), ((ids[s], ids[t]) for s, t in edges))


def make_example(request: str, plan: Plan, structure: Structure, source: str) -> Example:
    """An example with its request's spacing tidied and the plan written canonically."""
    kind = Kind(plan.kind).value
    return Example(
        " ".join(request.split(" ")).strip(), plan_to_text(plan), structure, kind, source
    )
