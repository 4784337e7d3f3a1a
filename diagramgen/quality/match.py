"""Compare two structure summaries: is a generated diagram the structure that was asked for?

The wanted structure states only what matters; the drawn one states everything, resolved.
- Nets (nn, cnn): the layer types in order, and every size or option the wanted layer states
  (kernel, filters, stride, padding, pool mode, dropout rate, image shape), plus its skips.
  A `flatten` counts only where the wanted net names one (it is the glue between a conv stack
  and a dense layer, which a request rarely says).
- Flows: each wanted node is paired with the drawn node whose label reads most alike (words
  or, for scripts without spaces, character pairs); then the edges between paired nodes, the
  labels the wanted edges carry, and the decisions must agree, with no node or edge extra.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from diagramgen.diagram import Structure, StructureLayer
from diagramgen.vocabulary import layer_type, normalize_label

NET_KINDS = ("nn", "cnn")
LABEL_LIKENESS = 0.7  # a drawn label this alike (0-1) to a wanted one names the same step
_OPTIONS = ("kernel", "filters", "stride", "padding", "mode", "global", "rate", "count")


@dataclass(frozen=True)
class StructureMatch:
    """How well a predicted structure matches the wanted one: exact, recall and precision, and
    what differs (for reports)."""

    exact: bool
    node_recall: float  # share of wanted layers / nodes that are present
    edge_recall: float  # share of wanted edges present (flows); layer order (nets)
    node_precision: float
    edge_precision: float
    differences: list[str] = field(default_factory=list)


def _ratio(hit: int, total: int) -> float:
    return hit / total if total else 1.0


def _overlap(a: Counter[Any], b: Counter[Any]) -> int:
    return sum((a & b).values())


def _kept(layers: Sequence[StructureLayer], flatten: bool) -> list[int]:
    """Indices of the layers compared (flatten only when the wanted net names one)."""
    return [
        i for i, layer in enumerate(layers) if flatten or layer_type(layer["type"]) != "flatten"
    ]


def layer_differences(pred_layer: StructureLayer, gold_layer: StructureLayer) -> list[str]:
    """What the drawn layer gets wrong of what the wanted one states (type, size, shape,
    options)."""
    pred: dict[str, Any] = dict(pred_layer)
    gold: dict[str, Any] = dict(gold_layer)
    if layer_type(pred["type"]) != layer_type(gold["type"]):
        return [f"{pred['type']} where {gold['type']} was asked"]
    out = []
    size = gold.get("size")
    if size is not None and "shape" not in gold and pred.get("size") != size:
        out.append(f"{gold['type']} size {pred.get('size')} (asked {size})")
    shape = gold.get("shape")
    if shape and list(pred.get("shape") or [pred.get("size")] * 2)[: len(shape)] != list(shape):
        out.append(f"input {pred.get('shape') or pred.get('size')} (asked {shape})")
    for key in _OPTIONS:
        if key in gold and pred.get(key) != gold[key]:
            out.append(f"{gold['type']} {key} {pred.get(key)} (asked {gold[key]})")
    return out


def _skips(structure: Structure, kept: list[int]) -> set[tuple[int, int]]:
    """Skip connections as (from, to) positions among the kept layers: given ones, or drawn
    edges between blocks L{a} -> L{b} that are not neighbours."""
    position = {i: p for p, i in enumerate(kept)}
    given: list[list[int]] = list(dict(structure).get("skips") or [])  # type: ignore[call-overload]
    pairs: list[tuple[int, int]] = []
    if given:
        pairs = [(int(a) - 1, int(b) - 1) for a, b in given]
    else:
        for edge in structure.get("edges", []):
            s, t = edge[0], edge[1]
            if s[1:].isdigit() and t[1:].isdigit() and s[0] == t[0] == "L":
                pairs.append((int(s[1:]) - 1, int(t[1:]) - 1))
    out = set()
    for a, b in pairs:
        if a in position and b in position and position[b] - position[a] > 1:
            out.add((position[a], position[b]))
    return out


def compare_nets(pred: Structure, gold: Structure) -> StructureMatch:
    """Compare two nets layer by layer, by what the wanted layers state, and their skips."""
    flatten = any(layer_type(g["type"]) == "flatten" for g in gold["layers"])
    pk, gk = _kept(pred["layers"], flatten), _kept(gold["layers"], flatten)
    p = [pred["layers"][i] for i in pk]
    g = [gold["layers"][i] for i in gk]
    differences: list[str] = []
    if len(p) != len(g):
        differences.append(f"{len(p)} layers drawn, {len(g)} asked")
    right = [not layer_differences(a, b) for a, b in zip(p, g, strict=False)]
    for a, b in zip(p, g, strict=False):
        differences += layer_differences(a, b)
    if _skips(pred, pk) != _skips(gold, gk):
        differences.append("skip connections differ")
    types_p = Counter(layer_type(x["type"]) for x in p)
    types_g = Counter(layer_type(x["type"]) for x in g)
    pairs_p = Counter(itertools.pairwise(layer_type(x["type"]) for x in p))
    pairs_g = Counter(itertools.pairwise(layer_type(x["type"]) for x in g))
    return StructureMatch(
        exact=pred["kind"] in NET_KINDS and not differences,
        node_recall=_ratio(min(sum(right), _overlap(types_p, types_g)), len(g)),
        edge_recall=_ratio(_overlap(pairs_p, pairs_g), max(len(g) - 1, 0)),
        node_precision=_ratio(min(sum(right), _overlap(types_p, types_g)), len(p)),
        edge_precision=_ratio(_overlap(pairs_p, pairs_g), max(len(p) - 1, 0)),
        differences=differences,
    )


def _pairs(text: str) -> Counter[str]:
    squeezed = text.replace(" ", "")
    return Counter(squeezed[i : i + 2] for i in range(len(squeezed) - 1))


_PARTICLES = (
    "으로",
    "에서",
    "를",
    "을",
    "이",
    "가",
    "은",
    "는",
    "에",
    "의",
    "로",
    "와",
    "과",
    "도",
)


def _stem(word: str) -> str:
    """A word without its plural s, or a Korean word without its particle ('데이터를')."""
    for particle in _PARTICLES:
        if len(word) > len(particle) + 1 and word.endswith(particle) and word[0] >= "\uac00":
            return word[: -len(particle)]
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def label_likeness(a: str, b: str) -> float:
    """0-1: how alike two labels read, by shared words or, failing that, shared letter pairs."""
    x, y = normalize_label(a), normalize_label(b)
    if not x or not y:
        return 0.0
    if x == y:
        return 1.0
    wx, wy = Counter(map(_stem, x.split())), Counter(map(_stem, y.split()))
    words = 2 * _overlap(wx, wy) / (sum(wx.values()) + sum(wy.values()))
    px, py = _pairs(x), _pairs(y)
    total = sum(px.values()) + sum(py.values())
    letters = 2 * _overlap(px, py) / total if total else 0.0
    return max(words, letters)


def pair_nodes(pred: Structure, gold: Structure) -> dict[str, str]:
    """Wanted node id -> drawn node id, most alike labels first, each used once."""
    scored = sorted(
        (
            (label_likeness(g["label"], p["label"]), g["id"], p["id"])
            for g in gold["nodes"]
            for p in pred["nodes"]
        ),
        reverse=True,
    )
    out: dict[str, str] = {}
    used: set[str] = set()
    for score, g, p in scored:
        if score < LABEL_LIKENESS:
            break
        if g not in out and p not in used:
            out[g] = p
            used.add(p)
    return out


def _edge_set(structure: Structure) -> dict[tuple[str, str], str]:
    return {(e[0], e[1]): (e[2] if len(e) > 2 else "") for e in structure["edges"]}


_MEANS = re.compile(r"^(?:over|via|using|through)\s+(?=\S)", re.IGNORECASE)


def _edge_likeness(a: str, b: str) -> float:
    """Edge labels alike, the way an arrow goes said or not ("over HTTPS" is "HTTPS")."""
    return label_likeness(_MEANS.sub("", a.strip()), _MEANS.sub("", b.strip()))


def compare_flows(pred: Structure, gold: Structure) -> StructureMatch:
    """Compare two flows: paired nodes, the edges between them, edge labels and decisions."""
    paired = pair_nodes(pred, gold)
    back = {p: g for g, p in paired.items()}
    differences = [f"no node for {n['label']!r}" for n in gold["nodes"] if n["id"] not in paired]
    differences += [f"extra node {n['label']!r}" for n in pred["nodes"] if n["id"] not in back]
    kinds = {n["id"]: n.get("type", "process") for n in pred["nodes"]}
    for n in gold["nodes"]:
        decision = n.get("type") == "decision" and n["id"] in paired
        if decision and kinds.get(paired[n["id"]]) != "decision":
            differences.append(f"{n['label']!r} is not a decision")
    drawn = _edge_set(pred)
    wanted = _edge_set(gold)
    mapped = {
        (back[s], back[t]): label for (s, t), label in drawn.items() if s in back and t in back
    }
    hits = 0
    for (s, t), label in wanted.items():
        if (s, t) not in mapped:
            differences.append(f"no edge {s} -> {t}")
            continue
        hits += 1
        if label and _edge_likeness(label, mapped[(s, t)]) < LABEL_LIKENESS:
            differences.append(f"edge {s} -> {t} labelled {mapped[(s, t)]!r} (asked {label!r})")
    extra = [e for e in drawn if (back.get(e[0]), back.get(e[1])) not in wanted]
    differences += [f"extra edge {s} -> {t}" for s, t in extra]
    return StructureMatch(
        exact=pred["kind"] == "flow" and not differences,
        node_recall=_ratio(len(paired), len(gold["nodes"])),
        edge_recall=_ratio(hits, len(wanted)),
        node_precision=_ratio(len(paired), len(pred["nodes"])),
        edge_precision=_ratio(hits, len(drawn)),
        differences=differences,
    )


def compare_structures(pred: Structure, gold: Structure) -> StructureMatch:
    """How well `pred` matches `gold` (the kind of `gold` decides what is compared)."""
    if gold["kind"] in NET_KINDS:
        return compare_nets(pred, gold)
    return compare_flows(pred, gold)
