"""The `diagramgen` command line: thin wiring from typed options onto library functions."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from diagramgen.errors import DiagramTextError
from diagramgen.metrics import readability
from diagramgen.render import save
from diagramgen.text import TextFormat, parse_diagram_text

app = typer.Typer(
    help="Plain-language requests to clean, readable ML diagrams (SVG + PNG).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error (no stack trace for user errors) and exit non-zero."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@app.callback()
def _root() -> None:
    """diagramgen: type what you mean, get a faithful, readable diagram."""


def _read_input(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    path = Path(file)
    if not path.is_file():
        raise fail(f"{file}: no such file", 2)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{file}: cannot read it as UTF-8 text ({exc.__class__.__name__})", 2) from None


@app.command()
def render(
    file: Annotated[str, typer.Argument(help="Plan or seed node-list text file; - for stdin.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="OUT.png or OUT.svg (default: FILE.png)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="auto, plan or nodelist.")] = "auto",
    strict: Annotated[bool, typer.Option(help="Refuse node lists with any bad line.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the structure as JSON.")] = False,
) -> None:
    """Lay out and draw a diagram text as PNG or SVG."""
    if fmt not in ("auto", "plan", "nodelist"):
        raise fail(f"--format must be auto, plan or nodelist, not {fmt!r}", 2)
    if output is None:
        output = Path("diagram.png") if file == "-" else Path(file).with_suffix(".png")
    if output.suffix.lower() not in (".png", ".svg"):
        raise fail(f"{output}: the output must end in .png or .svg", 2)
    text = _read_input(file)
    try:
        diagram, problems = parse_diagram_text(text, fmt=_as_format(fmt), strict=strict)
    except DiagramTextError as exc:
        raise fail(f"{file}: {exc}") from None
    for problem in problems:
        typer.echo(f"warning: {file}: {problem}", err=True)
    try:
        save(diagram, output)
    except OSError as exc:
        raise fail(f"{output}: cannot write ({exc.strerror})", 2) from None
    if as_json:
        typer.echo(json.dumps(diagram.structure(), ensure_ascii=False))
    else:
        score = readability(diagram).score
        typer.echo(f"wrote {output} ({diagram.width}x{diagram.height}, readability {score:.2f}/5)")


data_app = typer.Typer(help="Make training datasets.", no_args_is_help=True)
app.add_typer(data_app, name="data")


def default_seed_data() -> Path | None:
    """The seed project's data: $DIAGRAMGEN_SEED_DATA, else ../shared/seed-data if present."""
    env = os.environ.get("DIAGRAMGEN_SEED_DATA")
    candidate = Path(env) if env else Path("..") / "shared" / "seed-data"
    return candidate if candidate.is_dir() else None


SeedDataOption = Annotated[
    Path | None,
    typer.Option(help="Seed data folder (default $DIAGRAMGEN_SEED_DATA or ../shared/seed-data)."),
]


@data_app.command("sft")
def data_sft(
    out: Annotated[Path, typer.Option("--out", help="Folder for train.jsonl and val.jsonl.")],
    count: Annotated[int, typer.Option(min=10, help="Synthetic examples to make.")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 0,
    val_fraction: Annotated[float, typer.Option(min=0.01, max=0.5)] = 0.1,
    seed_data: SeedDataOption = None,
) -> None:
    """Synthetic (request, plan, structure) examples, plus the seed's 280 net requests."""
    from rich.progress import Progress

    from diagramgen.data import make_sft_dataset

    seed_data = seed_data or default_seed_data()
    if seed_data is None:
        typer.echo("warning: no seed data found; benchmark requests cannot be excluded", err=True)
    with Progress(transient=True) as progress:
        task = progress.add_task("making examples", total=count)
        info = make_sft_dataset(
            out, count, seed, val_fraction, seed_data, lambda n: progress.advance(task, n)
        )
    typer.echo(f"wrote {info.train} training and {info.val} validation examples to {out}")


@data_app.command("prefs")
def data_prefs(
    sft: Annotated[Path, typer.Option("--sft", help="An SFT dataset folder (train/val.jsonl).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for train.jsonl and val.jsonl.")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    per_example: Annotated[int, typer.Option(min=1, max=8, help="Pairs per example.")] = 1,
) -> None:
    """Preference pairs: each correct plan against a realistic mistake, with the reason."""
    from diagramgen.data.prefs import make_pref_dataset

    if not (sft / "train.jsonl").is_file():
        raise fail(f"{sft}: no train.jsonl there (make one with 'diagramgen data sft')", 2)
    train, val = make_pref_dataset(sft, out, seed, per_example)
    typer.echo(f"wrote {train} training and {val} validation pairs to {out}")


@data_app.command("card")
def data_card(
    dataset: Annotated[Path, typer.Argument(help="An SFT dataset folder.")],
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Markdown file.")] = None,
    seed_data: SeedDataOption = None,
) -> None:
    """Describe a dataset: counts per kind, answer tokens, phrasing diversity, examples."""
    from diagramgen.data.card import card_markdown
    from diagramgen.embedded import count_tokens

    if not (dataset / "train.jsonl").is_file():
        raise fail(f"{dataset}: no train.jsonl there", 2)
    text = card_markdown(dataset, count_tokens, seed_data or default_seed_data())
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")


def _as_format(fmt: str) -> TextFormat:
    return "plan" if fmt == "plan" else "nodelist" if fmt == "nodelist" else "auto"


def main() -> None:
    app()


if __name__ == "__main__":
    main()
