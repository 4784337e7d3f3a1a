"""LoRA supervised fine-tuning with TRL's SFTTrainer: loss on the answer tokens only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from diagramgen.jsonl import read_jsonl
from diagramgen.llm.prompt import sft_row
from diagramgen.train.common import (
    EffectiveBatchLogger,
    latest_checkpoint,
    load_model,
    lora_config,
    precision_flags,
    write_summary,
)
from diagramgen.train.config import TrainConfig

EVAL_ROWS = 64  # a stable enough eval loss without slowing CPU runs


def _dataset(path: Path, tokenizer: Any, max_length: int, limit: int | None = None) -> Any:
    """Rows as chat prompt/completion; rows longer than max_length are left out rather than
    truncated (a truncated answer would teach the model to stop without the end line)."""
    from datasets import Dataset

    kept = []
    for row in read_jsonl(path)[:limit]:
        chat = sft_row(row)
        text = tokenizer.apply_chat_template(chat["prompt"] + chat["completion"], tokenize=False)
        if len(tokenizer(text)["input_ids"]) <= max_length:
            kept.append(chat)
    return Dataset.from_list(kept)


def run_sft(cfg: TrainConfig) -> Path:
    """Train a LoRA adapter on plan answers; returns the folder of the saved adapter."""
    from trl import SFTConfig, SFTTrainer

    model, tokenizer = load_model(cfg)
    args = SFTConfig(
        output_dir=str(cfg.output),
        per_device_train_batch_size=cfg.per_device_batch_size,
        per_device_eval_batch_size=cfg.per_device_batch_size,
        gradient_accumulation_steps=cfg.gradient_accumulation_steps,
        learning_rate=cfg.learning_rate,
        max_steps=cfg.max_steps,
        num_train_epochs=cfg.num_epochs,
        warmup_steps=cfg.warmup_steps,
        logging_steps=cfg.logging_steps,
        save_steps=cfg.save_steps,
        save_total_limit=2,
        eval_strategy="steps",
        eval_steps=cfg.eval_steps,
        max_length=cfg.max_length,
        packing=cfg.packing,
        completion_only_loss=True,
        gradient_checkpointing=cfg.gradient_checkpointing,
        seed=cfg.seed,
        data_seed=cfg.seed,
        report_to="none",
        dataloader_num_workers=0,
        train_sampling_strategy="group_by_length",  # less padding per batch: faster on CPU
        **precision_flags(cfg),
    )
    batch = EffectiveBatchLogger()
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=_dataset(cfg.data / "train.jsonl", tokenizer, cfg.max_length),
        eval_dataset=_dataset(cfg.data / "val.jsonl", tokenizer, cfg.max_length, EVAL_ROWS),
        processing_class=tokenizer,
        peft_config=None if cfg.init_adapter else lora_config(cfg),
        callbacks=[batch],
    )
    resume = latest_checkpoint(cfg.output) if cfg.resume else None
    trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    adapter = cfg.output / "adapter"
    trainer.model.save_pretrained(adapter)
    write_summary(cfg, trainer, batch, {"method": "sft", "data_rows": len(trainer.train_dataset)})
    return adapter
