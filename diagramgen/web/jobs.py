"""Generation jobs for the web app: one model, a few workers, progress a page can poll.

The model is loaded once. `workers` jobs run at once, so their decoding can share one batch
(`llm.batching`); the rest queue behind them. Each job belongs to the session that asked for it.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from diagramgen.web.guard import Limited


@dataclass
class Job:
    """One generation request of a user, with its progress and the diagrams it made."""

    id: str
    owner: str
    request: str
    stage: str = "waiting for the model"
    done: bool = False
    error: str | None = None
    diagram_ids: list[int] = field(default_factory=list)
    started: float = field(default_factory=time.time)


class JobQueue:
    """Runs `work(job)` for each submitted job on `workers` worker threads."""

    def __init__(
        self,
        work: Callable[[Job], list[int]],
        limit: int = 16,
        keep: int = 500,
        workers: int = 1,
    ) -> None:
        self._work = work
        self.limit = limit
        self.peak = 0  # the most jobs ever waiting or running at once
        self._seconds = 30.0  # a running mean of how long a job takes
        self._jobs: dict[str, Job] = {}
        self._order: deque[str] = deque()
        self._keep = keep
        self._lock = threading.Lock()
        self.workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="diagramgen-job")

    def submit(self, owner: str, request: str) -> Job:
        """Queue a job for this owner and return it (the oldest beyond `keep` are forgotten);
        Limited when `limit` jobs are already waiting or running."""
        job = Job(secrets.token_urlsafe(12), owner, request)
        with self._lock:
            unfinished = self._unfinished()
            if unfinished >= self.limit:
                wait = self._seconds * (unfinished - self.limit + 1) / self.workers
                raise Limited("the server is busy: try again in a minute", min(wait, 600))
            self.peak = max(self.peak, unfinished + 1)
            self._jobs[job.id] = job
            self._order.append(job.id)
            while len(self._order) > self._keep:
                self._jobs.pop(self._order.popleft(), None)
        self._pool.submit(self._run, job)
        return job

    def pending(self, owner: str) -> int:
        """How many of this owner's jobs have not finished."""
        with self._lock:
            return sum(j.owner == owner and not j.done for j in self._jobs.values())

    def get(self, job_id: str, owner: str) -> Job | None:
        """The job, if it exists and belongs to this owner."""
        job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def unfinished(self) -> int:
        """How many jobs are waiting or running."""
        with self._lock:
            return self._unfinished()

    def _unfinished(self) -> int:  # the caller holds the lock
        return sum(not j.done for j in self._jobs.values())

    def _run(self, job: Job) -> None:
        start = time.monotonic()
        try:
            job.diagram_ids = self._work(job)
        except Exception as exc:  # shown to the user; the server keeps serving
            job.error = _user_message(exc)
        finally:
            job.done = True
            self._seconds = 0.8 * self._seconds + 0.2 * (time.monotonic() - start)

    def shutdown(self) -> None:
        """Stop the workers, cancelling jobs not yet started."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def _user_message(exc: Exception) -> str:
    from diagramgen.llm import BackendError
    from diagramgen.request import RequestError

    if isinstance(exc, RequestError | BackendError | ValueError):
        return str(exc)
    return f"generation failed ({type(exc).__name__}); try again or rephrase the request"
