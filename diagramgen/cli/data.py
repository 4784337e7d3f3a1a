"""`diagramgen data sft | prefs | card`: training datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from diagramgen.cli.common import SeedDataOption, fail, require_dataset

app = typer.Typer(help="Make training datasets.", no_args_is_help=True)


@app.command("sft")
def data_sft(
    out: Annotated[Path, typer.Option("--out", help="Folder for train.jsonl and val.jsonl.")],
    count: Annotated[int, typer.Option(min=10, help="Synthetic examples to make.")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 0,
    val_fraction: Annotated[float, typer.Option(min=0.01, max=0.5)] = 0.1,
    seed_data: SeedDataOption = None,
    mix: Annotated[
        str | None,
        typer.Option(
            metavar="<family=weight,...>",
            help="Share of each generator family (nn, cnn, flow, composed-net, composed-flow); "
            "default nn=0.12,cnn=0.1,flow=0.13,composed-net=0.3,composed-flow=0.35.",
        ),
    ] = None,
    written: Annotated[
        list[Path] | None,
        typer.Option(
            "--written",
            exists=True,
            dir_okay=False,
            help="A JSONL file of flow requests people wrote with their truth (corpus/); "
            "repeat the option for several.",
        ),
    ] = None,
    written_repeat: Annotated[
        int, typer.Option(min=1, max=10, help="Times each written training row is used.")
    ] = 1,
) -> None:
    """Synthetic (request, plan, structure) examples, plus the seed's 280 net requests and
    any rows people wrote."""
    from rich.progress import Progress

    from diagramgen.data import make_sft_dataset, parse_mix
    from diagramgen.seedbench import default_seed_data

    try:
        weights = parse_mix(mix) if mix is not None else None
    except ValueError as error:
        raise fail(f"--mix: {error}", 2) from None
    seed_data = seed_data or default_seed_data()
    if seed_data is None:
        typer.echo("warning: no seed data found; benchmark requests cannot be excluded", err=True)
    with Progress(transient=True) as progress:
        task = progress.add_task("making examples", total=count)
        try:
            info = make_sft_dataset(
                out,
                count,
                seed,
                val_fraction,
                seed_data,
                lambda n: progress.advance(task, n),
                weights,
                tuple(written or ()),
                written_repeat,
            )
        except ValueError as error:
            raise fail(f"--written: {error}", 2) from None
    typer.echo(f"wrote {info.train} training and {info.val} validation examples to {out}")


@app.command("prefs")
def data_prefs(
    sft: Annotated[Path, typer.Option("--sft", help="An SFT dataset folder (train/val.jsonl).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for train.jsonl and val.jsonl.")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    per_example: Annotated[int, typer.Option(min=1, max=8, help="Pairs per example.")] = 1,
    mine_from: Annotated[
        str | None, typer.Option(help="Also mine pairs from this backend's own wrong samples.")
    ] = None,
    mine_limit: Annotated[int, typer.Option(help="Training requests to sample for mining.")] = 200,
    adapter: Annotated[
        Path | None, typer.Option(help="The LoRA adapter of the model to mine from.")
    ] = None,
) -> None:
    """Preference pairs: each correct plan against a realistic mistake, with the reason."""
    from diagramgen.data.prefs import make_pref_dataset

    require_dataset(sft, "make one with 'diagramgen data sft'")
    train, val = make_pref_dataset(sft, out, seed, per_example)
    if mine_from:
        train = _mine(sft, out, mine_from, adapter, mine_limit, seed)
    typer.echo(f"wrote {train} training and {val} validation pairs to {out}")


def _mine(sft: Path, out: Path, spec: str, adapter: Path | None, limit: int, seed: int) -> int:
    """Add pairs mined from a backend's own wrong samples to out/train.jsonl; its new size."""
    from rich.progress import Progress

    from diagramgen.data.mining import mine_pairs
    from diagramgen.jsonl import read_jsonl, write_jsonl
    from diagramgen.llm import BackendConfig, BackendError, Sampling

    try:
        backend = BackendConfig(spec, str(adapter) if adapter else None).load()
    except BackendError as exc:
        raise fail(str(exc), 2) from None
    rows = read_jsonl(sft / "train.jsonl")[:limit]
    with Progress(transient=True) as progress:
        task = progress.add_task("sampling the model", total=len(rows))
        mined = mine_pairs(
            rows, backend, Sampling(n=4, seed=seed), seed, lambda: progress.advance(task)
        )
    typer.echo(f"mined {len(mined)} pairs from {backend.name}'s wrong samples")
    return write_jsonl(out / "train.jsonl", read_jsonl(out / "train.jsonl") + mined)


@app.command("card")
def data_card(
    dataset: Annotated[Path, typer.Argument(help="An SFT dataset folder.")],
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Markdown file.")] = None,
    seed_data: SeedDataOption = None,
) -> None:
    """Describe a dataset: counts per kind, answer tokens, phrasing diversity, examples."""
    from diagramgen.data.card import card_markdown
    from diagramgen.llm.embedded import count_tokens
    from diagramgen.seedbench import default_seed_data

    require_dataset(dataset)
    text = card_markdown(dataset, count_tokens, seed_data or default_seed_data())
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")
