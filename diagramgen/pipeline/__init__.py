"""Stage 8, the pipeline: one request in, ranked diagrams out (the Python API of `generate`).

request -> llm (N samples) -> formats -> layout -> render -> quality (readability, fidelity)
        -> personal (this user's predicted score) -> ranking -> files and result.json.
Imports every stage before it; nothing but the front ends, data and the seed bench import it.
"""

from __future__ import annotations

from diagramgen.pipeline.generate import (
    DUPLICATE,
    NOT_FAILURES,
    SURPLUS,
    Candidate,
    GenerationResult,
    add_user_scores,
    generate,
    rank_candidates,
    sample_candidates,
    write_candidates,
    write_result,
)

__all__ = [
    "DUPLICATE",
    "NOT_FAILURES",
    "SURPLUS",
    "Candidate",
    "GenerationResult",
    "add_user_scores",
    "generate",
    "rank_candidates",
    "sample_candidates",
    "write_candidates",
    "write_result",
]
