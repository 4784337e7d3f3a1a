"""`diagramgen generate`: request in, ranked diagrams out."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from diagramgen.cli.common import (
    AdapterOption,
    BackendOption,
    DbOption,
    ExportOption,
    JsonOption,
    export_formats,
    fail,
)

MODES = ("plan", "nodelist")


def generate(
    request: Annotated[str, typer.Argument(help="What to draw, in plain words.")],
    count: Annotated[int, typer.Option(help="Candidates to sample.")] = 5,
    recommend: Annotated[int, typer.Option(help="How many of them to recommend.")] = 3,
    user: Annotated[str | None, typer.Option(help="Rank by this user's taste (ratings).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the candidates' text, SVG and PNG.")] = Path(
        "diagrams"
    ),
    backend: BackendOption = "embedded",
    model: Annotated[str | None, typer.Option(help="Model name for an openai: backend.")] = None,
    adapter: AdapterOption = None,
    mode: Annotated[
        str, typer.Option(help="plan (compact) or nodelist (the seed's format).")
    ] = "plan",
    temperature: Annotated[float, typer.Option()] = 0.8,
    top_p: Annotated[float, typer.Option("--top-p")] = 0.95,
    max_new_tokens: Annotated[int, typer.Option(help="Hard cap per answer.")] = 320,
    seed: Annotated[int, typer.Option(help="Sampling seed (same seed, same candidates).")] = 0,
    weight: Annotated[
        float,
        typer.Option(min=0, max=1, help="Weight of readability vs your taste in the final score."),
    ] = 0.5,
    db: DbOption = None,
    as_json: JsonOption = False,
    exports: ExportOption = "",
    hold: Annotated[
        bool,
        typer.Option(help="Hold a net the request states completely to it (local models)."),
    ] = True,
    server_grammar: Annotated[
        str | None,
        typer.Option(help="vllm: send the plan grammar with each request to an openai: server."),
    ] = None,
) -> None:
    """Request in, ranked diagrams out (SVG + PNG for every candidate)."""
    from rich.console import Console

    from diagramgen.llm import BackendConfig, BackendError, Sampling
    from diagramgen.personal.store import Store
    from diagramgen.pipeline import generate as run
    from diagramgen.pipeline.generate import DUPLICATE, SURPLUS
    from diagramgen.request import RequestError

    formats = export_formats(exports)
    if mode not in MODES:
        raise fail(f"--mode must be plan or nodelist, not {mode!r}", 2)
    try:
        sampling = Sampling(count, temperature, top_p, max_new_tokens, seed)
    except ValueError as exc:
        raise fail(str(exc), 2) from None
    if server_grammar not in (None, "vllm"):
        raise fail(f"--server-grammar must be vllm, not {server_grammar!r}", 2)
    config = BackendConfig(
        backend,
        str(adapter) if adapter else None,
        model,
        "plan" if mode == "plan" else "nodelist",
        hold_to_request=hold,
        server_grammar=server_grammar,
    )
    store = Store(db) if user is not None else None
    try:
        with Console(stderr=True).status("starting") as status:
            result = run(
                request,
                count,
                recommend,
                config,
                out,
                sampling,
                status.update,
                user,
                store,
                weight,
                formats,
            )
    except (RequestError, BackendError) as exc:
        raise fail(str(exc), 2) from None
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    for c in result.candidates:
        mark = "*" if c.recommended else " "
        typer.echo(f"{mark} #{c.rank}  final {c.scores['final']:.2f}  {c.png}")
    reasons = Counter(d["reason"] for d in result.dropped)
    repeats = reasons.pop(DUPLICATE, 0)
    reasons.pop(SURPLUS, 0)  # extra samples, by design
    for reason, times in reasons.items():
        typer.echo(f"  dropped: {reason}" + (f" (x{times})" if times > 1 else ""), err=True)
    if repeats:  # not a failure: the samples agreed
        typer.echo(f"  {repeats} samples drew the same diagram as one above", err=True)
    count = len(result.candidates)
    typer.echo(f"{count} candidate{'s' * (count != 1)} in {result.seconds['total']:.1f} s -> {out}")
