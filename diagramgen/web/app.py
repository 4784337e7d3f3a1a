"""The web app: request box, candidates side by side with scores, rating, editing, downloads,
history. Server-rendered pages with HTMX (vendored); one user per browser session.

Nothing a user sends is executed or used as a path: files are named by database ids, and every
diagram is looked up together with its owner.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from diagramgen.web import diagrams, generation, pages
from diagramgen.web.jobs import JobQueue, RateLimiter
from diagramgen.web.service import HERE, DiagramService, WebApp, WebSettings


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The FastAPI app with its service, job queue, rate limits and routes."""
    settings = settings or WebSettings()
    service = DiagramService(settings)
    web = WebApp(
        service,
        JobQueue(service.generate),
        RateLimiter(settings.generations_per_minute),
        RateLimiter(settings.ratings_per_minute),
        Jinja2Templates(directory=HERE / "templates"),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        web.jobs.shutdown()

    app = FastAPI(title="diagramgen", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.web = web
    app.state.service = service
    for module in (pages, generation, diagrams):
        app.include_router(module.router)
    return app
