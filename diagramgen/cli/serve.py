"""`diagramgen serve`: the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from diagramgen.cli.common import BackendOption, DbOption, fail


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    backend: BackendOption = "embedded",
    count: Annotated[int, typer.Option(min=1, max=16, help="Candidates per request.")] = 5,
    recommend: Annotated[int, typer.Option(min=1, max=16, help="How many to recommend.")] = 3,
    db: DbOption = None,
    queue_limit: Annotated[
        int, typer.Option(min=1, max=10_000, help="Generations waiting or running at once.")
    ] = 16,
    batch: Annotated[
        int,
        typer.Option(min=1, max=32, help="Generations run at once, decoded as one batch."),
    ] = 4,
    allow_origin: Annotated[
        list[str] | None,
        typer.Option(help="Another origin that may POST (repeatable), e.g. a proxy's URL."),
    ] = None,
    behind_proxy: Annotated[
        bool,
        typer.Option(help="Take the client address from a local proxy's X-Forwarded-For."),
    ] = False,
) -> None:
    """The web app: generate, compare, rate, edit and download diagrams in a browser."""
    try:
        import uvicorn

        from diagramgen.web import WebSettings, create_app
    except ImportError:
        raise fail("the web app needs its extra: pip install 'diagramgen[web]'", 2) from None
    if recommend > count:
        raise fail("--recommend cannot be larger than --count", 2)
    settings = WebSettings(
        db=db,
        backend=backend,
        count=count,
        recommend=recommend,
        queue_limit=queue_limit,
        batch=batch,
        allowed_origins=tuple(o.rstrip("/").lower() for o in allow_origin or ()),
    )
    typer.echo(f"diagramgen web app on http://{host}:{port}")
    # Without --behind-proxy a forwarded-for header is ignored: the per-address limits count
    # the address that connected, which a client cannot make up.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=behind_proxy,
        server_header=False,
    )
