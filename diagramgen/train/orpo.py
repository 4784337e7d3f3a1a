"""ORPO (TRL's `trl.experimental.orpo`) from the SFT adapter on preference pairs; or DPO."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from diagramgen.jsonl import read_jsonl
from diagramgen.llm.prompt import preference_row
from diagramgen.train.common import (
    EffectiveBatchLogger,
    latest_checkpoint,
    load_model,
    lora_config,
    precision_flags,
    write_summary,
)
from diagramgen.train.config import TrainConfig

EVAL_ROWS = 64


def _pairs(path: Path, limit: int | None = None) -> Any:
    from datasets import Dataset

    return Dataset.from_list([preference_row(r) for r in read_jsonl(path)[:limit]])


def run_preference(cfg: TrainConfig, method: str = "orpo") -> Path:
    """Preference-tune (ORPO or DPO) a LoRA adapter; returns the saved adapter's folder."""
    common: dict[str, Any] = {
        "output_dir": str(cfg.output),
        "per_device_train_batch_size": cfg.per_device_batch_size,
        "per_device_eval_batch_size": cfg.per_device_batch_size,
        "gradient_accumulation_steps": cfg.gradient_accumulation_steps,
        "learning_rate": cfg.learning_rate,
        "max_steps": cfg.max_steps,
        "num_train_epochs": cfg.num_epochs,
        "warmup_steps": cfg.warmup_steps,
        "logging_steps": cfg.logging_steps,
        "save_steps": cfg.save_steps,
        "save_total_limit": 2,
        "eval_strategy": "steps",
        "eval_steps": cfg.eval_steps,
        "max_length": cfg.max_length,
        "beta": cfg.orpo_beta,
        "gradient_checkpointing": cfg.gradient_checkpointing,
        "seed": cfg.seed,
        "data_seed": cfg.seed,
        "report_to": "none",
        "dataloader_num_workers": 0,
        **precision_flags(cfg),
    }
    if method == "orpo":
        os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")  # we chose it knowingly
        from trl.experimental.orpo import ORPOConfig, ORPOTrainer

        args: Any = ORPOConfig(**common)
        trainer_class: Any = ORPOTrainer
    elif method == "dpo":
        from trl import DPOConfig, DPOTrainer

        args, trainer_class = DPOConfig(**common), DPOTrainer
    else:
        raise ValueError(f"method must be orpo or dpo, not {method!r}")
    model, tokenizer = load_model(cfg)
    batch = EffectiveBatchLogger()
    trainer = trainer_class(
        model=model,
        args=args,
        train_dataset=_pairs(cfg.data / "train.jsonl"),
        eval_dataset=_pairs(cfg.data / "val.jsonl", EVAL_ROWS),
        processing_class=tokenizer,
        peft_config=None if cfg.init_adapter else lora_config(cfg),
        callbacks=[batch],
    )
    resume = latest_checkpoint(cfg.output) if cfg.resume else None
    trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    adapter = cfg.output / "adapter"
    trainer.model.save_pretrained(adapter)
    write_summary(cfg, trainer, batch, {"method": method, "data_rows": len(trainer.train_dataset)})
    return adapter
