"""Training smoke test on a tiny randomly initialised model: SFT, then ORPO from its adapter."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from diagramgen.data import make_sft_dataset
from diagramgen.data.prefs import make_pref_dataset
from diagramgen.llm import Sampling
from diagramgen.llm.embedded import load_tokenizer
from diagramgen.llm.local import TransformersBackend
from diagramgen.train.config import LoraSettings, TrainConfig, load_config
from diagramgen.train.orpo import run_preference
from diagramgen.train.sft import run_sft

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = load_tokenizer()
    path = tmp_path_factory.mktemp("tiny")
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def _losses(run: Path) -> list[float]:
    import json

    return [h["loss"] for h in json.loads((run / "train_summary.json").read_text())["loss"]]


def test_sft_then_orpo_learn_and_the_adapter_generates(tiny_model: Path, tmp_path: Path) -> None:
    make_sft_dataset(tmp_path / "sft", 24, seed=5, val_fraction=0.2)
    make_pref_dataset(tmp_path / "sft", tmp_path / "prefs", seed=5)
    lora = LoraSettings(r=4, alpha=8, dropout=0.0, target_modules=["q_proj", "v_proj", "up_proj"])
    common = {
        "base_model": str(tiny_model),
        "lora": lora,
        "per_device_batch_size": 4,
        "logging_steps": 1,
        "save_steps": 100,
        "eval_steps": 100,
        "warmup_steps": 0,
    }
    sft = TrainConfig(
        data=tmp_path / "sft",
        output=tmp_path / "run_sft",
        learning_rate=5e-2,
        max_steps=10,
        **common,
    )
    adapter = run_sft(sft)
    losses = _losses(sft.output)
    assert all(loss == loss for loss in losses)  # finite
    assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3  # it learned something
    assert (adapter / "adapter_model.safetensors").is_file()

    orpo = TrainConfig(
        data=tmp_path / "prefs",
        output=tmp_path / "run_orpo",
        init_adapter=adapter,
        learning_rate=1e-2,
        max_steps=6,
        **common,
    )
    orpo_adapter = run_preference(orpo)
    orpo_losses = _losses(orpo.output)
    assert all(loss == loss for loss in orpo_losses)
    assert (orpo_adapter / "adapter_config.json").is_file()

    backend = TransformersBackend(tiny_model, adapter=orpo_adapter, half=False)
    answers = backend.generate(
        ["a net with 2 inputs and 1 output"], Sampling(n=3, max_new_tokens=24)
    )
    assert len(answers[0]) == 3


def test_config_file_defaults_and_errors(tmp_path: Path) -> None:
    cfg = load_config(Path("configs/sft.toml"))
    assert cfg.lora.r == 16 and cfg.max_steps > 0
    bad = tmp_path / "bad.toml"
    bad.write_text("learning_rat = 0.1\n")
    with pytest.raises(ValueError, match="unknown settings learning_rat"):
        load_config(bad)
    with pytest.raises(ValueError, match="precision"):
        TrainConfig(precision="fp8")
