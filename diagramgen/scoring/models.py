"""The two image models of ranking: a readability CNN and a convolutional auto-encoder.

Inputs are RGB diagram thumbnails in [0, 1]: (B, 3, 128, 128) for the readability CNN, whose
penalties (overlaps, crossings) need the detail, and (B, 3, 64, 64) for the auto-encoder.
"""

from __future__ import annotations

import torch
from torch import nn

IMAGE_SIZE = 64
LATENT_DIM = 32


def _block(c_in: int, c_out: int) -> nn.Sequential:
    # (B, c_in, H, W) -> (B, c_out, H/2, W/2); no dropout on conv layers (the seed found the
    # auto-encoder stops learning with it)
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)
    )


class ReadabilityCNN(nn.Module):
    """Image -> readability as a probability (score / 5), trained with BCE like the seed's."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            _block(3, 16), _block(16, 32), _block(32, 64), _block(64, 64), _block(64, 64)
        )  # 128 -> 4
        self.head = nn.Sequential(
            nn.Flatten(), nn.Linear(64 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 1)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x)).squeeze(-1)  # (B,) logits


class AutoEncoder(nn.Module):
    """Image -> LATENT_DIM latent -> image; diagrams of one style should sit close together."""

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            _block(3, 16),
            _block(16, 32),
            _block(32, 64),
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
        return self.encoder(x)  # (B, LATENT_DIM)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.decoder_in(z).view(-1, 64, 8, 8))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))
