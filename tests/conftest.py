"""Shared fixtures: the seed project's real data from ../shared/seed-data, and the embedded
model and its tokenizer, each loaded once per test session.

Markers: `model` for tests that need the language model's weights or tokenizer, `browser`
for those that drive Chromium. `make test-fast` leaves both out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SEED_DATA = Path(__file__).resolve().parents[2] / "shared" / "seed-data"
MODEL_FIXTURES = {"tokenizer", "embedded_backend"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the model's fixtures are `model` tests, wherever they are."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


def _jsonl(name: str) -> list[dict[str, Any]]:
    path = SEED_DATA / name
    if not path.exists():
        pytest.skip(f"seed data not found at {path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def seed_sft() -> list[dict[str, Any]]:
    return _jsonl("seed_sft_requests.jsonl")


@pytest.fixture(scope="session")
def seed_benchmark() -> list[dict[str, Any]]:
    return _jsonl("seed_benchmark_200.jsonl")


@pytest.fixture(scope="session")
def seed_format_cases() -> str:
    path = SEED_DATA / "seed_format_cases.txt"
    if not path.exists():
        pytest.skip(f"seed data not found at {path}")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def tokenizer() -> Any:
    """The embedded model's tokenizer (converted from the GGUF once, then cached)."""
    from diagramgen.llm.embedded import load_tokenizer

    return load_tokenizer()


@pytest.fixture(scope="session")
def embedded_backend() -> Any:
    """The embedded model with the shipped adapter: the one load of the test session."""
    from diagramgen.llm import load_backend

    return load_backend("embedded")


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """tests/openai_server.py, a real OpenAI-compatible HTTP server that answers at once with
    canned plans: its base URL (one server per test module)."""
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("openai_server.py"))],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    port = proc.stdout.readline().strip()
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)
    proc.stdout.close()
