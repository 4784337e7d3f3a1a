"""Rewrite the golden layout records in tests/golden/ after a deliberate layout change.

Usage: .venv/bin/python scripts/update_goldens.py   (then look at the SVGs before committing)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.golden import GOLDEN, PLANS, golden_record


def main() -> None:
    """Write NAME.json (coordinates) and NAME.svg (the drawing) for every golden plan."""
    for name in sorted(PLANS):
        coords, svg = golden_record(name)
        (GOLDEN / f"{name}.json").write_text(json.dumps(coords, indent=1) + "\n")
        (GOLDEN / f"{name}.svg").write_text(svg)
        print(f"wrote {name}.json and {name}.svg")


if __name__ == "__main__":
    main()
