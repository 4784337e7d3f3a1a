"""Front end: the `diagramgen` command line, thin command modules over the library.

Each module holds the commands of one concern (draw, generate, evaluate, data, ratings, train,
serve) and only turns options into calls and results into lines: one-line errors, exit status 2
for bad usage or input, 1 for a bad diagram text or a failed run. Heavy modules (torch,
transformers) are imported inside the commands that need them, so `--help`, `render` and
`score` of a text start fast.
"""

from __future__ import annotations

import typer

from diagramgen.cli import data, draw, evaluate, generate, ratings, serve, train

app = typer.Typer(
    help="Plain-language requests to clean, readable ML diagrams (SVG + PNG).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """diagramgen: type what you mean, get a faithful, readable diagram."""


app.command()(draw.render)
app.command()(generate.generate)
app.command("eval")(evaluate.evaluate)
app.command()(draw.score)
app.command()(ratings.rate)
app.command()(serve.serve)
app.add_typer(data.app, name="data")
app.add_typer(ratings.app, name="ratings")
app.add_typer(train.app, name="train")


def main(args: list[str] | None = None) -> None:
    """The console script's entry point. Bad usage (an unknown option, a value out of range) and
    a file that is not what it should be are one line and exit status 2, never a traceback."""
    from diagramgen.errors import InputFileError

    try:
        status = app(args, prog_name="diagramgen", standalone_mode=False)
    except _CLICK_ERROR as exc:
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            typer.echo(ctx.get_help())  # `diagramgen` or a group alone: its help
        else:
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            typer.echo(f"error: {_one_line(exc)}{hint}", err=True)
        status = 2
    except InputFileError as exc:
        typer.echo(f"error: {exc}", err=True)
        status = 2
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        status = 130
    raise SystemExit(status if isinstance(status, int) else 0)


def _one_line(exc: Exception) -> str:
    """The usage error as click words it (naming the option), on one line."""
    format_message = getattr(exc, "format_message", None)
    return " ".join(str(format_message() if format_message else exc).split())


# Typer may carry its own copy of click: its usage errors are found from the class it exports.
_CLICK_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


__all__ = ["app", "main"]
