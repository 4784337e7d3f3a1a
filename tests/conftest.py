"""Shared fixtures: the seed project's real data from ../shared/seed-data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SEED_DATA = Path(__file__).resolve().parents[2] / "shared" / "seed-data"


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
