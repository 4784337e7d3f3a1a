"""`diagramgen rate` and `diagramgen ratings import`: a user's 0-5 ratings, which their next
rankings learn from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from diagramgen.cli.common import DbOption, fail

app = typer.Typer(help="Manage ratings.", no_args_is_help=True)


def rate(
    diagram: Annotated[str, typer.Argument(help="A diagram id, or a PNG/SVG file of one.")],
    score: Annotated[float, typer.Argument(help="0 (bad) to 5 (great).")],
    user: Annotated[str, typer.Option(help="Whose rating this is.")],
    db: DbOption = None,
) -> None:
    """Rate a diagram 0-5 for one user; the user's next rankings learn from it."""
    from diagramgen.personal.ratings import rate_image
    from diagramgen.personal.store import Store

    store = Store(db)
    try:
        if diagram.isdigit():
            diagram_id = int(diagram)
            if diagram_id >= 2**63:  # beyond SQLite's integers: no such diagram
                raise fail(f"no diagram {diagram}", 2)
            store.rate(user, diagram_id, score)
        elif Path(diagram).is_file():
            diagram_id = rate_image(store, user, Path(diagram), score)
        else:
            raise fail(f"{diagram}: neither a diagram id nor an image file", 2)
    except (ValueError, KeyError) as exc:
        raise fail(str(exc).strip("'\""), 2) from None
    typer.echo(f"{user} rated diagram {diagram_id}: {score:g}/5")


@app.command("import")
def ratings_import(
    folder: Annotated[
        Path, typer.Argument(help="A folder with 0/ 1/ ... 5/ subfolders of images.")
    ],
    user: Annotated[str, typer.Option(help="Whose ratings these are.")],
    db: DbOption = None,
) -> None:
    """Import ratings laid out like the seed's knn_user_score/0..5/ folders."""
    from diagramgen.personal.ratings import import_rating_folders
    from diagramgen.personal.store import Store

    if not folder.is_dir():
        raise fail(f"{folder}: no such folder", 2)
    try:
        count = import_rating_folders(Store(db), folder, user)
    except ValueError as exc:
        raise fail(str(exc), 2) from None
    except OSError as exc:
        raise fail(f"{folder}: cannot read it ({exc.strerror or exc})", 2) from None
    if count.images == 0:
        raise fail(f"{folder}: no images in 0/ .. 5/ subfolders", 2)
    kept = count.images - count.added
    typer.echo(f"imported {count.added} ratings for {user} ({kept} already there)")
