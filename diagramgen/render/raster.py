"""Diagrams and image files as small pixel arrays: the input of the two image models."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from diagramgen.diagram import Diagram
from diagramgen.render.svg import svg_to_png, to_svg

IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg")  # diagram image files the models read
THUMB = 64  # the auto-encoder's input side
READABILITY_SIDE = 128  # the readability CNN's: overlaps and crossings need the detail


def small_png(diagram: Diagram) -> bytes:
    """The diagram rasterised with its longer side 128 px, the source of both thumbnails."""
    return svg_to_png(to_svg(diagram), READABILITY_SIDE / max(diagram.width, diagram.height))


def thumbnail(diagram: Diagram, side: int = THUMB) -> np.ndarray:
    """(3, side, side) float32 in [0, 1]: the diagram rasterised small, letterboxed on white."""
    return thumbnail_png(small_png(diagram), side)


def thumbnail_png(png: bytes, side: int = THUMB) -> np.ndarray:
    """(3, side, side) float32 thumbnail of any image, letterboxed into a 128 px square."""
    box = READABILITY_SIDE
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.thumbnail((box, box), Image.Resampling.LANCZOS)
    square = Image.new("RGB", (box, box), (255, 255, 255))
    square.paste(image, ((box - image.width) // 2, (box - image.height) // 2))
    small = square if side == box else square.resize((side, side), Image.Resampling.BOX)
    pixels = np.asarray(small, dtype=np.float32).transpose(2, 0, 1) / 255.0
    # Pale palettes and thin lines nearly vanish when small: stretch the "ink" to full range.
    ink = 1.0 - pixels
    scale = max(float(np.percentile(ink, 99.5)), 0.05)
    stretched: np.ndarray = (1.0 - np.clip(ink / scale, 0.0, 1.0)).astype(np.float32)
    return stretched


def image_png(path: Path) -> bytes:
    """A diagram image file as PNG bytes (SVG rasterised)."""
    data = path.read_bytes()
    return svg_to_png(data.decode("utf-8")) if path.suffix.lower() == ".svg" else data
