"""Generation jobs for the web app: one model, one worker, progress a page can poll.

The model is loaded once, in the worker thread; requests queue behind each other (a CPU runs
one generation well, not several at once). Each job belongs to the session that asked for it.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field


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
    """Runs `work(job)` for each submitted job on one worker thread."""

    def __init__(self, work: Callable[[Job], list[int]], keep: int = 500) -> None:
        self._work = work
        self._jobs: dict[str, Job] = {}
        self._order: deque[str] = deque()
        self._keep = keep
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="diagramgen-job")

    def submit(self, owner: str, request: str) -> Job:
        """Queue a job for this owner and return it (the oldest beyond `keep` are forgotten)."""
        job = Job(secrets.token_urlsafe(12), owner, request)
        with self._lock:
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

    def _run(self, job: Job) -> None:
        try:
            job.diagram_ids = self._work(job)
        except Exception as exc:  # shown to the user; the server keeps serving
            job.error = _user_message(exc)
        finally:
            job.done = True

    def shutdown(self) -> None:
        """Stop the worker, cancelling jobs not yet started."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def _user_message(exc: Exception) -> str:
    from diagramgen.llm import BackendError
    from diagramgen.request import RequestError

    if isinstance(exc, RequestError | BackendError | ValueError):
        return str(exc)
    return f"generation failed ({type(exc).__name__}); try again or rephrase the request"


class RateLimiter:
    """At most `limit` events per `window` seconds for each key (in memory, per process)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Whether `key` may have another event now (counted if so)."""
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] > self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True
