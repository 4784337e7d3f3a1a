"""What keeps the web app up under load and abuse: rate limits counted per browser session and
per client address together (a made-up cookie is a new session, never a new address), the
Origin check on state-changing requests, and the security headers on every response."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.responses import PlainTextResponse

# Scripts and styles come only from /static: no inline code a crafted label could inject into.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


class Limited(Exception):
    """A request refused for now: answered 429 with Retry-After and the message on the page."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = max(1, math.ceil(retry_after))


class RateLimiter:
    """Events per key in a sliding `window` of seconds, each key with its own limit (in memory,
    per process)."""

    def __init__(self, window: float = 60.0) -> None:
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, *limits: tuple[str, int]) -> float:
        """0 when every (key, limit) may have another event now (then counted for each key),
        else the seconds until all may."""
        now = time.monotonic()
        with self._lock:
            queues = [(self._recent(key, now), limit) for key, limit in limits]
            full = [q[0] + self.window - now for q, limit in queues if len(q) >= limit]
            if full:
                return max(max(full), 0.001)
            for queue, _ in queues:
                queue.append(now)
            return 0.0

    def _recent(self, key: str, now: float) -> deque[float]:
        if len(self._events) > 100_000:  # forget idle keys rather than grow without bound
            self._events = {
                k: q for k, q in self._events.items() if q and now - q[-1] < self.window
            }
        events = self._events.setdefault(key, deque())
        while events and now - events[0] > self.window:
            events.popleft()
        return events


class ClientLimit:
    """A limit a minute per session and a looser one per client address, charged together."""

    def __init__(self, what: str, per_session: int, per_address: int) -> None:
        self.what = what
        self.per_session, self.per_address = per_session, per_address
        self._events = RateLimiter()

    def charge(self, user: str, address: str) -> None:
        """Count one event for this session and address, or raise Limited."""
        wait = self._events.wait(
            (f"session:{user}", self.per_session), (f"address:{address}", self.per_address)
        )
        if wait > 0:
            raise Limited(f"too many {self.what}: try again in {math.ceil(wait)} s", wait)


def client_address(request: Request) -> str:
    """The address the request came from (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def foreign_origin(request: Request, allowed: tuple[str, ...] = ()) -> str | None:
    """The Origin (or, without one, the Referer's origin) of a request from another site, or
    None when it is this site's own or absent (browsers send Origin on every cross-site POST)."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return None
    parts = urlsplit(source)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    host = request.headers.get("host", "").lower()
    if parts.netloc.lower() == host or origin in allowed:
        return None
    return origin


def guard_middleware(
    allowed_origins: tuple[str, ...] = (),
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """An HTTP middleware: 403 for a state-changing request from another site; the security
    headers on every response."""

    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.method in STATE_CHANGING and foreign_origin(request, allowed_origins):
            response: Response = PlainTextResponse(
                "forbidden: this request came from another site", status_code=403
            )
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return guard
