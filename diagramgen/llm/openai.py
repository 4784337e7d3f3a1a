"""Any OpenAI-compatible server (vLLM, Ollama, llama.cpp server): how a team serves a bigger
model to many users. With `grammar="vllm"` each request carries the plan grammar (held to the
request's net where the request states one completely), as vLLM's guided decoding reads it.

Requests go through httpx with a timeout; a refused connection, a 429 or a 5xx is retried a few
times with exponential back-off (honouring a short Retry-After); everything else is one line."""

from __future__ import annotations

import time
from typing import Any

import httpx

from diagramgen.llm import BackendError, Mode, Sampling
from diagramgen.llm.grammar import plan_grammar, request_plan
from diagramgen.llm.prompt import messages

RETRY_STATUS = {429, 500, 502, 503, 504}


class OpenAIBackend:
    """A backend that asks an OpenAI-compatible server's chat completions endpoint."""

    def __init__(
        self,
        base_url: str,
        model: str = "default",
        mode: Mode = "plan",
        timeout: float = 120.0,
        api_key: str | None = None,
        grammar: str | None = None,
        retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise BackendError(f"{base_url!r} is not an http(s) URL")
        self.base_url = base_url.rstrip("/")
        if not self.base_url.endswith("/v1"):
            self.base_url += "/v1"
        if grammar not in (None, "vllm"):
            raise BackendError(f"unknown server grammar {grammar!r}: use vllm, or none")
        self.model, self.mode, self.api_key = model, mode, api_key
        self.retries, self.backoff = retries, backoff
        # a dead server is found out in seconds; a slow generation may take `timeout`
        self.timeout = httpx.Timeout(timeout, connect=min(10.0, timeout))
        # vLLM takes a Lark grammar (guided decoding); other servers get the plain prompt and
        # the pipeline ranks and resamples what comes back
        self.grammar = grammar if mode == "plan" else None
        self.name = f"openai:{self.base_url}"

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                resp = httpx.post(
                    self.base_url + path, json=body, headers=headers, timeout=self.timeout
                )
            except (httpx.ConnectError, httpx.RemoteProtocolError) as exc:
                if last:
                    raise BackendError(f"cannot reach {self.base_url}: {exc}") from None
                time.sleep(self._delay(attempt, None))
                continue
            except httpx.TimeoutException:
                raise BackendError(f"{self.name} did not answer within the timeout") from None
            except httpx.HTTPError as exc:
                raise BackendError(f"cannot reach {self.base_url}: {exc}") from None
            if resp.status_code in RETRY_STATUS and not last:
                time.sleep(self._delay(attempt, resp.headers.get("retry-after")))
                continue
            if resp.status_code != 200:
                detail = " ".join(resp.text[:200].split())
                raise BackendError(f"{self.name} answered HTTP {resp.status_code}: {detail}")
            try:
                return dict(resp.json())
            except (ValueError, TypeError):
                raise BackendError(f"{self.name} did not answer with a JSON object") from None
        raise AssertionError("unreachable")

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds before the next try: the server's Retry-After when short, else doubling."""
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), 30.0)
            except ValueError:
                pass
        return float(self.backoff * 2**attempt)

    def generate(self, requests: list[str], sampling: Sampling) -> list[list[str]]:
        """For each request, `sampling.n` raw answers from the server."""
        out = []
        for request in requests:
            body = {
                "model": self.model,
                "messages": messages(request, few_shot=True, node_list=self.mode == "nodelist"),
                "n": sampling.n,
                "temperature": sampling.temperature,
                "top_p": sampling.top_p,
                "max_tokens": sampling.max_new_tokens,
                "seed": sampling.seed,
            }
            if self.grammar == "vllm":
                lark = plan_grammar(request_plan(request))
                body["guided_grammar"] = lark  # vLLM < 0.10
                body["structured_outputs"] = {"grammar": lark}  # vLLM >= 0.10
            reply = self._post("/chat/completions", body)
            try:
                out.append([choice["message"]["content"] or "" for choice in reply["choices"]])
            except (KeyError, TypeError):
                raise BackendError(
                    f"{self.name} answered without choices/message/content"
                ) from None
        return out
