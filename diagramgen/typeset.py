"""Text in the shipped font: measuring, wrapping and the lines a node's label is drawn in.

Layout sizes nodes by it, render draws by it and the quality checks measure by it, so all three
agree on what a label looks like.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from diagramgen.assets import FONTS
from diagramgen.diagram import Node, Point, Shape
from diagramgen.geometry import slant

FONT_FAMILY = "DejaVu Sans"  # shipped in the package: identical text on every machine
LABEL_LINE = 1.25  # line height as a multiple of the font size
EDGE_LABEL_FONT = 12.0  # the size edge labels are drawn in
THUMBNAIL = 400.0  # px: the width a diagram is judged at as a thumbnail
LEGIBLE = 7.0  # px: the smallest label size a thumbnail can be read at

Box = tuple[float, float, float, float]  # left, top, right, bottom


HANGUL = FONTS / "DiagramgenHangul.ttf"  # Hangul only (NanumGothic, subset): DejaVu has none
_HANGUL_RANGES = ((0x1100, 0x11FF), (0x3131, 0x318E), (0xAC00, 0xD7A3))


def font_path(bold: bool = False) -> Path:
    """The shipped DejaVu Sans font file, regular or bold."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return FONTS / name


def font_files() -> list[Path]:
    """Every shipped font: DejaVu Sans, and the Hangul that text falls back to."""
    return [font_path(), font_path(bold=True), HANGUL]


@lru_cache(maxsize=8)
def _font(size_px: int, hangul: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(HANGUL if hangul else font_path()), size_px)


def _is_hangul(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _HANGUL_RANGES)


@lru_cache(maxsize=4096)
def text_width(text: str, font_size: float) -> float:
    """Rendered width in pixels of one line of text in the shipped fonts (Hangul in its own,
    as the renderer falls back to it)."""
    runs = [(k, "".join(g)) for k, g in itertools.groupby(text, key=_is_hangul)]
    return sum(float(_font(100, k).getlength(run)) for k, run in runs) * font_size / 100


def wrap_label(text: str, font_size: float, max_width: float, max_lines: int = 3) -> list[str]:
    """Greedy word wrap; a word longer than a line stays whole (metrics will flag it)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, font_size) <= max_width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return lines or [""]


def text_width_inside(node: Node) -> float:
    """How wide a line of the node's label may be and still sit inside its outline."""
    if node.shape is Shape.CIRCLE:
        return max(node.width * 0.75, 10)
    if node.shape is Shape.DIAMOND:  # a centred box of half the diagonals fits a rhombus
        return max((node.width - 24) / 2, 10)
    if node.shape is Shape.PARALLELOGRAM:
        return max(node.width - 12 - 2 * slant(node), 10)
    return max(node.width - 12, 10)


def label_lines(node: Node) -> list[str]:
    """The label as drawn: explicit line breaks kept, then wrapped to the node's inner width."""
    inner = text_width_inside(node)
    lines: list[str] = []
    for part in node.label.split("\n"):
        lines += wrap_label(part, node.font_size, inner)
    return [line for line in lines if line]


def edge_label_box(label: str, at: Point) -> Box:
    """The patch an edge label centred at `at` covers (its text plus a little air)."""
    w, h = text_width(label, EDGE_LABEL_FONT) + 8, EDGE_LABEL_FONT + 6
    return (at[0] - w / 2, at[1] - h / 2, at[0] + w / 2, at[1] + h / 2)
