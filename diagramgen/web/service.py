"""What the web app's pages stand on: its settings, the diagrams as cards, the service that
generates, keeps and finds them on the CLI's store, and the browser session's user."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import HTTPException, Request, Response
from fastapi.templating import Jinja2Templates

from diagramgen.diagram import Diagram
from diagramgen.llm import Backend, BackendConfig
from diagramgen.personal.ratings import diagram_file, keep_diagram
from diagramgen.personal.store import Ranking, Store, StoredDiagram
from diagramgen.request import RequestError
from diagramgen.web.guard import ClientLimit, client_address
from diagramgen.web.jobs import Job, JobQueue

HERE = Path(__file__).parent
COOKIE = "diagramgen_session"


@dataclass
class WebSettings:
    """How the web app runs; the defaults serve one machine's users from the CLI's store."""

    db: Path | None = None
    """SQLite file (default: the CLI's, so ratings are shared)."""
    files: Path | None = None
    """Where rendered SVG/PNG files go (default: beside the database)."""
    backend: str = "embedded"
    count: int = 5
    recommend: int = 3
    weight: float = 0.5
    generations_per_minute: int = 6
    """Per browser session; a client address gets `per_address` times as many."""
    edits_per_minute: int = 30
    ratings_per_minute: int = 120
    per_address: int = 5
    """How many sessions' worth of requests one client address may send (a NAT, an office)."""
    queue_limit: int = 16
    """Generation jobs waiting or running at once; beyond it a request gets 429."""
    batch: int = 4
    """Generation jobs run at once, their decoding shared in one batch (local models)."""
    allowed_origins: tuple[str, ...] = ()
    """Other origins that may POST (e.g. 'https://diagrams.example.org' behind a proxy)."""
    backend_instance: Backend | None = field(default=None, repr=False)
    """A ready backend (tests and embedding apps); otherwise loaded on first use."""

    def __post_init__(self) -> None:
        if not 1 <= self.recommend <= self.count:
            raise ValueError(f"recommend must be 1 to count ({self.count}), not {self.recommend}")
        limits = (self.generations_per_minute, self.edits_per_minute, self.ratings_per_minute)
        if min(*limits, self.per_address, self.queue_limit, self.batch) < 1:
            raise ValueError("every limit, the queue bound and the batch must be at least 1")


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
    parts: dict[str, float] = field(default_factory=dict)  # what each readability part cost
    fidelity: dict[str, float] = field(default_factory=dict)  # agreement with the request


class DiagramService:
    """Generation, rendering and ratings for the web app, on the CLI's store."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.store = Store(settings.db)
        self.files = settings.files or self.store.path.parent / "web-diagrams"
        self.files.mkdir(parents=True, exist_ok=True)
        given = settings.backend_instance
        self._backend = None if given is None else self._batched(given)
        self._backend_lock = threading.Lock()

    def backend(self) -> Backend:
        """The model, loaded on first use (one load however many requests wait for it)."""
        with self._backend_lock:
            if self._backend is None:
                self._backend = self._batched(BackendConfig(self.settings.backend).load())
            return self._backend

    def use_backend(self, backend: Backend) -> None:
        """Serve with a model already loaded elsewhere (an embedding app, a test session)."""
        with self._backend_lock:
            self._backend = self._batched(backend)

    def _batched(self, backend: Backend) -> Backend:
        """A local model decodes concurrent jobs together; a server batches on its own."""
        if self.settings.batch < 2 or not hasattr(backend, "generate_batch"):
            return backend
        from diagramgen.llm.batching import BatchingBackend

        return BatchingBackend(backend, max_requests=self.settings.batch)

    def file(self, diagram_id: int, suffix: str) -> Path:
        """Where a kept diagram's SVG or PNG is."""
        return diagram_file(self.files, diagram_id, suffix)

    def keep(
        self, owner: str, request: str, text: str, diagram: Diagram, ranking: Ranking | None = None
    ) -> int:
        """Store a drawn diagram for its owner, with its files; returns its id."""
        return keep_diagram(self.store, self.files, owner, request, text, diagram, ranking=ranking)

    def generate(self, job: Job) -> list[int]:
        """Run one generation job; the ids of the diagrams kept, best first."""
        from diagramgen.pipeline import generate

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
        return [
            keep_diagram(
                self.store,
                self.files,
                job.owner,
                job.request,
                c.text,
                c.diagram,
                c.latent,
                Ranking(c.rank, c.recommended, dict(c.scores), dict(c.parts), c.fidelity.as_dict()),
            )
            for c in result.candidates
        ]

    def card(self, stored: StoredDiagram, ratings: dict[int, float]) -> Card:
        """A stored diagram as a page shows it, with this user's rating of it."""
        made = stored.ranking
        return Card(
            stored.id,
            stored.request,
            stored.text,
            made.rank if made else None,
            made.recommended if made else False,
            dict(made.scores) if made else {},
            ratings.get(stored.id),
            dict(made.parts) if made else {},
            dict(made.fidelity) if made else {},
        )

    def ratings(self, user: str) -> dict[int, float]:
        """This user's latest rating of each diagram they rated."""
        return {r.diagram_id: r.score for r in self.store.ratings(user)}

    def owned(self, diagram_id: int, user: str) -> StoredDiagram:
        """The diagram if it belongs to this user; 404 otherwise (never another's)."""
        if not 0 < diagram_id < 2**63:  # beyond SQLite's integers: no such diagram either
            raise HTTPException(404, "no such diagram")
        stored = self.store.diagram(diagram_id)
        if stored is None or stored.owner != user:
            raise HTTPException(404, "no such diagram")
        return stored


@dataclass
class WebApp:
    """Everything a route needs, kept on the app's state."""

    service: DiagramService
    jobs: JobQueue
    generation_limit: ClientLimit
    edit_limit: ClientLimit
    rating_limit: ClientLimit
    templates: Jinja2Templates

    @classmethod
    def create(cls, settings: WebSettings, templates: Jinja2Templates) -> WebApp:
        """The service, its bounded job queue and the limits the settings ask for."""
        service = DiagramService(settings)

        def limit(what: str, per_minute: int) -> ClientLimit:
            return ClientLimit(what, per_minute, per_minute * settings.per_address)

        return cls(
            service,
            JobQueue(service.generate, limit=settings.queue_limit, workers=settings.batch),
            limit("requests", settings.generations_per_minute),
            limit("edits", settings.edits_per_minute),
            limit("ratings", settings.ratings_per_minute),
            templates,
        )

    def charge(self, limit: ClientLimit, request: Request, user: str) -> None:
        """Count one event against this session's and address's limit (Limited if over)."""
        limit.charge(user, client_address(request))

    def page(self, request: Request, name: str, status: int = 200, **context: object) -> Response:
        """A rendered template, with the session cookie set when it is new."""
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        return _with_cookie(request, response)


def web_app(request: Request) -> WebApp:
    """The WebApp of the app serving this request."""
    found = request.app.state.web
    assert isinstance(found, WebApp)
    return found


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
