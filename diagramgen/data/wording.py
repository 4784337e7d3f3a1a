"""Surface forms people mix freely, shared by the net and flow request composers: numbers as
digits or words (English and Korean), lists, frames around a request, typos and wishes.

Everything here composes: a request is a frame around parts, each part picked from many forms,
so no fixed sentence is learned as a whole.
"""

from __future__ import annotations

import random

from diagramgen.data.phrasing import typo

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_KO_DIGITS = ["", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"]
_KO_NATIVE = ["", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열"]


def english_number(n: int) -> str:
    """0-999 in words ('sixty-four', 'one hundred twenty-eight'); digits above."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + english_number(rest))
    return str(n)


def korean_number(n: int) -> str:
    """A number in Sino-Korean words (육십사 = 64), up to 9999."""
    if n == 0:
        return "영"
    out = ""
    for value, name in ((1000, "천"), (100, "백"), (10, "십")):
        digit, n = divmod(n, value)
        if digit:
            out += ("" if digit == 1 else _KO_DIGITS[digit]) + name
    return out + _KO_DIGITS[n]


def count_word(rng: random.Random, n: int, lang: str = "en", words: float = 0.4) -> str:
    """A small count ('three', '세', '3') as people write how many of something there are."""
    if lang == "ko":
        if n <= 10 and rng.random() < words:
            return _KO_NATIVE[n]
        return str(n)
    return english_number(n) if n < 20 and rng.random() < words else str(n)


def size_text(rng: random.Random, n: int, lang: str = "en", words: float = 0.12) -> str:
    """A size as digits, sometimes in words ('sixty-four', '육십사')."""
    if rng.random() < words and n < 1000:
        return korean_number(n) if lang == "ko" else english_number(n)
    return str(n)


def join_items(rng: random.Random, items: list[str], lang: str = "en") -> str:
    """'a, b and c' with the joiners people use (Korean: 'a, b, c' or 'a와 b')."""
    if len(items) == 1:
        return items[0]
    if lang == "ko":
        return rng.choice([", ", " 그리고 ", ", "]).join(items)
    last = rng.choice([" and ", ", and ", ", ", " & "])
    return ", ".join(items[:-1]) + last + items[-1]


ARROWS = [" -> ", " → ", " => ", " --> ", " > ", " ➜ "]
BULLETS = ["- ", "* ", "• ", "{n}. ", "{n}) ", "step {n}: "]


def bullet_lines(rng: random.Random, items: list[str]) -> str:
    """Items as a bulleted or numbered list, one per line."""
    bullet = rng.choice(BULLETS)
    return "\n".join(bullet.format(n=i + 1) + item for i, item in enumerate(items))


def polite(rng: random.Random, what: str, lang: str = "en") -> str:
    """An opening people put before what they want drawn ('Could you draw …')."""
    if lang == "ko":
        return rng.choice(["", "", "다음 ", "아래 "])
    if not what:
        return rng.choice(["", "", "Please draw ", "Draw ", "I need "])
    return rng.choice(
        [
            "",
            "",
            "",
            f"Draw {what}: ",
            f"draw {what} - ",
            f"Please draw {what}. ",
            f"Could you please draw {what}? ",
            f"I need a diagram of {what}: ",
            f"can you make a diagram for {what}. ",
            f"Make me a picture of {what}: ",
            f"Visualize {what}: ",
            f"Sketch {what}. ",
            f"{what[0].upper() + what[1:]}: ",
        ]
    )


VERTICAL_WISHES = [
    "drawn top to bottom",
    "top-to-bottom please",
    "vertical layout",
    "draw it vertically",
    "from top to bottom",
    "top down",
]
HORIZONTAL_WISHES = [
    "left to right",
    "horizontal layout",
    "drawn left-to-right",
    "laid out horizontally",
]
KO_VERTICAL = ["위에서 아래로", "세로로 그려줘", "세로 방향으로"]
KO_HORIZONTAL = ["왼쪽에서 오른쪽으로", "가로로 그려줘"]


def direction_wish(rng: random.Random, lang: str) -> tuple[str, str | None]:
    """Sometimes a wish for the direction: (text, 'vertical' | 'horizontal' | None)."""
    r = rng.random()
    if r < 0.1:
        return rng.choice(KO_VERTICAL if lang == "ko" else VERTICAL_WISHES), "vertical"
    if r < 0.14:
        return rng.choice(KO_HORIZONTAL if lang == "ko" else HORIZONTAL_WISHES), "horizontal"
    return "", None


def add_wish(rng: random.Random, request: str, wish: str) -> str:
    """The request with a wish put before or after it, as people do."""
    if not wish:
        return request
    r = rng.random()
    if r < 0.5:
        return f"{request.rstrip('.')}, {wish}."
    if r < 0.75:
        return f"{request.rstrip()} ({wish})"
    return f"{wish[0].upper() + wish[1:]}: {request}"


def roughen(rng: random.Random, text: str, lang: str) -> str:
    """Typos and casing as people leave them (English only; Korean keeps its spelling)."""
    if lang == "en":
        text = typo(rng, text, rate=rng.choice([0.0, 0.0, 0.03, 0.06]))
        r = rng.random()
        if r < 0.2:
            text = text.lower()
        elif r < 0.25:
            text = text[:1].upper() + text[1:]
    return text
