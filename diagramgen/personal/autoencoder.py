"""The convolutional auto-encoder: diagrams of one style get latents close together.

(B, 3, 64, 64) thumbnails in [0, 1] -> LATENT_DIM latent -> image; the per-user k-NN reads
the latents (`diagramgen train autoencoder` trains it).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from torch import nn

from diagramgen.assets import WEIGHTS
from diagramgen.diagram import Diagram
from diagramgen.quality.readability_cnn import conv_block
from diagramgen.render.raster import image_png, thumbnail, thumbnail_png

LATENT_DIM = 32
ENCODER_FILE = WEIGHTS / "autoencoder.safetensors"


class AutoEncoder(nn.Module):
    """Image -> LATENT_DIM latent -> image; diagrams of one style should sit close together."""

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            conv_block(3, 16),
            conv_block(16, 32),
            conv_block(32, 64),
            nn.Flatten(),
            nn.Linear(64 * 8 * 8, LATENT_DIM),
        )
        self.decoder_in = nn.Linear(LATENT_DIM, 64 * 8 * 8)
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.ReLU(),  # 8 -> 16
            nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1), nn.ReLU(),  # 16 -> 32
            nn.ConvTranspose2d(16, 3, 4, stride=2, padding=1), nn.Sigmoid(),  # 32 -> 64
        )  # fmt: skip

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 3, 64, 64) -> (B, LATENT_DIM)."""
        return self.encoder(x)  # type: ignore[no-any-return]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(B, LATENT_DIM) -> (B, 3, 64, 64)."""
        return self.decoder(self.decoder_in(z).view(-1, 64, 8, 8))  # type: ignore[no-any-return]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruction of `x`."""
        return self.decode(self.encode(x))


@lru_cache(maxsize=1)
def encoder_id() -> str | None:
    """Short hash of the shipped encoder's weights: latents from another encoder are stale."""
    if not ENCODER_FILE.is_file():
        return None
    return "ae-" + hashlib.sha256(ENCODER_FILE.read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=1)
def load_encoder() -> AutoEncoder | None:
    """The shipped auto-encoder in eval mode; None when no weights are shipped."""
    if not ENCODER_FILE.is_file():
        return None
    from safetensors.torch import load_file

    encoder = AutoEncoder()
    encoder.load_state_dict(load_file(ENCODER_FILE))
    return encoder.eval()


def encode(images: np.ndarray) -> np.ndarray | None:
    """Latents (N, LATENT_DIM) of (N, 3, 64, 64) thumbnails; None without shipped weights."""
    encoder = load_encoder()
    if encoder is None:
        return None
    with torch.inference_mode():
        return encoder.encode(torch.from_numpy(images)).numpy()


def diagram_latents(diagrams: list[Diagram]) -> list[np.ndarray | None]:
    """One latent per diagram (None each without an encoder)."""
    if not diagrams:
        return []
    latents = encode(np.stack([thumbnail(d) for d in diagrams]))
    return [None] * len(diagrams) if latents is None else list(latents)


def image_latent(path: Path) -> np.ndarray | None:
    """Latent of a diagram image file (PNG, or SVG rasterised); None without an encoder."""
    if load_encoder() is None:
        return None
    latents = encode(thumbnail_png(image_png(path))[None])
    return None if latents is None else latents[0]
