"""Local transformers models: the embedded SmolLM2 (+ our adapter) or any model directory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from diagramgen.assets import ADAPTER
from diagramgen.llm import BackendError, Mode, Sampling
from diagramgen.llm.decode import ConstrainedSampler
from diagramgen.llm.grammar import HeldPlan, request_plan
from diagramgen.llm.packed import pack_linear_layers
from diagramgen.llm.prompt import messages


def shipped_adapter() -> Path | None:
    """The LoRA adapter trained by this project and shipped in the package, if present."""
    return ADAPTER if (ADAPTER / "adapter_config.json").is_file() else None


class TransformersBackend:
    """Batched sampling from a local causal LM, optionally grammar-constrained."""

    def __init__(
        self,
        model_dir: str | Path,
        adapter: str | Path | None = None,
        mode: Mode = "plan",
        constrained: bool = True,
        half: bool = True,
        few_shot: bool | None = None,
    ) -> None:
        from transformers import AutoTokenizer

        path = Path(model_dir)
        if not (path / "config.json").is_file():
            raise BackendError(f"{path}: not a Hugging Face model directory (no config.json)")
        self.name = f"hf:{path}"
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.tokenizer.padding_side = "left"  # batched generation continues from the right
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        # Decoding is bound by reading the weights: bf16 halves that (1.6x faster per token on
        # the 2-core CPU; greedy answers agree with fp32 on 9 of 11 validation requests).
        # int8 dynamic quantisation was faster still but wrecked the answers, so it is not used.
        dtype = _half_dtype() if half else torch.float32
        self.adapter = adapter
        self.model = _load_model(path, Path(adapter) if adapter else None, dtype)
        self.model = self.model.to(self.device).eval()
        self.packed_layers = pack_linear_layers(self.model)  # CPU only, where it is faster
        self.mode = mode
        self.constrained = constrained and mode == "plan"
        # Hold a net or an arrow-chain flow the request states exactly (RequestSpec.certain);
        # off, the grammar holds only the syntax: "the model alone" in the benchmarks.
        self.hold_to_request = True
        # Until a plan-trained adapter is loaded, worked examples in the prompt teach the format.
        self.few_shot = few_shot if few_shot is not None else adapter is None
        self.sampler: ConstrainedSampler | None = None
        self.timings: dict[str, float] = {}  # seconds per decoding stage, summed (benchmarks)

    def prompt_ids(self, request: str) -> list[int]:
        """Token ids of the chat prompt for one request, ending where the answer starts."""
        chat = messages(request, few_shot=self.few_shot, node_list=self.mode == "nodelist")
        ids = self.tokenizer.apply_chat_template(chat, add_generation_prompt=True, tokenize=True)
        return list(ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids)

    @torch.inference_mode()
    def generate(self, requests: list[str], sampling: Sampling) -> list[list[str]]:
        """For each request, `sampling.n` raw answers from the local model."""
        return self.generate_batch([(request, sampling) for request in requests])

    @torch.inference_mode()
    def generate_batch(self, calls: list[tuple[str, Sampling]]) -> list[list[str]]:
        """Answers to several requests, each with its own settings, decoded as one batch where
        the grammar constrains them (the serve batcher's entry)."""
        if not self.constrained:
            return [self._sample_free(request, sampling) for request, sampling in calls]
        from diagramgen.llm.constrain import GrammarMasks

        grammars = [
            GrammarMasks(
                self.tokenizer,
                sampling.n,
                request_plan(request) if self.hold_to_request else HeldPlan(),
            )
            for request, sampling in calls
        ]
        answers = self._sampler().sample_many(
            [self.prompt_ids(request) for request, _ in calls],
            grammars,
            [sampling for _, sampling in calls],
            self.tokenizer.eos_token_id,
            self.timings,
        )
        return [
            list(self.tokenizer.batch_decode(rows, skip_special_tokens=True)) for rows in answers
        ]

    def _sample_free(self, request: str, sampling: Sampling) -> list[str]:
        """Unconstrained sampling (node-list mode, or the grammar off) with `model.generate`."""
        ids = torch.tensor([self.prompt_ids(request)], device=self.device)
        torch.manual_seed(sampling.seed)
        out = self.model.generate(
            ids,
            attention_mask=torch.ones_like(ids),
            do_sample=True,
            temperature=sampling.temperature,
            top_p=sampling.top_p,
            max_new_tokens=sampling.max_new_tokens,
            num_return_sequences=sampling.n,
            pad_token_id=self.tokenizer.pad_token_id,
            eos_token_id=self.tokenizer.eos_token_id,
        )
        new = out[:, ids.shape[1] :]
        return list(self.tokenizer.batch_decode(new, skip_special_tokens=True))

    def _sampler(self) -> ConstrainedSampler:
        if self.sampler is None:
            self.sampler = ConstrainedSampler(self.model)
        return self.sampler


def _half_dtype() -> torch.dtype:
    if torch.cuda.is_available() and not torch.cuda.is_bf16_supported():
        return torch.float16  # older GPUs (the seed's crashed on bf16)
    return torch.bfloat16


def _load_model(path: Path, adapter: Path | None, dtype: torch.dtype) -> Any:
    """The model in `dtype`; with an adapter, merged once in fp32 and cached merged, so later
    loads read half the bytes and skip peft (several seconds off every cold start)."""
    from transformers import AutoModelForCausalLM

    if adapter is None:
        return AutoModelForCausalLM.from_pretrained(path, dtype=dtype)
    cached = _merged_dir(path, adapter, dtype)
    if cached is not None and (cached / "model.safetensors").is_file():
        return AutoModelForCausalLM.from_pretrained(cached, dtype=dtype)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    model = _merge_adapter(model, adapter)
    for parameter in model.parameters():
        # the weights only: buffers such as the rotary frequencies stay fp32, as
        # from_pretrained(dtype=...) keeps them, so this model answers as the cached one will
        parameter.data = parameter.data.to(dtype)
    if cached is not None:
        _save_merged(model, cached)
    return model


def _save_merged(model: Any, cached: Path) -> None:
    """Write the merged model to the cache: in a folder of this process's own, renamed into
    place at once, so processes loading the same adapter together never see half a cache."""
    import shutil

    partial = cached.with_name(f"{cached.name}.partial-{os.getpid()}")
    try:
        model.save_pretrained(partial)
        partial.rename(cached)
    except Exception:  # the cache is an optimisation: a read-only disk, or another process
        pass  # that got there first, just means this load was the slow one
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _merged_dir(path: Path, adapter: Path, dtype: torch.dtype) -> Path | None:
    """Cache folder of this base + adapter + dtype (keyed by the adapter's bytes)."""
    import hashlib

    from diagramgen.llm.embedded import cache_dir

    digest = hashlib.sha256(str(path.resolve()).encode() + str(dtype).encode())
    for name in ("adapter_config.json", "adapter_model.safetensors"):
        file = adapter / name
        if not file.is_file():
            return None  # not an adapter folder: _merge_adapter says so
        digest.update(file.read_bytes())
    return cache_dir() / "merged" / digest.hexdigest()[:20]


def _merge_adapter(model: Any, adapter: Path) -> Any:
    if not (adapter / "adapter_config.json").is_file():
        raise BackendError(f"{adapter}: not a LoRA adapter folder (no adapter_config.json)")
    from peft import PeftModel

    return PeftModel.from_pretrained(model, adapter).merge_and_unload()


def embedded_backend(
    adapter: str | None = None,
    mode: Mode = "plan",
    constrained: bool = True,
    half: bool = True,
) -> TransformersBackend:
    """SmolLM2-135M-Instruct from the installed wheel, with the shipped adapter when present."""
    from diagramgen.llm.embedded import EmbeddedModelMissing, base_model_dir

    try:
        path = base_model_dir()
    except EmbeddedModelMissing as exc:
        raise BackendError(str(exc)) from None
    chosen = Path(adapter) if adapter else (shipped_adapter() if mode == "plan" else None)
    backend = TransformersBackend(path, chosen, mode, constrained, half)
    backend.name = "embedded" + (f"+{chosen.name}" if chosen else "")
    return backend
