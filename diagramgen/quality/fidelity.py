"""How faithfully a candidate follows its request, checked without a model.

A small model's samples differ mostly in whether they keep every number and step the request
names; readability cannot tell those apart (all our layouts are clean). This check can, cheaply:
- nets: the numbers the request names are in the diagram, the numbers the model wrote come from
  the request (or are the usual 1/2/3 defaults), and the conv and pool layers come in the order
  the request mentions them (the edit distance between the two sequences);
- flows: the node labels are taken from the request.
"""

from __future__ import annotations

from diagramgen.diagram import Structure
from diagramgen.request.reading import (
    edit_distance,
    mentioned_layers,
    numbers,
    share_from_request,
)

_DEFAULTS = {1, 2, 3}  # kernel 3x3, pool 2x2, 1 output: often implied, never a mistake


def _net_fidelity(request: str, text: str, structure: Structure) -> float:
    body = text.split("\n", 1)[1] if "\n" in text else ""
    wanted = numbers(request)
    written = numbers(body)
    sizes = {layer["size"] for layer in structure["layers"] if layer["size"] is not None}
    recall = len(wanted & (written | sizes)) / len(wanted) if wanted else 1.0
    precision = len(written & (wanted | _DEFAULTS)) / len(written) if written else 1.0
    off = 0
    if structure["kind"] == "cnn":
        drawn = [
            t for t in (layer["type"] for layer in structure["layers"]) if t in ("conv", "pool")
        ]
        off = edit_distance(mentioned_layers(request), drawn)
    return recall * precision / (1 + off)


def _flow_fidelity(request: str, structure: Structure) -> float:
    return share_from_request((n["label"] for n in structure["nodes"]), request)


def request_fidelity(request: str, text: str, structure: Structure) -> float:
    """0-1: how closely a candidate's text and structure follow the request."""
    if structure["kind"] in ("nn", "cnn"):
        return _net_fidelity(request, text, structure)
    return _flow_fidelity(request, structure)
