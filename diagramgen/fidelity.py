"""How faithfully a candidate follows its request, checked without a model.

A small model's samples differ mostly in whether they keep every number and step the request
names; readability cannot tell those apart (all our layouts are clean). This check can, cheaply:
- nets: the numbers the request names are in the diagram, the numbers the model wrote come from
  the request (or are the usual 1/2/3 defaults), and there are as many conv and pool layers as
  the request mentions;
- flows: the node labels are taken from the request.
"""

from __future__ import annotations

import re
from typing import Any

from diagramgen.compare import normalize_label

_NUMBER = re.compile(r"\d+")
_DEFAULTS = {1, 2, 3}  # kernel 3x3, pool 2x2, 1 output: often implied, never a mistake
_CONV = re.compile(r"\bconv", re.IGNORECASE)
_POOL = re.compile(r"\bpool", re.IGNORECASE)
_COUNTED = re.compile(r"\b(\d+|two|three|four)\s+(?:\d+\s*[x*×]\s*\d+\s+)?conv\w*\s+layers\b", re.I)
_WORDS = {"two": 2, "three": 3, "four": 4}


def _numbers(text: str) -> set[int]:
    return {int(n) for n in _NUMBER.findall(text)}


def _mentioned_convs(request: str) -> int:
    """Conv layers the request names; '2 3x3 conv layers' counts as two."""
    extra = 0
    for match in _COUNTED.finditer(request):
        word = match.group(1).lower()
        extra += (int(word) if word.isdigit() else _WORDS[word]) - 1
    return len(_CONV.findall(request)) + extra


def _net_fidelity(request: str, text: str, structure: dict[str, Any]) -> float:
    body = text.split("\n", 1)[1] if "\n" in text else ""
    wanted = _numbers(request)
    written = _numbers(body)
    sizes = {layer["size"] for layer in structure["layers"] if layer["size"] is not None}
    recall = len(wanted & (written | sizes)) / len(wanted) if wanted else 1.0
    precision = len(written & (wanted | _DEFAULTS)) / len(written) if written else 1.0
    types = [layer["type"] for layer in structure["layers"]]
    off = 0
    if structure["kind"] == "cnn":
        off = abs(types.count("conv") - _mentioned_convs(request))
        off += abs(types.count("pool") - len(_POOL.findall(request)))
    return recall * precision / (1 + off)


def _flow_fidelity(request: str, structure: dict[str, Any]) -> float:
    wanted = f" {normalize_label(request)} "
    labels = [normalize_label(n["label"]) for n in structure["nodes"] if n["label"]]
    if not labels:
        return 0.0
    return sum(f" {label} " in wanted for label in labels) / len(labels)


def request_fidelity(request: str, text: str, structure: dict[str, Any]) -> float:
    """0-1: how closely a candidate's text and structure follow the request."""
    if structure["kind"] in ("nn", "cnn"):
        return _net_fidelity(request, text, structure)
    return _flow_fidelity(request, structure)
