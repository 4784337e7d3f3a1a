"""Words before meaning: number words as digits and misspelt key words spelt right, so the
readers after this see 'three 3x3 convolutions' and 'thre 3x3 convolusions' alike."""

from __future__ import annotations

import re

from diagramgen.request.reading import edit_distance

_ONES = {
    w: i
    for i, w in enumerate(
        [
            "_",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate(
        ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if w != "_"
}
_SCALES = {"hundred": 100, "thousand": 1000}
_ONES.pop("_")  # "zero padding" is not a number of anything
_WORD = "|".join([*_ONES, *_TENS, *_SCALES, "a", "and"])
_RUN = re.compile(rf"\b(?:{_WORD})(?:[\s-]+(?:{_WORD}))*\b", re.IGNORECASE)
_KO_NATIVE = {
    "한": 1,
    "두": 2,
    "세": 3,
    "네": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
    "열": 10,
}
_KO_COUNT = re.compile(r"(한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s*(개|번|층)")
_KO_SINO = dict(zip("일이삼사오육칠팔구", range(1, 10), strict=True))
_KO_NUMBER = re.compile(
    r"(?<![가-힣])([일이삼사오육칠팔구]?천)?([일이삼사오육칠팔구]?백)?([일이삼사오육칠팔구]?십)?([일이삼사오육칠팔구])?(?=\s*(?:개|차원|유닛|뉴런|노드|클래스))"
)


def _value(words: list[str]) -> int | None:
    total, current, seen = 0, 0, False
    for word in words:
        if word in ("a", "and"):
            continue
        seen = True
        if word in _ONES:
            current += _ONES[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if word == "thousand":
                total, current = total + current, 0
    return total + current if seen else None


def _replace_run(match: re.Match[str]) -> str:
    text = match.group(0)
    words = [w for w in re.split(r"[\s-]+", text.lower()) if w]
    while words and words[0] in ("a", "and"):  # "a" and "and" only inside a number
        words = words[1:]
    while words and words[-1] in ("a", "and"):
        words = words[:-1]
    value = _value(words)
    if value is None:
        return text
    lead = re.match(r"^((?:(?:a|and)[\s-]+)*)", text, re.IGNORECASE)
    tail = re.search(r"((?:[\s-]+(?:a|and))*)$", text, re.IGNORECASE)
    return (lead.group(1) if lead else "") + str(value) + (tail.group(1) if tail else "")


def _sino(match: re.Match[str]) -> str:
    if not any(match.groups()):
        return match.group(0)
    total = 0
    for part, scale in zip(match.groups(), (1000, 100, 10, 1), strict=True):
        if part:
            digit = part[0] if part[0] in _KO_SINO else ""
            total += (_KO_SINO[digit] if digit else 1) * scale
    return str(total)


def normalise_numbers(text: str) -> str:
    """Number words as digits: 'sixty-four' -> '64', '두 개' -> '2 개', '육십사개' -> '64개'."""
    text = _RUN.sub(_replace_run, text)
    text = _KO_COUNT.sub(lambda m: f"{_KO_NATIVE[m.group(1)]} {m.group(2)}", text)
    return _KO_NUMBER.sub(_sino, text)


KEY_WORDS = (
    "convolution",
    "convolutional",
    "convolutions",
    "pooling",
    "hidden",
    "output",
    "outputs",
    "input",
    "inputs",
    "dense",
    "layer",
    "layers",
    "flatten",
    "dropout",
    "neurons",
    "average",
    "maximum",
    "kernel",
    "maxpool",
    "linear",
    "filters",
    "channels",
    "stride",
    "padding",
    "connected",
)


def _swapped(a: str, b: str) -> bool:
    """True when a is b with two neighbouring letters swapped ('desne')."""
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def respell(text: str) -> str:
    """Key words misspelt by one or two letters spelt right ('convolusion', 'hiden', 'ouput')."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        low = word.lower()
        if low in KEY_WORDS:
            return word
        for right in KEY_WORDS:
            if abs(len(right) - len(low)) <= 2 and low[0] == right[0]:
                limit = 1 if len(right) <= 6 else 2
                if edit_distance(low, right) <= limit or _swapped(low, right):
                    return right
        return word

    return re.sub(r"[A-Za-z]{5,}", fix, text)
