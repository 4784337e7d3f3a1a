"""Reading a request without a model, the small shared parts: the numbers it names, edit
distance (for misspellings and layer sequences), and whether a label is taken from its words.
The full reading (kind, layers with options, flow cues) is `request.spec`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from diagramgen.vocabulary import normalize_label

_NUMBER = re.compile(r"\d+")


def numbers(text: str) -> set[int]:
    """The whole numbers written in a text."""
    return {int(n) for n in _NUMBER.findall(text)}


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two sequences (of characters or of layer types)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, start=1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


def label_in_request(label: str, request: str) -> bool:
    """True when the label's words appear, in order and whole, in the request's words."""
    wanted = normalize_label(label)
    return bool(wanted) and f" {wanted} " in f" {normalize_label(request)} "


def share_from_request(labels: Iterable[str], request: str) -> float:
    """The share of the non-empty labels that are taken from the request (0 without labels)."""
    shown = [label for label in labels if normalize_label(label)]
    if not shown:
        return 0.0
    return sum(label_in_request(label, request) for label in shown) / len(shown)
