"""One diagram at a time: rate it, download it, edit its text. Only its owner may."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from diagramgen.errors import DiagramTextError
from diagramgen.layout import parse_diagram_text
from diagramgen.limits import MAX_EDITOR_CHARS
from diagramgen.render.export import WRITERS
from diagramgen.web.service import session_user, web_app

router = APIRouter()
MEDIA = {"svg": "image/svg+xml", "png": "image/png"}
EDITOR_FILES = {  # suffix -> (export format, media type)
    "mmd": ("mermaid", "text/plain"),
    "dot": ("dot", "text/vnd.graphviz"),
    "drawio": ("drawio", "application/xml"),
    "tex": ("tikz", "application/x-tex"),
}


@router.post("/diagrams/{diagram_id}/rate", response_class=HTMLResponse)
def rate(request: Request, diagram_id: int, score: Annotated[float, Form()]) -> Response:
    """Rate a diagram 0-5; this user's next rankings learn from it."""
    web = web_app(request)
    user = session_user(request)
    stored = web.service.owned(diagram_id, user)
    if not 0 <= score <= 5:
        raise HTTPException(422, "a rating is between 0 and 5")
    web.charge(web.rating_limit, request, user)
    web.service.store.rate(user, stored.id, score)
    return web.page(request, "_rating.html", card=web.service.card(stored, {stored.id: score}))


@router.get("/diagrams/{diagram_id}.{suffix}")
def download(request: Request, diagram_id: int, suffix: str) -> Response:
    """The diagram's SVG or PNG file."""
    web = web_app(request)
    if suffix in EDITOR_FILES:
        return _editor_file(request, diagram_id, suffix)
    if suffix not in MEDIA:
        raise HTTPException(404, "SVG, PNG, Mermaid, DOT, draw.io or TikZ only")
    stored = web.service.owned(diagram_id, session_user(request))
    path = web.service.file(stored.id, suffix)
    if not path.is_file():
        raise HTTPException(404, "the file is gone")
    return FileResponse(path, media_type=MEDIA[suffix], filename=f"diagram-{stored.id}.{suffix}")


def _editor_file(request: Request, diagram_id: int, suffix: str) -> Response:
    """The diagram for another editor, drawn again from its stored text."""
    stored = web_app(request).service.owned(diagram_id, session_user(request))
    fmt, media = EDITOR_FILES[suffix]
    try:
        diagram, _ = parse_diagram_text(stored.text)
    except DiagramTextError:
        raise HTTPException(404, "this diagram's text no longer parses") from None
    name = f"diagram-{stored.id}.{suffix}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(WRITERS[fmt](diagram), media_type=media, headers=headers)


@router.get("/diagrams/{diagram_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, diagram_id: int) -> Response:
    """The editor with the diagram's text."""
    web = web_app(request)
    stored = web.service.owned(diagram_id, session_user(request))
    return web.page(request, "_editor.html", card=stored, text=stored.text, error=None)


@router.post("/diagrams/{diagram_id}/edit", response_class=HTMLResponse)
def edit(request: Request, diagram_id: int, text: Annotated[str, Form()] = "") -> Response:
    """Draw an edited text as a new diagram; a bad text comes back as typed, with the error."""
    web = web_app(request)
    user = session_user(request)
    stored = web.service.owned(diagram_id, user)
    web.charge(web.edit_limit, request, user)
    if len(text) > MAX_EDITOR_CHARS:
        error = f"the text is {len(text)} characters; the limit is {MAX_EDITOR_CHARS}"
        return web.page(request, "_editor.html", card=stored, text=text, error=error)
    try:
        diagram, _ = parse_diagram_text(text)
    except DiagramTextError as exc:
        return web.page(request, "_editor.html", card=stored, text=text, error=str(exc))
    new_id = web.service.keep(user, stored.request, text, diagram)
    card = web.service.card(web.service.owned(new_id, user), {})
    return web.page(request, "_card.html", card=card, edited_from=stored.id)
