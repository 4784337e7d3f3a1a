"""The web app: request box, candidates side by side with scores, rating, editing, downloads,
history. Server-rendered pages with HTMX (vendored); one user per browser session.

Nothing a user sends is executed or used as a path: files are named by database ids, and every
diagram is looked up together with its owner.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Form, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from diagramgen.diagram import Diagram
from diagramgen.errors import DiagramTextError
from diagramgen.generate import MAX_REQUEST_CHARS, RequestError, check_request
from diagramgen.llm import Backend
from diagramgen.store import Ranking, Store, StoredDiagram
from diagramgen.web.jobs import Job, JobQueue, RateLimiter

HERE = Path(__file__).parent
COOKIE = "diagramgen_session"
MAX_TEXT_CHARS = 8000
EXAMPLES = [
    "a neural net with 4 inputs, hidden layers of 6 and 10, 1 output",
    "CNN: 32x32 input, 3x3 conv, 2x2 pool, dense 256, 1 output",
    "RAG flow: question -> embedding -> vector DB -> LLM -> answer",
]


@dataclass
class WebSettings:
    db: Path | None = None
    """SQLite file (default: the CLI's, so ratings are shared)."""
    files: Path | None = None
    """Where rendered SVG/PNG files go (default: beside the database)."""
    backend: str = "embedded"
    count: int = 5
    recommend: int = 3
    weight: float = 0.5
    generations_per_minute: int = 6
    ratings_per_minute: int = 120
    backend_instance: Backend | None = field(default=None, repr=False)
    """A ready backend (tests and embedding apps); otherwise loaded on first use."""


@dataclass
class Card:
    """One diagram as a page shows it."""

    id: int
    request: str
    text: str
    rank: int | None = None
    recommended: bool = False
    scores: dict[str, float | None] = field(default_factory=dict)
    rating: float | None = None


class DiagramService:
    """Generation, rendering and ratings for the web app, on the CLI's store."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.store = Store(settings.db)
        self.files = settings.files or self.store.path.parent / "web-diagrams"
        self.files.mkdir(parents=True, exist_ok=True)
        self._backend = settings.backend_instance
        self._backend_lock = threading.Lock()

    def backend(self) -> Backend:
        with self._backend_lock:
            if self._backend is None:
                from diagramgen.llm import load_backend

                self._backend = load_backend(self.settings.backend)
            return self._backend

    def file(self, diagram_id: int, suffix: str) -> Path:
        return self.files / f"{int(diagram_id)}.{suffix}"

    def keep(
        self,
        owner: str,
        request: str,
        text: str,
        diagram: Diagram,
        latent: Any = None,
        ranking: Ranking | None = None,
    ) -> int:
        """Store a drawn diagram for its owner (with its latent for the k-NN, and its rank when
        it was generated) and its files; the latent is computed here unless the ranking did."""
        import numpy as np

        from diagramgen.render import save
        from diagramgen.scoring import encode, encoder_id, thumbnail

        if latent is None:
            latents = encode(np.stack([thumbnail(diagram)]))
            latent = None if latents is None else latents[0]
        diagram_id = self.store.add_diagram(
            request,
            text,
            None,
            latent,
            owner=owner,
            latent_model=None if latent is None else encoder_id(),
            ranking=ranking,
        )
        save(diagram, self.file(diagram_id, "svg"))
        png = save(diagram, self.file(diagram_id, "png"))
        self.store.set_image(diagram_id, str(png))
        return diagram_id

    def generate(self, job: Job) -> list[int]:
        from diagramgen.generate import generate

        def stage(text: str) -> None:
            job.stage = text

        result = generate(
            job.request,
            count=self.settings.count,
            recommend=self.settings.recommend,
            backend=self.backend(),
            notify=stage,
            user=job.owner,
            store=self.store,
            weight=self.settings.weight,
        )
        if not result.candidates:
            reasons = "; ".join(sorted({d["reason"] for d in result.dropped})[:3])
            raise RequestError(f"no valid diagram came out of this request ({reasons})")
        job.stage = "saving the diagrams"
        ids = []
        for c in result.candidates:
            ranking = Ranking(c.rank, c.recommended, dict(c.scores))
            ids.append(self.keep(job.owner, job.request, c.text, c.diagram, c.latent, ranking))
        return ids

    def card(self, stored: StoredDiagram, ratings: dict[int, float]) -> Card:
        made = stored.ranking
        return Card(
            stored.id,
            stored.request,
            stored.text,
            made.rank if made else None,
            made.recommended if made else False,
            dict(made.scores) if made else {},
            ratings.get(stored.id),
        )

    def ratings(self, user: str) -> dict[int, float]:
        return {r.diagram_id: r.score for r in self.store.ratings(user)}

    def owned(self, diagram_id: int, user: str) -> StoredDiagram:
        """The diagram if it belongs to this user; 404 otherwise (never another's)."""
        stored = self.store.diagram(diagram_id)
        if stored is None or stored.owner != user:
            raise HTTPException(404, "no such diagram")
        return stored


def session_user(request: Request) -> str:
    """The user of this browser session: an opaque random id kept in a cookie."""
    token = request.cookies.get(COOKIE, "")
    if not (token.isalnum() and len(token) == 32):
        token = secrets.token_hex(16)
        request.state.new_token = token
    return f"web-{token}"


def _with_cookie(request: Request, response: Response) -> Response:
    token = getattr(request.state, "new_token", None)
    if token:
        response.set_cookie(COOKIE, token, httponly=True, samesite="lax", max_age=365 * 86400)
    return response


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    service = DiagramService(settings)
    jobs = JobQueue(service.generate)
    generation_limit = RateLimiter(settings.generations_per_minute)
    rating_limit = RateLimiter(settings.ratings_per_minute)
    templates = Jinja2Templates(directory=HERE / "templates")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(title="diagramgen", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.service = service
    app.state.jobs = jobs

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        response = templates.TemplateResponse(request, name, context, status_code=status)
        return _with_cookie(request, response)

    def latest_cards(user: str) -> tuple[str | None, list[Card]]:
        """The user's most recent request and the diagrams made for it."""
        owned = service.store.owned_diagrams(user, limit=50)
        if not owned:
            return None, []
        ratings = service.ratings(user)
        latest = [d for d in owned if d.request == owned[0].request]
        cards = [service.card(d, ratings) for d in reversed(latest)]
        cards.sort(key=lambda c: (c.rank is None, c.rank or 0, c.id))
        return owned[0].request, cards

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        user = session_user(request)
        last, cards = latest_cards(user)
        return page(
            request,
            "index.html",
            examples=EXAMPLES,
            last_request=last,
            cards=cards,
            max_chars=MAX_REQUEST_CHARS,
        )

    @app.post("/generate", response_class=HTMLResponse)
    def start(request: Request, text: Annotated[str, Form(alias="request")] = "") -> Response:
        user = session_user(request)
        try:
            wanted = check_request(text)
        except RequestError as exc:
            return page(request, "_error.html", message=str(exc))
        if jobs.pending(user) >= 1:
            return page(request, "_error.html", message="your last request is still running")
        if not generation_limit.allow(user):
            return page(request, "_error.html", message="too many requests: wait a minute")
        job = jobs.submit(user, wanted)
        return page(request, "_job.html", job=job)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_status(request: Request, job_id: str) -> Response:
        user = session_user(request)
        job = jobs.get(job_id, user)
        if job is None:
            raise HTTPException(404, "no such job")
        if not job.done:
            return page(request, "_job.html", job=job)
        if job.error:
            return page(request, "_error.html", message=job.error)
        ratings = service.ratings(user)
        cards = [service.card(service.owned(i, user), ratings) for i in job.diagram_ids]
        return page(request, "_candidates.html", cards=cards, request_text=job.request)

    @app.post("/diagrams/{diagram_id}/rate", response_class=HTMLResponse)
    def rate(request: Request, diagram_id: int, score: Annotated[float, Form()]) -> Response:
        user = session_user(request)
        stored = service.owned(diagram_id, user)
        if not 0 <= score <= 5:
            raise HTTPException(422, "a rating is between 0 and 5")
        if not rating_limit.allow(user):
            raise HTTPException(429, "too many ratings: wait a minute")
        service.store.rate(user, stored.id, score)
        return page(request, "_rating.html", card=service.card(stored, {stored.id: score}))

    @app.get("/diagrams/{diagram_id}.{suffix}")
    def download(request: Request, diagram_id: int, suffix: str) -> Response:
        user = session_user(request)
        if suffix not in ("svg", "png"):
            raise HTTPException(404, "SVG or PNG only")
        stored = service.owned(diagram_id, user)
        path = service.file(stored.id, suffix)
        if not path.is_file():
            raise HTTPException(404, "the file is gone")
        media = "image/svg+xml" if suffix == "svg" else "image/png"
        return FileResponse(path, media_type=media, filename=f"diagram-{stored.id}.{suffix}")

    @app.get("/diagrams/{diagram_id}/edit", response_class=HTMLResponse)
    def edit_form(request: Request, diagram_id: int) -> Response:
        stored = service.owned(diagram_id, session_user(request))
        return page(request, "_editor.html", card=stored, text=stored.text, error=None)

    @app.post("/diagrams/{diagram_id}/edit", response_class=HTMLResponse)
    def edit(request: Request, diagram_id: int, text: Annotated[str, Form()] = "") -> Response:
        from diagramgen.text import parse_diagram_text

        user = session_user(request)
        stored = service.owned(diagram_id, user)
        error = None
        if len(text) > MAX_TEXT_CHARS:
            error = f"the text is {len(text)} characters; the limit is {MAX_TEXT_CHARS}"
        else:
            try:
                diagram, _ = parse_diagram_text(text)
            except DiagramTextError as exc:
                error = str(exc)
        if error is not None:  # the text comes back as typed: nothing is lost
            return page(request, "_editor.html", card=stored, text=text, error=error)
        new_id = service.keep(user, stored.request, text, diagram)
        card = service.card(service.owned(new_id, user), {})
        return page(request, "_card.html", card=card, edited_from=stored.id)

    @app.get("/history", response_class=HTMLResponse)
    def history(request: Request) -> Response:
        user = session_user(request)
        ratings = service.ratings(user)
        groups: dict[str, list[Card]] = {}
        for d in service.store.owned_diagrams(user):
            groups.setdefault(d.request, []).append(service.card(d, ratings))
        return page(request, "history.html", groups=groups)

    return app
