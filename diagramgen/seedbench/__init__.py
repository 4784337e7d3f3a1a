"""Beside the pipeline, the seed benchmark: the seed project's data, its `intended` schema read
as our plans and structures, its vocabulary, and the evaluation that judges generated diagrams
against a known structure (`diagramgen eval`).

Imports the pipeline and the stages; the data generator reads the seed lists from here.
"""

from __future__ import annotations

import os
from pathlib import Path


def default_seed_data() -> Path | None:
    """The seed project's data: $DIAGRAMGEN_SEED_DATA, else ../shared/seed-data if present."""
    env = os.environ.get("DIAGRAMGEN_SEED_DATA")
    candidate = Path(env) if env else Path("..") / "shared" / "seed-data"
    return candidate if candidate.is_dir() else None
