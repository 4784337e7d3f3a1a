"""Ratings and the diagrams they are about: one home for registering a diagram with its latent,
used by the CLI (`rate`, `ratings import`) and the web app alike."""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

import numpy as np

from diagramgen.diagram import Diagram
from diagramgen.personal.autoencoder import diagram_latents, encoder_id, image_latent
from diagramgen.personal.store import ImageRecord, Ranking, Store
from diagramgen.render import save
from diagramgen.render.raster import IMAGE_SUFFIXES


def image_record(image: Path, digest: str | None = None) -> ImageRecord:
    """An image file as the store keeps it: its content hash (`digest` when already known),
    the text of the .txt file beside it (if any), and its latent when the image can be read."""
    digest = digest or image_hash(image)
    text_file = image.with_suffix(".txt")
    text = text_file.read_text(encoding="utf-8", errors="replace") if text_file.is_file() else ""
    try:
        latent = image_latent(image)
    except (OSError, ValueError):
        latent = None  # not an image we can read: the rating is kept, without a latent
    model = None if latent is None else encoder_id()
    return ImageRecord(str(image.resolve()), digest, text, latent, model)


def image_hash(image: Path) -> str:
    """The key of an image's content (the same picture under any name is one diagram)."""
    return sha256(image.read_bytes()).hexdigest()


def rate_image(store: Store, user: str, image: Path, score: float) -> int:
    """Rate the diagram drawn in an image file (registering it first); returns its id."""
    diagram_id, _ = store.rate_image(user, image_record(image), score, again=True)
    return diagram_id


def import_rating_folders(store: Store, folder: Path, user: str) -> ImportCount:
    """Import ratings laid out like the seed's knn_user_score/0 .. 5/ folders of images. Safe
    to repeat or run concurrently: an image already rated the same is skipped."""
    count, seen = ImportCount(), set()
    for score in range(6):
        for image in sorted((folder / str(score)).glob("*")):
            if image.suffix.lower() not in IMAGE_SUFFIXES or not image.is_file():
                continue
            count.images += 1
            digest = image_hash(image)
            if digest in seen:  # the same picture in two folders: the first one counts
                continue
            seen.add(digest)
            known = store.rated_image(user, digest)
            if known is None or known[1] != score:  # the latent only for what is new
                _, added = store.rate_image(user, image_record(image, digest), score)
                count.added += added
    return count


@dataclass
class ImportCount:
    """What an import found and what it added."""

    images: int = 0
    added: int = 0


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
