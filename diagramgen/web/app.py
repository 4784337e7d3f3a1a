"""The web app: request box, candidates side by side with scores, rating, editing, downloads,
history. Server-rendered pages with HTMX (vendored); one user per browser session.

Nothing a user sends is executed or used as a path: files are named by database ids, and every
diagram is looked up together with its owner.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from diagramgen.web import diagrams, generation, pages
from diagramgen.web.guard import Limited, guard_middleware
from diagramgen.web.service import HERE, WebApp, WebSettings


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The FastAPI app with its service, job queue, limits, guard and routes."""
    settings = settings or WebSettings()
    web = WebApp.create(settings, Jinja2Templates(directory=HERE / "templates"))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        web.jobs.shutdown()

    # No /docs, /redoc or /openapi.json: the app's routes are for its own pages only.
    app = FastAPI(
        title="diagramgen", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.middleware("http")(guard_middleware(settings.allowed_origins))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.web = web
    app.state.service = web.service

    @app.exception_handler(Limited)
    async def limited(request: Request, exc: Limited) -> Response:
        response = web.page(request, "_error.html", status=429, message=str(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    for module in (pages, generation, diagrams):
        app.include_router(module.router)
    return app
