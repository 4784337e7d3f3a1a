"""Request in, ranked diagrams out: sample N texts, keep the valid ones, draw, score, rank.

request -> llm (N samples) -> text -> plan/node list -> layout -> Diagram -> SVG/PNG
        -> scores (readability; the user's taste once the ranking stage has ratings) -> ranking
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from diagramgen.diagram import Diagram
from diagramgen.errors import DiagramTextError
from diagramgen.fidelity import request_fidelity
from diagramgen.llm import Backend, Sampling, cut_at_end, load_backend
from diagramgen.metrics import readability
from diagramgen.render import save
from diagramgen.text import parse_diagram_text

MAX_REQUEST_CHARS = 2000
RETRY_ROUNDS = 2


class RequestError(ValueError):
    """A request that cannot be served (empty, too long): a user-facing error."""


@dataclass
class Candidate:
    text: str
    diagram: Diagram
    scores: dict[str, float | None]
    rank: int = 0
    recommended: bool = False
    fidelity: float = 1.0  # agreement with the request (diagramgen.fidelity); ranks first
    latent: Any = None  # auto-encoder latent, once add_user_scores has computed it
    png: Path | None = None
    svg: Path | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "recommended": self.recommended,
            "text": self.text,
            "png": str(self.png) if self.png else None,
            "svg": str(self.svg) if self.svg else None,
            "structure": self.diagram.structure(),
            "scores": self.scores,
        }


@dataclass
class GenerationResult:
    request: str
    candidates: list[Candidate]
    dropped: list[dict[str, str]] = field(default_factory=list)  # text + reason
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "request": self.request,
            "candidates": [c.as_dict() for c in self.candidates],
            "seconds": self.seconds,
        }


def check_request(request: str) -> str:
    request = request.strip()
    if not request:
        raise RequestError("the request is empty: describe the diagram you want")
    if len(request) > MAX_REQUEST_CHARS:
        raise RequestError(
            f"the request is {len(request)} characters; the limit is {MAX_REQUEST_CHARS}"
        )
    return request


def _candidate(raw: str, request: str) -> Candidate:
    """Raises DiagramTextError when the text cannot become a clean diagram."""
    text = cut_at_end(raw)
    diagram, _ = parse_diagram_text(text)  # a node list keeps the lines it could read
    score = readability(diagram).score
    fidelity = request_fidelity(request, text, diagram.structure())
    return Candidate(
        text, diagram, {"readability": score, "user": None, "final": score}, fidelity=fidelity
    )


Notify = Callable[[str], None]


def sample_candidates(
    backend: Backend, request: str, sampling: Sampling, notify: Notify
) -> tuple[list[Candidate], list[dict[str, str]]]:
    """N valid, distinct candidates where possible; failures are resampled, then dropped
    with their reason."""
    kept: list[Candidate] = []
    dropped: list[dict[str, str]] = []
    seen: set[str] = set()
    wanted = sampling.n
    for round_ in range(RETRY_ROUNDS + 1):
        notify(
            f"sampling {wanted} candidate{'s' if wanted > 1 else ''}"
            + (f" (retry {round_})" if round_ else "")
        )
        raws = backend.generate(
            [request], replace(sampling, n=wanted, seed=sampling.seed + round_)
        )[0]
        for raw in raws:
            text = cut_at_end(raw)
            if text in seen:
                dropped.append({"text": text, "reason": "duplicate of another candidate"})
                continue
            seen.add(text)
            try:
                kept.append(_candidate(raw, request))
            except DiagramTextError as exc:
                dropped.append({"text": text, "reason": str(exc)})
        wanted = sampling.n - len(kept)
        if wanted <= 0:
            break
    return kept[: sampling.n], dropped


def rank_candidates(candidates: list[Candidate], recommend: int) -> list[Candidate]:
    """The candidates most faithful to the request first; among those, best final score
    first; ties broken by readability, then by the text (deterministic)."""
    ordered = sorted(
        candidates,
        key=lambda c: (
            -round(c.fidelity, 2),
            -(c.scores["final"] or 0.0),
            -(c.scores["readability"] or 0.0),
            c.text,
        ),
    )
    for i, c in enumerate(ordered, start=1):
        c.rank, c.recommended = i, i <= recommend
    return ordered


def add_user_scores(
    candidates: list[Candidate], user: str, store: Any, weight: float = 0.5
) -> None:
    """Predicted score for this user (k-NN over their rated diagrams' latents) and the final
    score w * readability + (1 - w) * user; untouched when the user has rated nothing yet."""
    if not candidates:
        return
    import numpy as np

    from diagramgen.scoring import encode, final_score, thumbnail, user_scores

    latents = encode(np.stack([thumbnail(c.diagram) for c in candidates]))
    for i, (c, score) in enumerate(zip(candidates, user_scores(latents, user, store), strict=True)):
        c.latent = None if latents is None else latents[i]
        readable = c.scores["readability"] or 0.0
        c.scores["user"] = None if score is None else round(score, 3)
        c.scores["final"] = round(final_score(readable, score, weight), 3)


def write_outputs(result: GenerationResult, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for c in result.candidates:
        stem = out / f"candidate-{c.rank}"
        stem.with_suffix(".txt").write_text(c.text, encoding="utf-8")
        c.svg, c.png = (
            save(c.diagram, stem.with_suffix(".svg")),
            save(c.diagram, stem.with_suffix(".png")),
        )
    (out / "result.json").write_text(
        json.dumps(result.as_dict(), indent=1, ensure_ascii=False) + "\n"
    )


def generate(
    request: str,
    count: int = 5,
    recommend: int = 3,
    backend: Backend | str = "embedded",
    out: Path | None = None,
    sampling: Sampling | None = None,
    notify: Callable[[str], None] | None = None,
    user: str | None = None,
    store: Any = None,
    weight: float = 0.5,
) -> GenerationResult:
    """The whole pipeline for one request (Python API of `diagramgen generate`)."""
    notify = notify or (lambda _: None)
    started = time.perf_counter()
    request = check_request(request)
    if not 1 <= recommend <= count:
        raise RequestError("recommend must be between 1 and count")
    sampling = replace(sampling or Sampling(), n=count)
    if isinstance(backend, str):
        notify("loading the model")
        backend = load_backend(backend)
    loaded = time.perf_counter()
    candidates, dropped = sample_candidates(backend, request, sampling, notify)
    generated = time.perf_counter()
    notify("drawing and ranking")
    if user is not None:
        add_user_scores(candidates, user, store, weight)
    result = GenerationResult(request, rank_candidates(candidates, recommend), dropped)
    if out is not None:
        write_outputs(result, out)
    result.seconds = {
        "load": round(loaded - started, 3),
        "generate": round(generated - loaded, 3),
        "total": round(time.perf_counter() - started, 3),
    }
    if out is not None:
        (out / "result.json").write_text(
            json.dumps(result.as_dict(), indent=1, ensure_ascii=False) + "\n"
        )
    return result
