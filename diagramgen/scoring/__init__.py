"""Scoring for ranking: readability (CNN on the image, or the exact metric) and this user's
predicted score (auto-encoder latents + distance-weighted k-NN over their ratings).

final = w * readability + (1 - w) * user, w = 0.5 by default (the seed's 50/50); with no ratings
yet the user score is None and final = readability (no invented numbers).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from diagramgen.diagram import Diagram
from diagramgen.render import svg_to_png, to_svg

WEIGHTS = Path(__file__).resolve().parents[1] / "weights"
THUMB = 64  # the auto-encoder's input side
READABILITY_SIDE = 128  # the readability CNN's: overlaps and crossings need the detail
K_NEIGHBOURS = 5


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
    return (1.0 - np.clip(ink / scale, 0.0, 1.0)).astype(np.float32)


def knn_score(
    latent: np.ndarray, rated: np.ndarray, scores: np.ndarray, k: int = K_NEIGHBOURS
) -> float:
    """Distance-weighted mean of the k nearest rated diagrams' scores."""
    distances = np.linalg.norm(rated - latent[None, :], axis=1)
    nearest = np.argsort(distances, kind="stable")[:k]
    weights = 1.0 / (distances[nearest] + 1e-6)
    return float((weights * scores[nearest]).sum() / weights.sum())


def final_score(readability: float, user: float | None, w: float = 0.5) -> float:
    return readability if user is None else w * readability + (1 - w) * user


@dataclass
class Scorers:
    """The shipped image models (None where no weights are shipped)."""

    readability: list[Any] | None  # the k-fold ensemble of ReadabilityCNN
    encoder: Any | None  # AutoEncoder


@lru_cache(maxsize=1)
def encoder_id() -> str | None:
    """Short hash of the shipped encoder's weights: latents from another encoder are stale."""
    path = WEIGHTS / "autoencoder.safetensors"
    if not path.is_file():
        return None
    return "ae-" + hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=1)
def load_scorers() -> Scorers:
    from safetensors.torch import load_file

    from diagramgen.scoring.models import AutoEncoder, ReadabilityCNN

    folds = sorted(WEIGHTS.glob("readability-fold*.safetensors"))
    ensemble = []
    for path in folds:
        model = ReadabilityCNN()
        model.load_state_dict(load_file(path))
        ensemble.append(model.eval())
    encoder = None
    if (WEIGHTS / "autoencoder.safetensors").is_file():
        encoder = AutoEncoder()
        encoder.load_state_dict(load_file(WEIGHTS / "autoencoder.safetensors"))
        encoder.eval()
    return Scorers(ensemble or None, encoder)


def predict_readability(images: np.ndarray) -> np.ndarray | None:
    """CNN ensemble (soft voting over the k folds) on (N, 3, 128, 128) thumbnails, 0-5; None
    without shipped weights."""
    import torch

    ensemble = load_scorers().readability
    if not ensemble:
        return None
    with torch.inference_mode():
        x = torch.from_numpy(images)
        probs = torch.stack([torch.sigmoid(m(x)) for m in ensemble])
    return (probs.mean(0) * 5).numpy()


def encode(images: np.ndarray) -> np.ndarray | None:
    """Auto-encoder latents (N, 32); None without shipped weights."""
    import torch

    encoder = load_scorers().encoder
    if encoder is None:
        return None
    with torch.inference_mode():
        return encoder.encode(torch.from_numpy(images)).numpy()


def image_png(path: Path) -> bytes:
    """A diagram image file as PNG bytes (SVG rasterised)."""
    data = path.read_bytes()
    return svg_to_png(data.decode("utf-8")) if path.suffix.lower() == ".svg" else data


def image_readability(path: Path) -> float | None:
    """The CNN ensemble's 0-5 readability of a diagram image file; None without shipped weights."""
    scores = predict_readability(thumbnail_png(image_png(path), READABILITY_SIDE)[None])
    return None if scores is None else round(float(scores[0]), 2)


def image_latent(path: Path) -> np.ndarray | None:
    """Latent of a diagram image file (PNG, or SVG rasterised); None without an encoder."""
    if load_scorers().encoder is None:
        return None
    latents = encode(thumbnail_png(image_png(path))[None])
    return None if latents is None else latents[0]


def current_latents(ratings: list[Any], store: Any) -> list[tuple[np.ndarray, float]]:
    """(latent, score) of each rated diagram, by the shipped encoder: a latent from an older
    encoder is re-encoded from the diagram's image (and saved) or, without an image, left out."""
    model = encoder_id()
    usable = []
    for r in ratings:
        latent = r.latent if r.latent is not None and r.latent_model == model else None
        if latent is None and model is not None and r.image_path and Path(r.image_path).is_file():
            try:
                latent = image_latent(Path(r.image_path))
            except (OSError, ValueError):
                latent = None  # the image is gone bad: this rating cannot be used
            if latent is not None:
                store.set_latent(r.diagram_id, latent, model)
        if latent is not None:
            usable.append((latent, r.score))
    return usable


def user_scores(latents: np.ndarray | None, user: str | None, store: Any) -> list[float | None]:
    """Predicted 0-5 score per candidate for this user; None when they have rated nothing yet."""
    count = 0 if latents is None else len(latents)
    if latents is None or user is None or store is None:
        return [None] * count
    rated = current_latents(store.ratings(user), store)
    if not rated:
        return [None] * count
    matrix = np.stack([z for z, _ in rated])
    scores = np.array([score for _, score in rated], dtype=np.float32)
    return [knn_score(z, matrix, scores) for z in latents]
