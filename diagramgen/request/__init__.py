"""Stage 1, the request: what the user asked for, checked and read before any model runs.

In: the user's words. Out: a checked request string, and what it states that a diagram must
keep (`reading`). Imports only the core modules (diagram, vocabulary, limits).
"""

from __future__ import annotations

from diagramgen.limits import MAX_REQUEST_CHARS
from diagramgen.request.reading import mentioned_layers, mentioned_windows


class RequestError(ValueError):
    """A request that cannot be served (empty, too long): a user-facing error."""


def check_request(request: str) -> str:
    """The request stripped; RequestError when it is empty or too long."""
    request = request.strip()
    if not request:
        raise RequestError("the request is empty: describe the diagram you want")
    if len(request) > MAX_REQUEST_CHARS:
        raise RequestError(
            f"the request is {len(request)} characters; the limit is {MAX_REQUEST_CHARS}"
        )
    return request


__all__ = [
    "MAX_REQUEST_CHARS",
    "RequestError",
    "check_request",
    "mentioned_layers",
    "mentioned_windows",
]
