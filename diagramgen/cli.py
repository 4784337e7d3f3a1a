"""The `diagramgen` command line: thin wiring from typed options onto library functions."""

from __future__ import annotations

import json
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


def _as_format(fmt: str) -> TextFormat:
    return "plan" if fmt == "plan" else "nodelist" if fmt == "nodelist" else "auto"


def main() -> None:
    app()


if __name__ == "__main__":
    main()
