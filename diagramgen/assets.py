"""Files shipped inside the package: the trained weights and the fonts."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
WEIGHTS = PACKAGE / "weights"
FONTS = PACKAGE / "fonts"
ADAPTER = WEIGHTS / "adapter"
