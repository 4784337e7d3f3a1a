"""Reading a request without a model: the things it states that a diagram must keep.

- the conv and pool layers it names, in order, with the windows it states (the grammar holds a
  CNN to them, the fidelity check compares against them);
- the numbers it names;
- whether a label is taken from its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from diagramgen.vocabulary import normalize_label

_NUMBER = re.compile(r"\d+")
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


def numbers(text: str) -> set[int]:
    """The whole numbers written in a text."""
    return {int(n) for n in _NUMBER.findall(text)}


_WORD = re.compile(r"[a-z]{6,}", re.IGNORECASE)
_SPELLINGS = ("convolutional", "pooling")


def _respelled(word: re.Match[str]) -> str:
    """A misspelt 'convolutional' or 'pooling' (two edits at most) spelt right."""
    text = word.group(0)
    for right in _SPELLINGS:
        if text[0].lower() == right[0] and edit_distance(text.lower(), right) <= 2:
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
