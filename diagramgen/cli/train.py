"""`diagramgen train sft | orpo | readability | autoencoder`: fine-tune the model and train the
two image models of the ranking."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from diagramgen.cli.common import fail, require_dataset

if TYPE_CHECKING:
    from diagramgen.train.config import TrainConfig
    from diagramgen.train.scorers import ImageSet

app = typer.Typer(help="Fine-tune the model and train the scorers.", no_args_is_help=True)

ConfigOption = Annotated[Path | None, typer.Option("--config", help="A TOML training config.")]
RunOption = Annotated[Path | None, typer.Option(help="Run folder.")]
StepsOption = Annotated[int | None, typer.Option(help="Optimiser steps.")]
ResumeOption = Annotated[bool, typer.Option(help="Continue from the newest checkpoint.")]
SftDataOption = Annotated[Path, typer.Option(help="SFT dataset whose answers are drawn.")]


def _train_config(config: Path | None, **overrides: Any) -> TrainConfig:
    """The config file's settings with the command line's on top; exit 2 on a bad one."""
    from diagramgen.train.config import load_config

    if config is not None and not config.is_file():
        raise fail(f"{config}: no such config file", 2)
    try:
        cfg = load_config(config, **overrides)
    except (ValueError, TypeError) as exc:
        raise fail(str(exc), 2) from None
    require_dataset(cfg.data, "make the dataset with 'diagramgen data'")
    return cfg


@app.command("sft")
def train_sft(
    config: ConfigOption = None,
    data: Annotated[Path | None, typer.Option(help="Dataset folder.")] = None,
    output: RunOption = None,
    max_steps: StepsOption = None,
    resume: ResumeOption = False,
) -> None:
    """LoRA SFT on plan answers (CPU, one GPU, or several under accelerate launch)."""
    from diagramgen.train.sft import run_sft

    cfg = _train_config(
        config, data=data, output=output, max_steps=max_steps, resume=resume or None
    )
    typer.echo(f"adapter saved to {run_sft(cfg)}")


@app.command("orpo")
def train_orpo(
    config: ConfigOption = None,
    data: Annotated[Path | None, typer.Option(help="Preference dataset folder.")] = None,
    output: RunOption = None,
    init_adapter: Annotated[
        Path | None, typer.Option(help="Start from this (SFT) adapter.")
    ] = None,
    max_steps: StepsOption = None,
    method: Annotated[str, typer.Option(help="orpo, or dpo.")] = "orpo",
    resume: ResumeOption = False,
) -> None:
    """Preference tuning (ORPO by default, DPO as an option) from the SFT adapter."""
    from diagramgen.train.orpo import run_preference

    if method not in ("orpo", "dpo"):
        raise fail(f"--method must be orpo or dpo, not {method!r}", 2)
    cfg = _train_config(
        config,
        data=data,
        output=output,
        init_adapter=init_adapter,
        max_steps=max_steps,
        resume=resume or None,
    )
    typer.echo(f"adapter saved to {run_preference(cfg, method)}")


def _image_set(sft: Path, count: int, seed: int) -> ImageSet:
    """Training images drawn from an SFT dataset's answers, with progress."""
    from rich.progress import Progress

    from diagramgen.seedbench import default_seed_data
    from diagramgen.train.scorers import build_images

    require_dataset(sft)
    with Progress(transient=True) as progress:
        task = progress.add_task("rendering training images", total=count)
        return build_images(sft, default_seed_data(), count, seed, lambda: progress.advance(task))


@app.command("readability")
def train_readability_command(
    sft: SftDataOption = Path("data/sft"),
    images: Annotated[int, typer.Option(help="Diagrams to render.")] = 6000,
    folds: Annotated[int, typer.Option(help="k of the k-fold ensemble.")] = 5,
    epochs: Annotated[int, typer.Option()] = 12,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Readability CNN: k-fold ensemble on clean-to-cluttered images labelled by the metric."""
    from diagramgen.train.scorers import train_readability

    metrics = train_readability(_image_set(sft, images, seed), folds, epochs, seed)
    typer.echo(json.dumps({"readability_cnn": metrics}, indent=1))


@app.command("autoencoder")
def train_autoencoder_command(
    sft: SftDataOption = Path("data/sft"),
    images: Annotated[int, typer.Option(help="Diagrams to render.")] = 3000,
    epochs: Annotated[int, typer.Option()] = 15,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Convolutional auto-encoder whose latents feed the per-user k-NN."""
    from diagramgen.train.scorers import train_autoencoder

    metrics = train_autoencoder(_image_set(sft, images, seed), epochs, seed)
    typer.echo(json.dumps({"autoencoder": metrics}, indent=1))
