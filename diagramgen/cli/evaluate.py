"""`diagramgen eval`: generation over requests with a known structure, measured."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from diagramgen.cli.common import AdapterOption, BackendOption, JsonOption, fail


def evaluate(
    requests: Annotated[Path, typer.Argument(help="JSONL rows with request + structure/intended.")],
    compare_seed: Annotated[
        bool, typer.Option(help="Also score the rows' seed_system_output with the same code.")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N rows.")] = None,
    every: Annotated[
        int, typer.Option(min=1, help="Only every Nth row (a smaller sample that keeps the mix).")
    ] = 1,
    backend: BackendOption = "embedded",
    adapter: AdapterOption = None,
    count: Annotated[int, typer.Option(help="Candidates per request.")] = 5,
    seed: Annotated[int, typer.Option()] = 0,
    as_json: JsonOption = False,
    model_alone: Annotated[
        bool,
        typer.Option(
            help="The model alone: decoding not held to the request, candidates ranked by "
            "readability only (no fidelity to the request)."
        ),
    ] = False,
) -> None:
    """Parse rate, exact structure, flow faithfulness, readability, latency, tokens."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from diagramgen.jsonl import read_jsonl
    from diagramgen.llm import BackendConfig, BackendError, Sampling
    from diagramgen.llm.embedded import count_tokens
    from diagramgen.seedbench.evaluate import (
        drop_lines,
        evaluate_seed_outputs,
        run_evaluation,
        summary_rows,
    )

    if not requests.is_file():
        raise fail(f"{requests}: no such file", 2)
    rows = read_jsonl(requests)[::every][:limit]
    try:
        config = BackendConfig(
            backend, str(adapter) if adapter else None, hold_to_request=not model_alone
        )
        model = config.load()
    except BackendError as exc:
        raise fail(str(exc), 2) from None
    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("evaluating", total=len(rows))
        report = run_evaluation(
            rows,
            model,
            Sampling(n=count, seed=seed),
            count_tokens,
            lambda: progress.advance(task),
            by_request=not model_alone,
        )
    results = {model.name + (" (model alone)" if model_alone else ""): report.summary()}
    if compare_seed:
        seed_report = evaluate_seed_outputs(rows, count_tokens)
        results["seed system (recorded answers)"] = seed_report.summary()
    if as_json:
        typer.echo(json.dumps(results, indent=1))
        return
    table = Table("metric", *results)
    for row in summary_rows(results):
        table.add_row(*row)
    Console().print(table)
    for line in drop_lines(results):
        typer.echo(line)
