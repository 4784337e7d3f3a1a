"""Scoring a diagram image with the shipped readability CNN, in NumPy.

The CNN is trained with torch (`readability_cnn`), but scoring one image needs no torch: the
five conv blocks (batch norm folded into each conv) and the two dense layers are a few
array operations, and `diagramgen score` then starts in a quarter of a second instead of two.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from diagramgen.assets import WEIGHTS
from diagramgen.render.raster import READABILITY_SIDE, image_png, thumbnail_png

BATCH_NORM_EPS = 1e-5  # torch's BatchNorm2d default, which the CNN was trained with
Layer = tuple[np.ndarray, np.ndarray]  # weights, bias


def _fold(weights: dict[str, np.ndarray], block: int) -> Layer:
    """Conv weights and bias of one block with its (eval-mode) batch norm folded in."""
    conv, norm = f"features.{block}.0", f"features.{block}.1"
    scale = weights[f"{norm}.weight"] / np.sqrt(weights[f"{norm}.running_var"] + BATCH_NORM_EPS)
    kernel = weights[f"{conv}.weight"] * scale[:, None, None, None]
    bias = (weights[f"{conv}.bias"] - weights[f"{norm}.running_mean"]) * scale
    return kernel, bias + weights[f"{norm}.bias"]


@lru_cache(maxsize=1)
def load_readability_layers() -> tuple[tuple[Layer, ...], ...]:
    """Each shipped fold's layers (five folded conv blocks, two dense); empty without weights."""
    from safetensors.numpy import load_file

    folds = []
    for path in sorted(WEIGHTS.glob("readability-fold*.safetensors")):
        weights = {k: v.astype(np.float32) for k, v in load_file(path).items()}
        convs = [_fold(weights, block) for block in range(5)]
        dense = [(weights[f"head.{i}.weight"], weights[f"head.{i}.bias"]) for i in (1, 3)]
        folds.append(tuple(convs + dense))
    return tuple(folds)


def _conv_block(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> (N, O, H/2, W/2): 3x3 conv (padding 1), ReLU, 2x2 max pool."""
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = sliding_window_view(padded, (3, 3), axis=(2, 3))  # N, C, H, W, 3, 3
    y = np.einsum("nchwij,ocij->nohw", windows, kernel, optimize=True) + bias[:, None, None]
    y = np.maximum(y, 0.0)
    n, o, h, w = y.shape
    pooled: np.ndarray = y.reshape(n, o, h // 2, 2, w // 2, 2).max(axis=(3, 5))
    return pooled


def _fold_probability(x: np.ndarray, layers: tuple[Layer, ...]) -> np.ndarray:
    for kernel, bias in layers[:5]:
        x = _conv_block(x, kernel, bias)
    (w1, b1), (w2, b2) = layers[5:]
    hidden = np.maximum(x.reshape(len(x), -1) @ w1.T + b1, 0.0)
    logits = (hidden @ w2.T + b2)[:, 0]
    probability: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
    return probability


def predict_readability(images: np.ndarray) -> np.ndarray | None:
    """Ensemble readability 0-5 of (N, 3, 128, 128) thumbnails; None without shipped weights."""
    folds = load_readability_layers()
    if not folds:
        return None
    x = images.astype(np.float32)
    scores: np.ndarray = np.mean([_fold_probability(x, layers) for layers in folds], axis=0) * 5
    return scores


def image_readability(path: Path) -> float | None:
    """The ensemble's 0-5 readability of a diagram image file; None without shipped weights."""
    scores = predict_readability(thumbnail_png(image_png(path), READABILITY_SIDE)[None])
    return None if scores is None else round(float(scores[0]), 2)
