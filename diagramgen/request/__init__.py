"""Stage 1, the request: what the user asked for, checked and read before any model runs.

In: the user's words. Out: a checked request string (or a refusal), and what it asks for,
read without a model (`RequestSpec`: the kind, a net's layers with their options, a flow's
step words, decisions and loops). Imports only the core modules (diagram, vocabulary, limits).
"""

from __future__ import annotations

from diagramgen.limits import MAX_REQUEST_CHARS
from diagramgen.request.spec import RequestSpec, read_request, refusal_for


class RequestError(ValueError):
    """A request that cannot be served (empty, too long): a user-facing error."""


class OutOfScopeError(RequestError):
    """A request for a kind of diagram diagramgen does not draw (a sequence diagram, a pie
    chart …): refused with a message naming what it does draw, never answered with an
    unrelated diagram."""


def check_request(request: str) -> str:
    """The request stripped; RequestError when it is empty or too long, OutOfScopeError
    when it asks for a kind of diagram we do not draw."""
    request = request.strip()
    if not request:
        raise RequestError("the request is empty: describe the diagram you want")
    if len(request) > MAX_REQUEST_CHARS:
        raise RequestError(
            f"the request is {len(request)} characters; the limit is {MAX_REQUEST_CHARS}"
        )
    refusal = refusal_for(request)
    if refusal:
        raise OutOfScopeError(refusal)
    return request


__all__ = [
    "MAX_REQUEST_CHARS",
    "OutOfScopeError",
    "RequestError",
    "RequestSpec",
    "check_request",
    "read_request",
]
