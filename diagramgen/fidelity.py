"""How faithfully a candidate follows its request, checked without a model.

A small model's samples differ mostly in whether they keep every number and step the request
names; readability cannot tell those apart (all our layouts are clean). This check can, cheaply:
- nets: the numbers the request names are in the diagram, the numbers the model wrote come from
  the request (or are the usual 1/2/3 defaults), and the conv and pool layers come in the order
  the request mentions them (the edit distance between the two sequences);
- flows: the node labels are taken from the request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from diagramgen.compare import normalize_label

_NUMBER = re.compile(r"\d+")
_DEFAULTS = {1, 2, 3}  # kernel 3x3, pool 2x2, 1 output: often implied, never a mistake
# A conv or pool mention, with its count when the request says e.g. "2 3x3 conv layers" (the
# lookbehinds keep the second 3 of "3 x 3 conv layers" from reading as a count) and its window
# when it states one; "convnet" and "convolutional (neural) network" name the whole model.
_MENTION = re.compile(
    r"(?:(?<![x*×]\s)(?<![x*×])\b(\d+|two|three|four)\s+)?(?:\b(\d+)\s*[x*×]\s*(\d+)\s+)?"
    r"(?:(?:max|av[a-z]*)\s+)?\b(conv|pool)(?!net)(?![\w-]*\s+(?:neural\s+)?net)\w*"
    r"(\s+layers\b)?",
    re.IGNORECASE,
)
_WORDS = {"two": 2, "three": 3, "four": 4}


def _numbers(text: str) -> set[int]:
    return {int(n) for n in _NUMBER.findall(text)}


_WORD = re.compile(r"[a-z]{6,}", re.IGNORECASE)
_SPELLINGS = ("convolutional", "pooling")


def _respelled(word: re.Match[str]) -> str:
    """A misspelt 'convolutional' or 'pooling' (two edits at most) spelt right."""
    text = word.group(0)
    for right in _SPELLINGS:
        if text[0].lower() == right[0] and _edit_distance(text.lower(), right) <= 2:
            return right
    return text


def mentioned_windows(request: str) -> list[tuple[str, str | None]]:
    """The conv and pool layers a request names, in order, each with the window it states
    ("3x3") or None; '2 3x3 conv layers' is two."""
    out: list[tuple[str, str | None]] = []
    for match in _MENTION.finditer(_WORD.sub(_respelled, request)):
        count, height, width, kind, plural = match.groups()
        times = 1
        if count and plural:
            times = int(count) if count.isdigit() else _WORDS[count.lower()]
        stated = height and 1 <= int(height) <= 64 and 1 <= int(width) <= 64
        window = f"{int(height)}x{int(width)}" if stated else None
        out += [(kind.lower(), window)] * min(times, 16)
    return out


def mentioned_layers(request: str) -> list[str]:
    """The conv and pool layers a request names, in order; '2 3x3 conv layers' is two."""
    return [kind for kind, _ in mentioned_windows(request)]


def _edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, start=1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


def _net_fidelity(request: str, text: str, structure: dict[str, Any]) -> float:
    body = text.split("\n", 1)[1] if "\n" in text else ""
    wanted = _numbers(request)
    written = _numbers(body)
    sizes = {layer["size"] for layer in structure["layers"] if layer["size"] is not None}
    recall = len(wanted & (written | sizes)) / len(wanted) if wanted else 1.0
    precision = len(written & (wanted | _DEFAULTS)) / len(written) if written else 1.0
    off = 0
    if structure["kind"] == "cnn":
        drawn = [
            t for t in (layer["type"] for layer in structure["layers"]) if t in ("conv", "pool")
        ]
        off = _edit_distance(mentioned_layers(request), drawn)
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
