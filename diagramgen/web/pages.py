"""The pages a browser opens: the request page and the history."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from diagramgen.limits import MAX_REQUEST_CHARS
from diagramgen.web.service import Card, WebApp, session_user, web_app

router = APIRouter()
EXAMPLES = [
    "a neural net with 4 inputs, hidden layers of 6 and 10, 1 output",
    "CNN: 32x32 input, 3x3 conv, 2x2 pool, dense 256, 1 output",
    "RAG flow: question -> embedding -> vector DB -> LLM -> answer",
]


def latest_cards(web: WebApp, user: str) -> tuple[str | None, list[Card]]:
    """The user's most recent request and the diagrams made for it, best ranked first."""
    owned = web.service.store.owned_diagrams(user, limit=50)
    if not owned:
        return None, []
    ratings = web.service.ratings(user)
    latest = [d for d in owned if d.request == owned[0].request]
    cards = [web.service.card(d, ratings) for d in reversed(latest)]
    cards.sort(key=lambda c: (c.rank is None, c.rank or 0, c.id))
    return owned[0].request, cards


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> Response:
    """The request box, examples, and the last request's diagrams."""
    web = web_app(request)
    last, cards = latest_cards(web, session_user(request))
    return web.page(
        request,
        "index.html",
        examples=EXAMPLES,
        last_request=last,
        cards=cards,
        max_chars=MAX_REQUEST_CHARS,
    )


@router.get("/history", response_class=HTMLResponse)
def history(request: Request) -> Response:
    """Every diagram made for this user, grouped by request."""
    web = web_app(request)
    user = session_user(request)
    ratings = web.service.ratings(user)
    groups: dict[str, list[Card]] = {}
    for d in web.service.store.owned_diagrams(user):
        groups.setdefault(d.request, []).append(web.service.card(d, ratings))
    return web.page(request, "history.html", groups=groups)
