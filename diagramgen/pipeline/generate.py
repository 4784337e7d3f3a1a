"""Request in, ranked diagrams out: sample N texts, keep the valid ones, draw, score, rank.

request -> llm (N samples) -> text -> plan/node list -> layout -> Diagram -> SVG/PNG
        -> scores (readability; the user's taste once the ranking stage has ratings) -> ranking
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from diagramgen.diagram import Diagram
from diagramgen.errors import DiagramTextError
from diagramgen.layout import parse_diagram_text
from diagramgen.llm import MAX_SAMPLES, Backend, BackendConfig, Sampling, cut_at_end
from diagramgen.personal.store import Store
from diagramgen.quality.fidelity import (
    Fidelity,
    add_consensus,
    request_fidelity,
    structure_signature,
)
from diagramgen.quality.metrics import readability
from diagramgen.render import save
from diagramgen.render.export import export
from diagramgen.request import RequestError, RequestSpec, check_request, read_request

RETRY_ROUNDS = 2
# Extra rows in the first round: a decoding step costs about the same for 8 rows as for 5 (the
# weights are read once per step either way, docs/BENCHMARKS.md), while a second round for
# repeats costs a whole decode again; the extra samples also vote (self-consistency).
OVERSAMPLE = 3
DUPLICATE = "the same drawing as another candidate"  # a drop reason: resampled, not a failure
SURPLUS = "a drawing sampled less often than the kept ones"  # beyond N: not a failure either
NOT_FAILURES = (DUPLICATE, SURPLUS)


@dataclass
class Candidate:
    """One sampled answer: its text, diagram and scores, with its rank and rendered files."""

    text: str
    diagram: Diagram
    scores: dict[str, float | None]
    rank: int = 0
    recommended: bool = False
    fidelity: Fidelity = field(default_factory=Fidelity)  # agreement with the request; ranks first
    votes: int = 1  # samples that drew this same text (self-consistency)
    latent: np.ndarray | None = None  # auto-encoder latent, once add_user_scores computed it
    parts: dict[str, float] = field(default_factory=dict)  # what each readability part cost
    png: Path | None = None
    svg: Path | None = None

    def as_dict(self) -> dict[str, Any]:
        """The candidate as result.json states it."""
        return {
            "rank": self.rank,
            "recommended": self.recommended,
            "text": self.text,
            "png": str(self.png) if self.png else None,
            "svg": str(self.svg) if self.svg else None,
            "structure": self.diagram.structure(),
            "scores": self.scores,
            "fidelity": self.fidelity.as_dict(),
            "readability_parts": self.parts,
        }


@dataclass
class GenerationResult:
    """What one request gave: the ranked candidates, the dropped answers and the timings."""

    request: str
    candidates: list[Candidate]
    dropped: list[dict[str, str]] = field(default_factory=list)  # text + reason
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The result as result.json states it."""
        return {
            "request": self.request,
            "candidates": [c.as_dict() for c in self.candidates],
            "seconds": self.seconds,
        }


def _candidate(raw: str, spec: RequestSpec) -> Candidate:
    """Raises DiagramTextError when the text cannot become a clean diagram."""
    text = cut_at_end(raw)
    diagram, _ = parse_diagram_text(text)  # a node list keeps the lines it could read
    measured = readability(diagram)
    score = measured.score
    fidelity = request_fidelity(spec, text, diagram.structure())
    scores: dict[str, float | None] = {"readability": score, "user": None, "final": score}
    return Candidate(text, diagram, scores, fidelity=fidelity, parts=measured.penalties)


Notify = Callable[[str], None]


def _drawing(text: str, held: bool) -> str:
    """What makes two answers one candidate: the plan without its header line, so answers that
    differ only in style are one; for a plan held to the request, whose body is fixed, the
    whole text, so the candidates offer its styles (orientation, palette) to choose from."""
    if held or "\n" not in text:
        return text
    return text.split("\n", 1)[1]


def sample_candidates(
    backend: Backend,
    spec: RequestSpec,
    sampling: Sampling,
    notify: Notify,
    seconds: dict[str, float] | None = None,
) -> tuple[list[Candidate], list[dict[str, str]]]:
    """N valid candidates that differ in what they draw, where possible: the first round samples
    OVERSAMPLE more than N and the N drawings sampled most often are kept. Texts that fail are
    resampled (at most RETRY_ROUNDS more decoding rounds); repeats of a drawing count as votes
    for it and, when fewer than N drawings differ, are resampled once, a little hotter (not for
    a plan held to the request, whose body is fixed); what is still missing is dropped with its
    reason. `seconds` gets the time spent decoding and drawing (layout, readability,
    fidelity), and `rounds` the rounds."""
    seconds = {} if seconds is None else seconds
    for stage in ("decode", "draw", "rounds"):
        seconds.setdefault(stage, 0)
    kept: dict[str, Candidate] = {}
    dropped: list[dict[str, str]] = []
    wanted, temperature = sampling.n, sampling.temperature
    if not spec.certain:
        wanted = min(MAX_SAMPLES, wanted + OVERSAMPLE)
    for round_ in range(RETRY_ROUNDS + 1):
        notify(
            f"sampling {wanted} candidate{'s' if wanted > 1 else ''}"
            + (f" (retry {round_})" if round_ else "")
        )
        settings = replace(sampling, n=wanted, seed=sampling.seed + round_, temperature=temperature)
        failed = repeated = 0
        started = time.perf_counter()
        answers = backend.generate([spec.request], settings)[0]
        decoded = time.perf_counter()
        seconds["decode"] += decoded - started
        seconds["rounds"] += 1
        for raw in answers:
            text = cut_at_end(raw)
            drawing = _drawing(text, spec.certain)
            if drawing in kept:
                kept[drawing].votes += 1
                dropped.append({"text": text, "reason": DUPLICATE})
                repeated += 1
                continue
            try:
                kept[drawing] = _candidate(raw, spec)
            except DiagramTextError as exc:
                dropped.append({"text": text, "reason": str(exc)})
                failed += 1
        seconds["draw"] += time.perf_counter() - decoded
        wanted = sampling.n - len(kept)
        # a plan held to the request has one body by design: its repeats are not resampled
        resample_repeats = repeated and round_ == 0 and not spec.certain
        if wanted <= 0 or not (failed or resample_repeats):
            break
        temperature = min(2.0, temperature + 0.2) if repeated else temperature
    by_votes = sorted(kept.values(), key=lambda c: -c.votes)  # stable: sample order on ties
    dropped += [{"text": c.text, "reason": SURPLUS} for c in by_votes[sampling.n :]]
    return by_votes[: sampling.n], dropped


def rank_candidates(candidates: list[Candidate], recommend: int) -> list[Candidate]:
    """The candidates most faithful to the request first (recall and precision, then the
    structure, then agreement among candidates; `Fidelity.rank_key`); among those, best final
    score first; ties broken by readability, then by the text (deterministic)."""
    signatures = [structure_signature(c.diagram.structure()) for c in candidates]
    add_consensus([c.fidelity for c in candidates], signatures, [c.votes for c in candidates])
    ordered = sorted(
        candidates,
        key=lambda c: (
            *(-x for x in c.fidelity.rank_key()),
            -(c.scores["final"] or 0.0),
            -(c.scores["readability"] or 0.0),
            c.text,
        ),
    )
    for i, c in enumerate(ordered, start=1):
        c.rank, c.recommended = i, i <= recommend
    return ordered


def add_user_scores(
    candidates: list[Candidate], user: str, store: Store | None, weight: float = 0.5
) -> None:
    """Predicted score for this user (k-NN over their rated diagrams' latents) and the final
    score w * readability + (1 - w) * user; untouched when the user has rated nothing yet."""
    if not candidates:
        return
    from diagramgen.personal.autoencoder import diagram_latents
    from diagramgen.personal.knn import final_score, user_scores

    latents = diagram_latents([c.diagram for c in candidates])
    found = [z for z in latents if z is not None]
    predicted = user_scores(np.stack(found) if found else None, user, store)
    for c, latent, score in zip(
        candidates, latents, predicted or [None] * len(latents), strict=True
    ):
        c.latent = latent
        readable = c.scores["readability"] or 0.0
        c.scores["user"] = None if score is None else round(score, 3)
        c.scores["final"] = round(final_score(readable, score, weight), 3)


def write_candidates(result: GenerationResult, out: Path, exports: Sequence[str] = ()) -> None:
    """Each candidate's text, SVG and PNG in `out`, named by rank, and any editor `exports`
    (mermaid, dot, drawio, tikz) beside them."""
    out.mkdir(parents=True, exist_ok=True)
    for c in result.candidates:
        stem = out / f"candidate-{c.rank}"
        stem.with_suffix(".txt").write_text(c.text, encoding="utf-8")
        c.svg = save(c.diagram, stem.with_suffix(".svg"))
        c.png = save(c.diagram, stem.with_suffix(".png"))
        for fmt in exports:
            export(c.diagram, fmt, stem)


def write_result(result: GenerationResult, out: Path) -> Path:
    """result.json: the request, every candidate's rank, files, structure and scores, timings."""
    path = out / "result.json"
    path.write_text(json.dumps(result.as_dict(), indent=1, ensure_ascii=False) + "\n")
    return path


def _backend(backend: Backend | BackendConfig | str) -> Backend:
    if isinstance(backend, str):
        return BackendConfig(backend).load()
    if isinstance(backend, BackendConfig):
        return backend.load()
    return backend


def generate(
    request: str,
    count: int = 5,
    recommend: int = 3,
    backend: Backend | BackendConfig | str = "embedded",
    out: Path | None = None,
    sampling: Sampling | None = None,
    notify: Notify | None = None,
    user: str | None = None,
    store: Store | None = None,
    weight: float = 0.5,
    exports: Sequence[str] = (),
) -> GenerationResult:
    """The whole pipeline for one request (Python API of `diagramgen generate`): load the model
    unless given one, sample, draw, score and rank; with `out`, write every candidate's files
    and result.json (with the time each stage took)."""
    notify = notify or (lambda _: None)
    clock = [time.perf_counter()]

    def lap() -> float:
        clock.append(time.perf_counter())
        return round(clock[-1] - clock[-2], 3)

    request = check_request(request)  # refuses kinds we do not draw (OutOfScopeError)
    spec = read_request(request)
    if not 1 <= recommend <= count:
        raise RequestError("recommend must be between 1 and count")
    sampling = replace(sampling or Sampling(), n=count)
    if isinstance(backend, str | BackendConfig):
        notify("loading the model")
    model = _backend(backend)
    seconds = {"load": lap()}
    candidates, dropped = sample_candidates(model, spec, sampling, notify, seconds)
    lap()
    seconds = {k: round(v, 3) for k, v in seconds.items()}  # "rounds" counts decoding rounds
    notify("drawing and ranking")
    if user is not None:
        add_user_scores(candidates, user, store, weight)
    result = GenerationResult(request, rank_candidates(candidates, recommend), dropped, seconds)
    seconds["rank"] = lap()
    if out is not None:
        write_candidates(result, out, exports)
        seconds["write"] = lap()
    seconds["total"] = round(clock[-1] - clock[0], 3)
    if out is not None:
        write_result(result, out)
    return result
