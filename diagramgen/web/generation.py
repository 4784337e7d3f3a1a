"""Generation from the browser: a request starts a job; the page polls it until its diagrams
are ready."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from diagramgen.request import RequestError, check_request
from diagramgen.web.guard import Limited
from diagramgen.web.service import session_user, web_app

router = APIRouter()


@router.post("/generate", response_class=HTMLResponse)
async def start(request: Request, text: Annotated[str, Form(alias="request")] = "") -> Response:
    """Queue a generation for this user (one at a time, a few a minute)."""
    web = web_app(request)
    user = session_user(request)
    try:
        wanted = check_request(text)
    except RequestError as exc:
        return web.page(request, "_error.html", message=str(exc))
    if web.jobs.pending(user) >= 1:
        raise Limited("your last request is still running", 10)
    web.charge(web.generation_limit, request, user)
    return web.page(request, "_job.html", job=web.jobs.submit(user, wanted))


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_status(request: Request, job_id: str) -> Response:
    """A job's stage while it runs; its candidates, or its error, once done."""
    web = web_app(request)
    user = session_user(request)
    job = web.jobs.get(job_id, user)
    if job is None:
        raise HTTPException(404, "no such job")
    if not job.done:
        return web.page(request, "_job.html", job=job)
    if job.error:
        return web.page(request, "_error.html", message=job.error)
    ratings = web.service.ratings(user)
    cards = [web.service.card(web.service.owned(i, user), ratings) for i in job.diagram_ids]
    return web.page(request, "_candidates.html", cards=cards, request_text=job.request)
