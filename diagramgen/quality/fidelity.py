"""How faithfully a candidate follows its request, checked without a model, in parts a user
can read (`Fidelity`), and in the order candidates are ranked by:

1. `recall` and `precision`: every number and named step of the request is in the diagram,
   and the diagram invents none (nets: numbers; flows: the words of node labels);
2. `structure`: the layers agree with the layers the request states, in order, with their
   options (nets); the edges run in the order the request mentions their ends, a loop word
   brings a back edge, an if/otherwise brings a decision with labelled branches (flows);
3. `consensus`: the share of the other candidates drawn with the same structure
   (self-consistency: a small model's repeated answer is more often the right one);
then readability and taste.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from diagramgen.diagram import Structure, StructureLayer
from diagramgen.request.layer_spec import LayerSpec
from diagramgen.request.reading import edit_distance, numbers
from diagramgen.request.spec import RequestSpec, content_words

_DEFAULTS = {1, 2, 3}  # kernel 3x3, pool 2x2, stride 1/2, 1 output: often implied
NET_KINDS = ("nn", "cnn")


@dataclass
class Fidelity:
    """The parts of a candidate's agreement with its request, each 0-1."""

    recall: float = 1.0
    precision: float = 1.0
    structure: float = 1.0
    consensus: float = 0.0

    @property
    def overall(self) -> float:
        """recall x precision x structure: the single number result.json shows."""
        return round(self.recall * self.precision * self.structure, 3)

    def rank_key(self) -> tuple[float, float, float]:
        """Sort key, best first when negated: (recall x precision, structure, consensus);
        the first two rounded so that a hair's difference does not outrank agreement."""
        return (round(self.recall * self.precision, 1), round(self.structure, 1), self.consensus)

    def as_dict(self) -> dict[str, float]:
        """The parts, rounded, as result.json states them."""
        return {k: round(v, 3) for k, v in asdict(self).items()} | {"overall": self.overall}


def _get(layer: StructureLayer | LayerSpec, key: str) -> object:
    return layer.get(key) if isinstance(layer, dict) else getattr(layer, key)


def _layer_token(layer: StructureLayer | LayerSpec, stated: LayerSpec | None) -> str:
    """A layer as compared: its type and the options the request states of it."""
    kind = str(_get(layer, "type"))
    parts = [kind]
    if stated is None:
        return kind
    for key in ("size", "kernel", "filters", "stride", "padding", "mode"):
        if getattr(stated, key) is not None and not (key == "size" and stated.shape):
            value = _get(layer, key)
            if key == "stride" and value is None and kind == "conv":
                value = 1
            parts.append(f"{key}={value}")
    return " ".join(parts)


def _layers_agree(spec: RequestSpec, structure: Structure) -> float:
    wanted = [x for x in spec.layers.layers if x.type != "flatten"]
    if not wanted:
        return 1.0
    drawn = [x for x in structure["layers"] if x["type"] != "flatten"]
    # compare each drawn layer by what the wanted layer at the same type position states
    by_type: dict[str, list[LayerSpec]] = {}
    for stated in wanted:
        by_type.setdefault(stated.type, []).append(stated)
    seen: dict[str, int] = {}
    tokens = []
    for layer in drawn:
        i = seen.get(layer["type"], 0)
        seen[layer["type"]] = i + 1
        pool = by_type.get(layer["type"], [])
        tokens.append(_layer_token(layer, pool[i] if i < len(pool) else None))
    want = [_layer_token(stated, stated) for stated in wanted]
    return max(0.0, 1 - edit_distance(tokens, want) / max(len(want), len(tokens)))


def _net_numbers(spec: RequestSpec, text: str, structure: Structure) -> tuple[float, float]:
    body = text.split("\n", 1)[1] if "\n" in text else ""
    written = numbers(body)
    shown: set[int] = set()
    for layer in structure["layers"]:
        shown |= {v for k, v in layer.items() if isinstance(v, int) and not isinstance(v, bool)}
        shown |= set(layer.get("shape") or [])
    wanted = spec.numbers
    recall = len(wanted & (written | shown)) / len(wanted) if wanted else 1.0
    precision = len(written & (wanted | _DEFAULTS)) / len(written) if written else 1.0
    return recall, precision


def _covered(word: str, pool: set[str]) -> bool:
    """A word is covered by a pool of words when one equals it, starts it, or shares its
    first five letters (three in Hangul): 'validate' / 'validation', '데이터를' / '데이터'."""
    if word in pool:
        return True
    least = 2 if any("\uac00" <= c <= "\ud7a3" for c in word) else 4
    return any(
        min(len(word), len(w)) >= least
        and (word.startswith(w) or w.startswith(word) or word[: least + 1] == w[: least + 1])
        for w in pool
    )


def _flow_words(spec: RequestSpec, structure: Structure) -> tuple[float, float]:
    """Recall over every word the drawing shows (step labels, arrow labels, group names);
    precision over the step labels only, where an invented step shows."""
    shown = [w for n in structure["nodes"] for w in content_words(n["label"])]
    drawn = [e[2] for e in structure["edges"] if len(e) > 2]
    drawn += [n["group"] for n in structure["nodes"] if n.get("group")]
    label_words = set(shown) | {w for text in drawn for w in content_words(text)}
    request_words = set(spec.words)
    wanted = list(dict.fromkeys(spec.words))
    recall = sum(_covered(w, label_words) for w in wanted) / len(wanted) if wanted else 1.0
    precision = sum(_covered(w, request_words) for w in shown) / len(shown) if shown else 0.0
    return recall, precision


def _position(label: str, words: list[str]) -> int | None:
    for w in content_words(label):
        for i, r in enumerate(words):
            if _covered(w, {r}):
                return i
    return None


def _flow_edges(spec: RequestSpec, structure: Structure) -> float:
    nodes = {n["id"]: n for n in structure["nodes"]}
    edges = structure["edges"]
    if not edges:
        return 0.5 if len(nodes) > 1 else 1.0
    where = {i: _position(n["label"], spec.words) for i, n in nodes.items()}
    backward = [e for e in edges if (where.get(e[0]) or 0) > (where.get(e[1]) or 0)]
    ordered = 1 - len(backward) / len(edges)
    score = ordered if not spec.loop else min(1.0, ordered + 1 / len(edges))
    decisions = [i for i, n in nodes.items() if n.get("type") == "decision"]
    branching = [d for d in decisions if sum(e[0] == d for e in edges) >= 2]
    labelled = [e for e in edges if len(e) > 2 and e[0] in decisions]
    if spec.decision:
        score *= 1.0 if branching and labelled else 0.75 if branching or decisions else 0.5
    elif decisions:
        score *= 0.9
    if spec.loop:
        score *= 1.0 if backward else 0.75
    return score


def request_fidelity(spec: RequestSpec, text: str, structure: Structure) -> Fidelity:
    """The candidate's agreement with its request (consensus is filled in by `add_consensus`)."""
    is_net = structure["kind"] in NET_KINDS
    if spec.kind is not None and (spec.kind == "net") != is_net:
        return Fidelity(0.0, 0.0, 0.0)  # a flow for a net request, or the reverse
    if is_net:
        recall, precision = _net_numbers(spec, text, structure)
        return Fidelity(recall, precision, _layers_agree(spec, structure))
    recall, precision = _flow_words(spec, structure)
    return Fidelity(recall, precision, _flow_edges(spec, structure))


def structure_signature(structure: Structure) -> str:
    """What a candidate draws, without its labels' case or its style: equal signatures are
    the same answer."""
    layers = [{k: v for k, v in x.items() if k != "label"} for x in structure["layers"]]
    ids = {n["id"]: " ".join(content_words(n["label"])) for n in structure["nodes"]}
    nodes = sorted((ids[n["id"]], n.get("type", "")) for n in structure["nodes"])
    edges = sorted((ids.get(e[0], ""), ids.get(e[1], ""), *e[2:]) for e in structure["edges"])
    if structure["kind"] in NET_KINDS:
        nodes, edges = [], []
    return json.dumps([layers, nodes, edges], sort_keys=True, ensure_ascii=False)


def add_consensus(
    fidelities: Sequence[Fidelity], signatures: Sequence[str], votes: Sequence[int]
) -> None:
    """Each candidate's consensus: the share of the other samples (`votes` counts the samples
    behind each candidate) that drew the same structure."""
    total: dict[str, int] = {}
    for signature, n in zip(signatures, votes, strict=True):
        total[signature] = total.get(signature, 0) + n
    others = max(sum(votes) - 1, 1)
    for fidelity, signature in zip(fidelities, signatures, strict=True):
        fidelity.consensus = (total[signature] - 1) / others
