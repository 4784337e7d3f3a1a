"""The readability CNN: a diagram image in, a 0-5 readability score out.

A k-fold ensemble (soft voting) of small CNNs on (B, 3, 128, 128) thumbnails in [0, 1], trained
with BCE on score / 5 like the seed's (`diagramgen train readability`); it scores images from
anywhere, so also other tools' diagrams. Scoring uses the NumPy copy in `readability_image`.
"""

from __future__ import annotations

import torch
from torch import nn


def conv_block(c_in: int, c_out: int) -> nn.Sequential:
    """(B, c_in, H, W) -> (B, c_out, H/2, W/2): conv, batch norm, ReLU, 2x2 max pool."""
    # no dropout on conv layers (the seed found the auto-encoder stops learning with it)
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)
    )


class ReadabilityCNN(nn.Module):
    """Image -> readability as a probability (score / 5), trained with BCE like the seed's."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            conv_block(3, 16), conv_block(16, 32), conv_block(32, 64), conv_block(64, 64),
            conv_block(64, 64),
        )  # fmt: skip
        # 128 -> 4
        self.head = nn.Sequential(
            nn.Flatten(), nn.Linear(64 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 1)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B,) logits."""
        return self.head(self.features(x)).squeeze(-1)  # type: ignore[no-any-return]
