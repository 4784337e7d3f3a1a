"""`diagramgen render` and `diagramgen score`: diagram texts and images, no model involved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from diagramgen.cli.common import ExportOption, JsonOption, export_formats, fail, read_input
from diagramgen.errors import DiagramTextError
from diagramgen.layout import TextFormat, parse_diagram_text
from diagramgen.quality.metrics import readability
from diagramgen.render import save
from diagramgen.render.export import export
from diagramgen.render.raster import IMAGE_SUFFIXES

FORMATS: dict[str, TextFormat] = {"auto": "auto", "plan": "plan", "nodelist": "nodelist"}


def render(
    file: Annotated[str, typer.Argument(help="Plan or seed node-list text file; - for stdin.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="OUT.png or OUT.svg (default: FILE.png)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="auto, plan or nodelist.")] = "auto",
    strict: Annotated[bool, typer.Option(help="Refuse node lists with any bad line.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the structure as JSON.")] = False,
    exports: ExportOption = "",
) -> None:
    """Lay out and draw a diagram text as PNG or SVG (and, with --export, editor files)."""
    formats = export_formats(exports)
    if fmt not in FORMATS:
        raise fail(f"--format must be auto, plan or nodelist, not {fmt!r}", 2)
    if output is None:
        output = Path("diagram.png") if file == "-" else Path(file).with_suffix(".png")
    if output.suffix.lower() not in (".png", ".svg"):
        raise fail(f"{output}: the output must end in .png or .svg", 2)
    text = read_input(file)
    try:
        diagram, problems = parse_diagram_text(text, fmt=FORMATS[fmt], strict=strict)
    except DiagramTextError as exc:
        raise fail(f"{file}: {exc}") from None
    for problem in problems:
        typer.echo(f"warning: {file}: {problem}", err=True)
    try:
        save(diagram, output)
        written = [export(diagram, f, output) for f in formats]
    except OSError as exc:
        raise fail(f"{output}: cannot write ({exc.strerror})", 2) from None
    for path in written:
        typer.echo(f"wrote {path}", err=as_json)
    if as_json:
        typer.echo(json.dumps(diagram.structure(), ensure_ascii=False))
    else:
        score = readability(diagram).score
        typer.echo(f"wrote {output} ({diagram.width}x{diagram.height}, readability {score:.2f}/5)")


def _score_file(path: Path) -> dict[str, object]:
    """Readability of one file: the exact metric for a diagram text, the CNN for any image."""
    row: dict[str, object] = {"file": str(path)}
    if path.suffix.lower() in IMAGE_SUFFIXES:
        from diagramgen.quality.readability_image import image_readability

        row["cnn"] = image_readability(path)
        return row
    diagram, _ = parse_diagram_text(path.read_text(encoding="utf-8"))
    row["metric"] = readability(diagram).as_dict()
    return row


def _metric_line(metric: dict[str, Any]) -> str:
    """'4.62/5 (metric); ink -0.21, thumbnail font -0.14': the score and what each part cost."""
    costs = ", ".join(
        f"{k.replace('_', ' ')} -{v:.2f}"
        for k, v in sorted(metric["penalties"].items(), key=lambda kv: -kv[1])
    )
    return f"{metric['score']:.2f}/5 (metric){'; ' + costs if costs else ''}"


def score(
    files: Annotated[list[Path], typer.Argument(help="Diagram images (PNG/SVG) or texts.")],
    as_json: JsonOption = False,
) -> None:
    """Readability 0-5 of diagrams: the CNN for images from anywhere, the metric for texts."""
    failed = 0
    for path in files:
        try:
            row = _score_file(path)
        except (OSError, UnicodeDecodeError, ValueError, DiagramTextError) as exc:
            typer.echo(f"error: {path}: {getattr(exc, 'strerror', None) or exc}", err=True)
            failed += 1
            continue
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        elif "cnn" in row:
            cnn = row["cnn"]
            shown = "no readability CNN shipped" if cnn is None else f"{cnn:.2f}/5 (CNN)"
            typer.echo(f"{path}: {shown}")
        else:
            metric = row["metric"]
            assert isinstance(metric, dict)
            typer.echo(f"{path}: {_metric_line(metric)}")
    if failed:
        raise typer.Exit(1)
