"""Ratings and the diagrams they are about: one home for registering a diagram with its latent,
used by the CLI (`rate`, `ratings import`) and the web app alike."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from diagramgen.diagram import Diagram
from diagramgen.personal.autoencoder import diagram_latents, encoder_id, image_latent
from diagramgen.personal.store import Ranking, Store
from diagramgen.render import save
from diagramgen.render.raster import IMAGE_SUFFIXES


def register_image(store: Store, image: Path) -> int:
    """The stored diagram drawn in `image`, registered on first sight (with the text of the
    .txt file beside it, if any, and its latent when the image can be read)."""
    key = str(image.resolve())
    found = store.diagram_by_image(key)
    if found is not None:
        return found
    text_file = image.with_suffix(".txt")
    text = text_file.read_text(encoding="utf-8") if text_file.is_file() else ""
    try:
        latent = image_latent(image)
    except (OSError, ValueError):
        latent = None  # not an image we can read: the rating is kept, without a latent
    return store.add_diagram(
        "", text, key, latent, latent_model=None if latent is None else encoder_id()
    )


def rate_image(store: Store, user: str, image: Path, score: float) -> int:
    """Rate the diagram drawn in an image file (registering it first); returns its id."""
    diagram_id = register_image(store, image)
    store.rate(user, diagram_id, score)
    return diagram_id


def import_rating_folders(store: Store, folder: Path, user: str) -> int:
    """Import ratings laid out like the seed's knn_user_score/0 .. 5/ folders of images;
    returns how many were imported."""
    count = 0
    for score in range(6):
        for image in sorted((folder / str(score)).glob("*")):
            if image.suffix.lower() in IMAGE_SUFFIXES:
                rate_image(store, user, image, score)
                count += 1
    return count


def keep_diagram(
    store: Store,
    files: Path,
    owner: str,
    request: str,
    text: str,
    diagram: Diagram,
    latent: np.ndarray | None = None,
    ranking: Ranking | None = None,
) -> int:
    """Store a drawn diagram for its owner, with its latent for the k-NN (computed here unless
    the ranking already did) and its rank when it was generated; its SVG and PNG are written to
    `files` named by the new id. Returns the id."""
    if latent is None:
        latent = diagram_latents([diagram])[0]
    diagram_id = store.add_diagram(
        request,
        text,
        None,
        latent,
        owner=owner,
        latent_model=None if latent is None else encoder_id(),
        ranking=ranking,
    )
    save(diagram, diagram_file(files, diagram_id, "svg"))
    png = save(diagram, diagram_file(files, diagram_id, "png"))
    store.set_image(diagram_id, str(png))
    return diagram_id


def diagram_file(files: Path, diagram_id: int, suffix: str) -> Path:
    """Where a kept diagram's SVG or PNG is: named by its id, never by anything a user sent."""
    return files / f"{int(diagram_id)}.{suffix}"
