"""Training the ranking models on rendered diagrams, clean to cluttered, labelled by the
readability metric: `diagramgen train readability` and `diagramgen train autoencoder`."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from diagramgen.assets import WEIGHTS
from diagramgen.diagram import Diagram, Orientation, Shape
from diagramgen.errors import DiagramTextError
from diagramgen.formats.nodelist import node_list_to_diagram
from diagramgen.formats.plan import Style, parse_plan
from diagramgen.jsonl import read_jsonl
from diagramgen.layout import layout_plan
from diagramgen.quality.metrics import readability
from diagramgen.render.raster import READABILITY_SIDE, THUMB, small_png, thumbnail_png
from diagramgen.style import PALETTES
from diagramgen.vocabulary import HEADER_SHAPES


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


ORIENTATIONS, PALETTE_NAMES, SHAPES = list(Orientation), list(PALETTES), list(HEADER_SHAPES)
BATCH_SIZE = 64  # images per training step, both image models


@dataclass
class ImageSet:
    """Rendered diagrams to train the image models on, with their readability scores and styles."""

    images: np.ndarray  # (N, 3, 64, 64), the auto-encoder's input
    large: np.ndarray  # (N, 3, 128, 128), the same images for the readability CNN
    scores: np.ndarray  # (N,) readability metric, 0-5
    styles: np.ndarray  # (N, 3) orientation, palette, shape indices; -1 where unknown (seed's)

    def style_names(self) -> list[str]:
        """A readable name for each image's style ('seed' for the seed's own images)."""
        return [
            "seed" if o < 0 else f"{ORIENTATIONS[o]} {PALETTE_NAMES[p]} {SHAPES[s]}"
            for o, p, s in self.styles.tolist()
        ]


def random_style(rng: random.Random) -> Style:
    """A random orientation, palette and shape."""
    return Style(rng.choice(ORIENTATIONS), rng.choice(PALETTE_NAMES), rng.choice(SHAPES))


def _style_labels(style: Style) -> tuple[int, int, int]:
    shape = style.shape or Shape.ROUND_RECTANGLE
    return (
        ORIENTATIONS.index(style.orientation),
        PALETTE_NAMES.index(style.palette),
        SHAPES.index(shape),
    )


def build_images(
    sft: Path,
    seed_data: Path | None,
    count: int,
    seed: int = 0,
    progress: Callable[[], None] | None = None,
) -> ImageSet:
    """Our layouts of dataset answers, each in a random style and half of them degraded, plus
    the seed's recorded outputs."""
    rng = random.Random(seed)
    rows = read_jsonl(sft / "train.jsonl")
    rng.shuffle(rows)
    images, large, scores, styles = [], [], [], []

    def add(diagram: Diagram) -> None:
        png = small_png(diagram)
        images.append(thumbnail_png(png, THUMB))
        large.append(thumbnail_png(png, READABILITY_SIDE))
        scores.append(readability(diagram).score)

    for i in range(count):  # past the dataset's size, answers come again in new styles
        row = rows[i % len(rows)]
        style = random_style(rng)
        diagram = layout_plan(replace(parse_plan(row["answer"]), style=style))
        if rng.random() < 0.55:
            diagram = copy.deepcopy(diagram)
            for degrade in rng.sample(DEGRADATIONS, rng.randint(1, 2)):
                degrade(rng, diagram, rng.uniform(40, 160))
        add(diagram)
        styles.append(_style_labels(style))
        if progress:
            progress()
    if seed_data and (seed_data / "seed_sft_requests.jsonl").is_file():
        for row in read_jsonl(seed_data / "seed_sft_requests.jsonl")[: count // 10]:
            try:
                diagram, _ = node_list_to_diagram(row["seed_target_answer"])
            except DiagramTextError:
                continue
            add(diagram)
            styles.append((-1, -1, -1))
    return ImageSet(
        np.stack(images),
        np.stack(large),
        np.array(scores, dtype=np.float32),
        np.array(styles, dtype=np.int64),
    )


def _augment(x: Any, generator: Any) -> Any:
    """Random flips and 90-degree rotations (readability does not depend on them)."""
    import torch

    if torch.rand(1, generator=generator) < 0.5:
        x = torch.flip(x, dims=[3])
    if torch.rand(1, generator=generator) < 0.5:
        x = torch.flip(x, dims=[2])
    return torch.rot90(x, int(torch.randint(0, 4, (1,), generator=generator)), dims=[2, 3])


def _batches(idx: Any, generator: Any, size: int = BATCH_SIZE) -> list[Any]:
    """Shuffled batches, the last one dropped when small: a batch of one or two images makes
    batch-norm statistics meaningless."""
    import torch

    batches = list(idx[torch.randperm(len(idx), generator=generator)].split(size))
    return batches if len(batches[-1]) >= size // 4 or len(batches) == 1 else batches[:-1]


def _recalibrate_batchnorm(model: Any, x: Any, idx: Any) -> None:
    """Recompute every batch-norm layer's statistics as a plain average over the training images
    (no augmentation). The running averages kept during training trail the changing weights;
    measured on the readability CNN, eval-mode predictions drifted towards 5 (MAE 0.83 vs 0.37
    after recalibration)."""
    import torch

    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    momenta = [norm.momentum for norm in norms]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # cumulative average
    model.train()
    with torch.no_grad():
        for batch in idx[:4096].split(128):
            model(x[batch])
    for norm, momentum in zip(norms, momenta, strict=True):
        norm.momentum = momentum
    model.eval()


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

    from diagramgen.quality.readability_cnn import ReadabilityCNN

    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    x_all, y_all = torch.from_numpy(data.large), torch.from_numpy(data.scores) / 5
    order = torch.randperm(len(x_all), generator=generator)
    n_test = int(len(order) * holdout)
    test, pool = order[:n_test], order[n_test:]
    chunks = pool.chunk(folds)
    for fold in range(folds):
        train_idx = torch.cat([c for i, c in enumerate(chunks) if i != fold])
        model = ReadabilityCNN()
        opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
        # warm up, then anneal: at a constant rate the last epochs kept jumping around the
        # minimum (one fold, 6 epochs: held-out MAE 0.55; 12 epochs one-cycle: 0.39)
        steps = epochs * (len(train_idx) // BATCH_SIZE + 1)  # at least the batches it takes
        schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        for _ in range(epochs):
            model.train()
            for batch in _batches(train_idx, generator):
                loss = loss_fn(model(_augment(x_all[batch], generator)), y_all[batch])
                opt.zero_grad()
                loss.backward()
                opt.step()
                schedule.step()
        _recalibrate_batchnorm(model, x_all, train_idx)
        out.mkdir(parents=True, exist_ok=True)
        save_file(
            {k: v.contiguous() for k, v in model.state_dict().items()},
            out / f"readability-fold{fold}.safetensors",
        )
    return _holdout_metrics(out, x_all[test], data.scores[test.numpy()], folds)


def _holdout_metrics(out: Path, x: Any, truth: np.ndarray, folds: int) -> dict[str, float]:
    import torch
    from safetensors.torch import load_file

    from diagramgen.quality.readability_cnn import ReadabilityCNN

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
    data: ImageSet,
    epochs: int = 15,
    seed: int = 0,
    out: Path = WEIGHTS,
    style_weight: float = 0.05,
) -> dict[str, float]:
    """Reconstruction (MSE) plus, with weight `style_weight`, cross-entropy of linear heads that
    read orientation, palette and shape off the latent: the latent must carry the style, so that
    the k-NN over a user's ratings sees taste rather than content. Reports test error and how
    much closer same-style diagrams sit."""
    import torch
    from safetensors.torch import save_file

    from diagramgen.personal.autoencoder import LATENT_DIM, AutoEncoder

    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    x, labels = torch.from_numpy(data.images), torch.from_numpy(data.styles)
    order = torch.randperm(len(x), generator=generator)
    n_test = len(x) // 7
    test, train = order[:n_test], order[n_test:]
    model = AutoEncoder()
    heads = torch.nn.ModuleList(
        torch.nn.Linear(LATENT_DIM, n) for n in (len(ORIENTATIONS), len(PALETTES), len(SHAPES))
    )  # training only: not shipped
    opt = torch.optim.AdamW([*model.parameters(), *heads.parameters()], lr=2e-3)
    for _ in range(epochs):
        model.train()
        for batch in _batches(train, generator):
            z = model.encode(x[batch])
            loss = torch.nn.functional.mse_loss(model.decode(z), x[batch])
            for i, head in enumerate(heads):
                loss = loss + style_weight * torch.nn.functional.cross_entropy(
                    head(z), labels[batch, i], ignore_index=-1
                )
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
    _recalibrate_batchnorm(model, x, train)
    with torch.inference_mode():
        test_mse = float(torch.nn.functional.mse_loss(model(x[test]), x[test]))
        latents = model.encode(x[test]).numpy()
    out.mkdir(parents=True, exist_ok=True)
    save_file(
        {k: v.contiguous() for k, v in model.state_dict().items()}, out / "autoencoder.safetensors"
    )
    known = data.styles[test.numpy(), 0] >= 0  # the seed's images have no style labels
    names = np.array(data.style_names())[test.numpy()][known]
    same, other = _style_distances(latents[known], names.tolist())
    return {"test_mse": test_mse, "same_style_distance": same, "other_style_distance": other}


def _style_distances(z: np.ndarray, styles: list[str]) -> tuple[float, float]:
    d = np.linalg.norm(z[:, None] - z[None, :], axis=-1)
    labels = np.array(styles)
    same = labels[:, None] == labels[None, :]
    off_diagonal = ~np.eye(len(z), dtype=bool)
    pairs, others = d[same & off_diagonal], d[~same]
    # a small test set may hold no two images of one style: no number rather than a warning
    return (
        float(pairs.mean()) if pairs.size else float("nan"),
        float(others.mean()) if others.size else float("nan"),
    )
