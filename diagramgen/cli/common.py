"""What every command shares: one-line errors with the right exit status, input files, and the
options several commands take."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error (no stack trace for user errors) and return the exit to raise:
    status 2 for bad usage or input files, 1 for a bad diagram text or a failed run."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def read_input(file: str) -> str:
    """The text of a file, or of standard input for '-'."""
    if file == "-":
        return sys.stdin.read()
    path = Path(file)
    if not path.is_file():
        raise fail(f"{file}: no such file", 2)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{file}: cannot read it as UTF-8 text ({exc.__class__.__name__})", 2) from None


def require_dataset(
    folder: Path, hint: str = "make the dataset with 'diagramgen data sft'"
) -> None:
    """Exit 2 unless `folder` holds a train.jsonl."""
    if not (folder / "train.jsonl").is_file():
        raise fail(f"{folder}: no train.jsonl there ({hint})", 2)


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Ratings database (default $DIAGRAMGEN_DB or the data dir)."),
]
SeedDataOption = Annotated[
    Path | None,
    typer.Option(help="Seed data folder (default $DIAGRAMGEN_SEED_DATA or ../shared/seed-data)."),
]
BackendOption = Annotated[str, typer.Option(help="embedded, hf:PATH or openai:URL.")]
AdapterOption = Annotated[Path | None, typer.Option(help="A LoRA adapter folder to use.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
ExportOption = Annotated[
    str,
    typer.Option(
        "--export",
        help="Also write editor files: any of mermaid,dot,drawio,tikz (comma-separated).",
    ),
]


def export_formats(spec: str) -> list[str]:
    """The formats an --export option names; exit 2 on an unknown one."""
    from diagramgen.render.export import parse_exports

    try:
        return parse_exports(spec)
    except ValueError as exc:
        raise fail(f"--export: {exc}", 2) from None
