"""This user's predicted score for a diagram: distance-weighted k-NN over the latents of the
diagrams they rated.

final = w * readability + (1 - w) * user, w = 0.5 by default (the seed's 50/50); with no ratings
yet the user score is None and final = readability (no invented numbers).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from diagramgen.personal.autoencoder import encoder_id, image_latent
from diagramgen.personal.store import Rating, Store

K_NEIGHBOURS = 5


def knn_score(
    latent: np.ndarray, rated: np.ndarray, scores: np.ndarray, k: int = K_NEIGHBOURS
) -> float:
    """Distance-weighted mean of the k nearest rated diagrams' scores."""
    distances = np.linalg.norm(rated - latent[None, :], axis=1)
    nearest = np.argsort(distances, kind="stable")[:k]
    weights = 1.0 / (distances[nearest] + 1e-6)
    return float((weights * scores[nearest]).sum() / weights.sum())


def final_score(readability: float, user: float | None, w: float = 0.5) -> float:
    """Readability blended with the user's score by weight `w` (readability alone without one)."""
    return readability if user is None else w * readability + (1 - w) * user


def current_latents(ratings: list[Rating], store: Store) -> list[tuple[np.ndarray, float]]:
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


def user_scores(
    latents: np.ndarray | None, user: str | None, store: Store | None
) -> list[float | None]:
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
