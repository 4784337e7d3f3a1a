"""What SFT and ORPO share: base model and adapter loading, precision, run summary."""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from diagramgen.train.config import TrainConfig


def base_model_path(cfg: TrainConfig) -> Path:
    """The base model's folder: the embedded model's, or a local Hugging Face model directory."""
    if cfg.base_model == "embedded":
        from diagramgen.llm.embedded import base_model_dir

        return base_model_dir()
    path = Path(cfg.base_model)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"{path}: not a local Hugging Face model directory")
    return path


def precision_flags(cfg: TrainConfig) -> dict[str, bool]:
    """bf16 where the GPU supports it, else fp16 (the seed crashed on bf16); fp32 on CPU."""
    import torch

    if cfg.precision == "fp32" or not torch.cuda.is_available():
        if cfg.precision in ("bf16", "fp16") and not torch.cuda.is_available():
            raise ValueError(f"precision {cfg.precision} needs a CUDA GPU; use fp32 or auto on CPU")
        return {"bf16": False, "fp16": False}
    if cfg.precision == "bf16" or (cfg.precision == "auto" and torch.cuda.is_bf16_supported()):
        return {"bf16": True, "fp16": False}
    return {"bf16": False, "fp16": True}


def lora_config(cfg: TrainConfig) -> Any:
    """The PEFT LoRA config for a causal LM, from the run's LoRA settings."""
    from peft import LoraConfig

    return LoraConfig(
        r=cfg.lora.r,
        lora_alpha=cfg.lora.alpha,
        lora_dropout=cfg.lora.dropout,
        target_modules=list(cfg.lora.target_modules),
        task_type="CAUSAL_LM",
    )


def load_model(cfg: TrainConfig) -> tuple[Any, Any]:
    """Base model + tokenizer; with `init_adapter`, that adapter loaded trainable on top."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = base_model_path(cfg)
    tokenizer = AutoTokenizer.from_pretrained(path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(path)
    if cfg.init_adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, cfg.init_adapter, is_trainable=True)
    return model, tokenizer


class EffectiveBatchLogger(TrainerCallback):  # type: ignore[misc]
    """Log the real batch size: per-device x processes x accumulation (the seed's silently
    doubled on two GPUs)."""

    def __init__(self) -> None:
        self.started = time.time()
        self.effective = 0

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        """Work out the effective batch size and print it as training starts."""
        self.effective = (
            args.per_device_train_batch_size * args.world_size * args.gradient_accumulation_steps
        )
        print(
            f"effective batch size = {args.per_device_train_batch_size} per device x "
            f"{args.world_size} processes x {args.gradient_accumulation_steps} accumulation "
            f"= {self.effective}",
            flush=True,
        )


def latest_checkpoint(output: Path) -> Path | None:
    """The highest-numbered checkpoint-N folder in `output`, or None."""
    checkpoints = sorted(output.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
    return checkpoints[-1] if checkpoints else None


def write_summary(
    cfg: TrainConfig, trainer: Any, batch: EffectiveBatchLogger, extra: dict[str, Any]
) -> Path:
    """train_summary.json: config, hardware, time, and the loss curve."""
    import torch

    history = trainer.state.log_history
    summary = {
        "config": json.loads(json.dumps(cfg.__dict__, default=str)),
        "hardware": torch.cuda.get_device_name(0)
        if torch.cuda.is_available()
        else f"CPU ({platform.machine()}, {torch.get_num_threads()} threads)",
        "world_size": trainer.args.world_size,
        "effective_batch_size": batch.effective,
        "steps": trainer.state.global_step,
        "seconds": round(time.time() - batch.started, 1),
        "loss": [{"step": h["step"], "loss": h["loss"]} for h in history if "loss" in h],
        "eval_loss": [
            {"step": h["step"], "loss": h["eval_loss"]} for h in history if "eval_loss" in h
        ],
        **extra,
    }
    path = cfg.output / "train_summary.json"
    path.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return path
