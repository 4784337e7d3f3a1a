"""Compare two structure summaries: is a generated diagram the structure that was asked for?

Nets (nn, cnn): the layer list — every layer's type and size, in order. Flows: the node labels
(case, spacing and punctuation ignored) and the directed edges between those labels.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

from diagramgen.diagram import Structure
from diagramgen.vocabulary import layer_type, normalize_label

NET_KINDS = ("nn", "cnn")


@dataclass(frozen=True)
class StructureMatch:
    """How well a predicted structure matches the wanted one: exact, recall and precision."""

    exact: bool
    node_recall: float  # share of wanted layers / labelled nodes that are present
    edge_recall: float  # share of wanted edges present (flows); layer order (nets)
    node_precision: float
    edge_precision: float


def _layers(structure: Structure) -> list[tuple[str, int | None]]:
    return [(layer_type(layer["type"]), layer["size"]) for layer in structure["layers"]]


def _ratio(hit: int, total: int) -> float:
    return hit / total if total else 1.0


def _overlap(a: Counter[Any], b: Counter[Any]) -> int:
    return sum((a & b).values())


def compare_nets(pred: Structure, gold: Structure) -> StructureMatch:
    """Compare two nets by their (type, size) layers and by consecutive pairs of layers."""
    p, g = _layers(pred), _layers(gold)
    common = _overlap(Counter(p), Counter(g))
    pairs_p = Counter(itertools.pairwise(p))
    pairs_g = Counter(itertools.pairwise(g))
    order = _overlap(pairs_p, pairs_g)
    return StructureMatch(
        exact=pred["kind"] in NET_KINDS and p == g,
        node_recall=_ratio(common, len(g)),
        edge_recall=_ratio(order, max(len(g) - 1, 0)),
        node_precision=_ratio(common, len(p)),
        edge_precision=_ratio(order, max(len(p) - 1, 0)),
    )


def _flow_parts(structure: Structure) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    labels = {n["id"]: normalize_label(n["label"]) for n in structure["nodes"]}
    nodes = Counter(labels.values())
    edges = Counter(
        (labels[s], labels[t]) for s, t in structure["edges"] if s in labels and t in labels
    )
    return nodes, edges


def compare_flows(pred: Structure, gold: Structure) -> StructureMatch:
    """Compare two flows by their normalised node labels and the edges between those labels."""
    pn, pe = _flow_parts(pred)
    gn, ge = _flow_parts(gold)
    return StructureMatch(
        exact=pred["kind"] == "flow" and pn == gn and pe == ge,
        node_recall=_ratio(_overlap(pn, gn), sum(gn.values())),
        edge_recall=_ratio(_overlap(pe, ge), sum(ge.values())),
        node_precision=_ratio(_overlap(pn, gn), sum(pn.values())),
        edge_precision=_ratio(_overlap(pe, ge), sum(pe.values())),
    )


def compare_structures(pred: Structure, gold: Structure) -> StructureMatch:
    """How well `pred` matches `gold` (the kind of `gold` decides what is compared)."""
    if gold["kind"] in NET_KINDS:
        return compare_nets(pred, gold)
    return compare_flows(pred, gold)
