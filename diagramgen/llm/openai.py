"""Any OpenAI-compatible server (vLLM, Ollama, llama.cpp server): how a team serves a bigger
model to many users. Plain HTTP with the standard library; no client SDK needed. With
`grammar="vllm"` each request carries the plan grammar (held to the request's net where the
request states one completely), as vLLM's guided decoding reads it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from diagramgen.llm import BackendError, Mode, Sampling
from diagramgen.llm.grammar import plan_grammar, request_net
from diagramgen.llm.prompt import messages


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
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise BackendError(f"{base_url!r} is not an http(s) URL")
        self.base_url = base_url.rstrip("/")
        if not self.base_url.endswith("/v1"):
            self.base_url += "/v1"
        if grammar not in (None, "vllm"):
            raise BackendError(f"unknown server grammar {grammar!r}: use vllm, or none")
        self.model, self.mode, self.timeout, self.api_key = model, mode, timeout, api_key
        # vLLM takes a Lark grammar (guided decoding); other servers get the plain prompt and
        # the pipeline ranks and resamples what comes back
        self.grammar = grammar if mode == "plan" else None
        self.name = f"openai:{self.base_url}"

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(self.base_url + path, json.dumps(body).encode(), headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return dict(json.loads(resp.read()))
        except urllib.error.HTTPError as exc:
            raise BackendError(
                f"{self.name} answered HTTP {exc.code}: {exc.read()[:200]!r}"
            ) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise BackendError(f"cannot reach {self.base_url}: {reason}") from None
        except json.JSONDecodeError:
            raise BackendError(f"{self.name} did not answer with JSON") from None

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
                lark = plan_grammar(request_net(request))
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
