"""Ways people write: number words, list joining, typos, casing, style wishes."""

from __future__ import annotations

import random
from dataclasses import replace

from diagramgen.diagram import LineStyle, Orientation, Shape
from diagramgen.formats.plan import Style
from diagramgen.style import PALETTES
from diagramgen.vocabulary import HEADER_SHAPES

WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve",
]  # fmt: skip


def number(rng: random.Random, n: int, words: float = 0.25) -> str:
    """A count as digits, or as a word for small numbers some of the time."""
    return WORDS[n] if n < len(WORDS) and rng.random() < words else str(n)


def join(rng: random.Random, items: list[str]) -> str:
    """'a, b and c' / 'a, b, and c' / 'a, b, c'."""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} and {items[1]}" if rng.random() < 0.85 else f"{items[0]}, {items[1]}"
    style = rng.random()
    if style < 0.45:
        return ", ".join(items[:-1]) + " and " + items[-1]
    if style < 0.75:
        return ", ".join(items[:-1]) + ", and " + items[-1]
    if style < 0.9:
        return ", ".join(items)
    return " ".join(items)


def plural(n: int, word: str) -> str:
    """`word` with an 's' added unless `n` is 1."""
    return word if n == 1 else word + "s"


def typo(rng: random.Random, text: str, rate: float = 0.04) -> str:
    """Swap, drop or double a letter in a few longer words (never in numbers)."""
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) < 5 or not word.isalpha() or rng.random() > rate:
            continue
        j = rng.randrange(1, len(word) - 1)
        kind = rng.randrange(3)
        if kind == 0:
            word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        elif kind == 1:
            word = word[:j] + word[j + 1 :]
        else:
            word = word[:j] + word[j] + word[j:]
        words[i] = word
    return " ".join(words)


def casing(rng: random.Random, text: str) -> str:
    """The text lowercased (30% of the time), with its first letter capitalised (10%), or as is."""
    r = rng.random()
    if r < 0.3:
        return text.lower()
    if r < 0.4 and text:
        return text[0].upper() + text[1:]
    return text


def random_style(rng: random.Random, kind: str) -> Style:
    """A style the answer may choose freely: variety makes sampled candidates differ."""
    style = Style(
        orientation=Orientation.HORIZONTAL if rng.random() < 0.6 else Orientation.VERTICAL,
        palette=rng.choice(list(PALETTES)),
    )
    if rng.random() < 0.15:
        style.shape = rng.choice(HEADER_SHAPES)
    if rng.random() < 0.1 and kind != "nn":
        style.line = rng.choice(list(LineStyle))
    return style


STYLE_WISHES: list[tuple[str, dict[str, object]]] = [
    ("vertical", {"orientation": Orientation.VERTICAL}),
    ("top to bottom", {"orientation": Orientation.VERTICAL}),
    ("drawn top-down", {"orientation": Orientation.VERTICAL}),
    ("horizontal", {"orientation": Orientation.HORIZONTAL}),
    ("left to right", {"orientation": Orientation.HORIZONTAL}),
    ("in green", {"palette": "green"}),
    ("in blue", {"palette": "blue"}),
    ("warm colours", {"palette": "warm"}),
    ("purple theme", {"palette": "purple"}),
    ("grayscale", {"palette": "gray"}),
    ("dark palette", {"palette": "dark"}),
    ("teal", {"palette": "teal"}),
    ("with circles", {"shape": Shape.CIRCLE}),
    ("square boxes", {"shape": Shape.RECTANGLE}),
    ("rounded boxes", {"shape": Shape.ROUND_RECTANGLE}),
    ("dashed lines", {"line": LineStyle.DASHED_LINE}),
    ("plain lines without arrows", {"line": LineStyle.SOLID_LINE}),
]


def style_wish(rng: random.Random, style: Style, chance: float = 0.2) -> tuple[str, Style]:
    """Sometimes the request states a style; then the answer must follow it."""
    if rng.random() > chance:
        return "", style
    text, change = rng.choice(STYLE_WISHES)
    return text, replace(style, **change)  # type: ignore[arg-type]


def with_style(rng: random.Random, request: str, wish: str) -> str:
    """The request with a style wish appended, after a comma or in parentheses (as is without one)."""
    if not wish:
        return request
    if rng.random() < 0.5:
        return f"{request}, {wish}"
    return f"{request} ({wish})"
