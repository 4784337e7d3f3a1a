"""Palettes and colour contrast shared by layout, render and the quality checks."""

from __future__ import annotations

from dataclasses import dataclass

from diagramgen.diagram import RGB


@dataclass(frozen=True)
class Palette:
    """The colours of one palette: node fills, outlines, edges and captions."""

    fills: tuple[RGB, ...]  # cycled through layers / node types
    stroke: RGB  # node outlines
    edge: RGB  # connection lines
    caption: RGB  # free text (layer captions)


PALETTES: dict[str, Palette] = {
    "blue": Palette(
        ((219, 234, 254), (191, 219, 254), (224, 231, 255), (186, 230, 253)),
        (30, 64, 175),
        (71, 85, 105),
        (30, 41, 59),
    ),
    "green": Palette(
        ((220, 252, 231), (187, 247, 208), (236, 252, 203), (204, 251, 241)),
        (21, 128, 61),
        (63, 98, 18),
        (20, 83, 45),
    ),
    "warm": Palette(
        ((255, 237, 213), (254, 215, 170), (254, 243, 199), (255, 228, 230)),
        (194, 65, 12),
        (120, 53, 15),
        (124, 45, 18),
    ),
    "purple": Palette(
        ((243, 232, 255), (233, 213, 255), (250, 232, 255), (224, 231, 255)),
        (107, 33, 168),
        (88, 28, 135),
        (59, 7, 100),
    ),
    "gray": Palette(
        ((243, 244, 246), (229, 231, 235), (249, 250, 251), (209, 213, 219)),
        (55, 65, 81),
        (75, 85, 99),
        (17, 24, 39),
    ),
    "dark": Palette(
        ((30, 41, 59), (51, 65, 85), (49, 46, 129), (19, 78, 74)),
        (15, 23, 42),
        (51, 65, 85),
        (15, 23, 42),
    ),
    "teal": Palette(
        ((204, 251, 241), (153, 246, 228), (207, 250, 254), (165, 243, 252)),
        (15, 118, 110),
        (17, 94, 89),
        (19, 78, 74),
    ),
}
DEFAULT_PALETTE = "blue"


def _luminance(rgb: RGB) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 (none) to 21 (black on white)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text_color(fill: RGB) -> RGB:
    """Near-black or white, whichever reads better on `fill`."""
    dark, light = (17, 24, 39), (255, 255, 255)
    return dark if contrast_ratio(dark, fill) >= contrast_ratio(light, fill) else light
