"""Training the ranking models on rendered diagrams, clean to cluttered, labelled by the
readability metric: `diagramgen train readability` and `diagramgen train autoencoder`."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from diagramgen.data import read_jsonl
from diagramgen.diagram import Diagram
from diagramgen.errors import DiagramTextError
from diagramgen.metrics import readability
from diagramgen.nodelist import node_list_to_diagram
from diagramgen.scoring import WEIGHTS, thumbnail
from diagramgen.text import parse_diagram_text


def _shift(rng: random.Random, d: Diagram, amount: float) -> None:
    for n in rng.sample(d.nodes, max(1, len(d.nodes) // 3)):
        n.x += rng.uniform(-amount, amount)
        n.y += rng.uniform(-amount, amount)


def _off_canvas(rng: random.Random, d: Diagram, _: float) -> None:
    for n in rng.sample(d.nodes, max(1, len(d.nodes) // 4)):
        n.x = rng.choice([-n.width / 3, d.width + n.width / 3])


def _cramp(rng: random.Random, d: Diagram, _: float) -> None:
    k = rng.uniform(0.3, 0.7)
    cx, cy = d.width / 2, d.height / 2
    for n in d.nodes:
        n.x, n.y = cx + (n.x - cx) * k, cy + (n.y - cy) * k
    for e in d.edges:
        e.route = [(cx + (x - cx) * k, cy + (y - cy) * k) for x, y in e.route]


def _shuffle(rng: random.Random, d: Diagram, _: float) -> None:
    spots = [(n.x, n.y) for n in d.nodes]
    rng.shuffle(spots)
    for n, (x, y) in zip(d.nodes, spots, strict=True):
        n.x, n.y = x, y
    for e in d.edges:
        e.route = []


def _low_contrast(rng: random.Random, d: Diagram, _: float) -> None:
    for n in d.nodes:
        n.text_color = tuple(max(0, min(255, c + rng.randint(-30, 30))) for c in n.fill)  # type: ignore[assignment]


def _unlabel(rng: random.Random, d: Diagram, _: float) -> None:
    for n in d.nodes:
        n.label = ""
    d.groups, d.texts = [], []


DEGRADATIONS: list[Callable[[random.Random, Diagram, float], None]] = [
    _shift, _shift, _off_canvas, _cramp, _shuffle, _low_contrast, _unlabel
]  # fmt: skip


@dataclass
class ImageSet:
    images: np.ndarray  # (N, 3, 64, 64)
    scores: np.ndarray  # (N,) readability metric, 0-5
    styles: list[str]  # "palette/orientation/shape" for the style-distance check


def _style(text: str) -> str:
    header = text.split("\n", 1)[0].split()
    return " ".join(w for w in header[1:] if not w.startswith("line=")) or "default"


def build_images(
    sft: Path,
    seed_data: Path | None,
    count: int,
    seed: int = 0,
    progress: Callable[[], None] | None = None,
) -> ImageSet:
    """Our layouts of dataset answers, half of them degraded, plus the seed's recorded outputs."""
    rng = random.Random(seed)
    rows = read_jsonl(sft / "train.jsonl")
    rng.shuffle(rows)
    images, scores, styles = [], [], []
    for row in rows[:count]:
        diagram, _ = parse_diagram_text(row["answer"])
        if rng.random() < 0.55:
            diagram = copy.deepcopy(diagram)
            for degrade in rng.sample(DEGRADATIONS, rng.randint(1, 2)):
                degrade(rng, diagram, rng.uniform(40, 160))
        images.append(thumbnail(diagram))
        scores.append(readability(diagram).score)
        styles.append(_style(row["answer"]))
        if progress:
            progress()
    if seed_data and (seed_data / "seed_sft_requests.jsonl").is_file():
        for row in read_jsonl(seed_data / "seed_sft_requests.jsonl")[: count // 10]:
            try:
                diagram, _ = node_list_to_diagram(row["seed_target_answer"])
            except DiagramTextError:
                continue
            images.append(thumbnail(diagram))
            scores.append(readability(diagram).score)
            styles.append("seed")
    return ImageSet(np.stack(images), np.array(scores, dtype=np.float32), styles)


def _augment(x: Any, generator: Any) -> Any:
    """Random flips and 90-degree rotations (readability does not depend on them)."""
    import torch

    if torch.rand(1, generator=generator) < 0.5:
        x = torch.flip(x, dims=[3])
    if torch.rand(1, generator=generator) < 0.5:
        x = torch.flip(x, dims=[2])
    return torch.rot90(x, int(torch.randint(0, 4, (1,), generator=generator)), dims=[2, 3])


def train_readability(
    data: ImageSet,
    folds: int = 5,
    epochs: int = 12,
    seed: int = 0,
    out: Path = WEIGHTS,
    holdout: float = 0.15,
) -> dict[str, float]:
    """k-fold ensemble with BCE on score/5; returns held-out MAE, RMSE and Spearman."""
    import torch
    from safetensors.torch import save_file

    from diagramgen.scoring.models import ReadabilityCNN

    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    x_all, y_all = torch.from_numpy(data.images), torch.from_numpy(data.scores) / 5
    order = torch.randperm(len(x_all), generator=generator)
    n_test = int(len(order) * holdout)
    test, pool = order[:n_test], order[n_test:]
    chunks = pool.chunk(folds)
    for fold in range(folds):
        train_idx = torch.cat([c for i, c in enumerate(chunks) if i != fold])
        model = ReadabilityCNN()
        opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        for _ in range(epochs):
            model.train()
            for batch in train_idx[torch.randperm(len(train_idx), generator=generator)].split(64):
                loss = loss_fn(model(_augment(x_all[batch], generator)), y_all[batch])
                opt.zero_grad()
                loss.backward()
                opt.step()
        out.mkdir(parents=True, exist_ok=True)
        save_file(
            {k: v.contiguous() for k, v in model.state_dict().items()},
            out / f"readability-fold{fold}.safetensors",
        )
    return _holdout_metrics(out, x_all[test], data.scores[test.numpy()], folds)


def _holdout_metrics(out: Path, x: Any, truth: np.ndarray, folds: int) -> dict[str, float]:
    import torch
    from safetensors.torch import load_file

    from diagramgen.scoring.models import ReadabilityCNN

    probs = []
    for fold in range(folds):
        model = ReadabilityCNN()
        model.load_state_dict(load_file(out / f"readability-fold{fold}.safetensors"))
        with torch.inference_mode():
            probs.append(torch.sigmoid(model.eval()(x)))
    pred = (torch.stack(probs).mean(0) * 5).numpy()
    err = pred - truth
    rank_p, rank_t = np.argsort(np.argsort(pred)), np.argsort(np.argsort(truth))
    spearman = float(np.corrcoef(rank_p, rank_t)[0, 1])
    return {
        "mae": float(np.abs(err).mean()),
        "rmse": float(np.sqrt((err**2).mean())),
        "spearman": spearman,
        "held_out": len(truth),
    }


def train_autoencoder(
    data: ImageSet, epochs: int = 15, seed: int = 0, out: Path = WEIGHTS
) -> dict[str, float]:
    """Reconstruction loss (MSE); reports test error and whether same-style diagrams sit closer."""
    import torch
    from safetensors.torch import save_file

    from diagramgen.scoring.models import AutoEncoder

    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    x = torch.from_numpy(data.images)
    order = torch.randperm(len(x), generator=generator)
    n_test = len(x) // 7
    test, train = order[:n_test], order[n_test:]
    model = AutoEncoder()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    for _ in range(epochs):
        model.train()
        for batch in train[torch.randperm(len(train), generator=generator)].split(64):
            loss = torch.nn.functional.mse_loss(model(x[batch]), x[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.inference_mode():
        test_mse = float(torch.nn.functional.mse_loss(model(x[test]), x[test]))
        z = model.encode(x[test]).numpy()
    out.mkdir(parents=True, exist_ok=True)
    save_file(
        {k: v.contiguous() for k, v in model.state_dict().items()}, out / "autoencoder.safetensors"
    )
    styles = [data.styles[i] for i in test.tolist()]
    same, other = _style_distances(z, styles)
    return {"test_mse": test_mse, "same_style_distance": same, "other_style_distance": other}


def _style_distances(z: np.ndarray, styles: list[str]) -> tuple[float, float]:
    d = np.linalg.norm(z[:, None] - z[None, :], axis=-1)
    labels = np.array(styles)
    same = labels[:, None] == labels[None, :]
    off_diagonal = ~np.eye(len(z), dtype=bool)
    return float(d[same & off_diagonal].mean()), float(d[~same].mean())
