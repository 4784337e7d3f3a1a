"""Rebuild diagramgen/fonts/DiagramgenHangul.ttf: NanumGothic's Hangul, subset and renamed.

DejaVu Sans has no Hangul, so Korean labels drew as empty boxes. NanumGothic (SIL OFL 1.1) is
cut down to the Hangul blocks (1.3 MB) and renamed, as the licence asks of a modified version
that keeps away from its Reserved Font Names. Needs fontTools and the font file, e.g.

    apt-get install fonts-nanum && pip install fonttools
    python scripts/make_hangul_font.py [/usr/share/fonts/truetype/nanum/NanumGothic.ttf]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
OUT = Path(__file__).resolve().parents[1] / "diagramgen" / "fonts" / "DiagramgenHangul.ttf"
FAMILY = "Diagramgen Hangul"
HANGUL = [*range(0x1100, 0x1200), *range(0x3131, 0x318F), *range(0xAC00, 0xD7A4)]


def main() -> None:
    font = TTFont(sys.argv[1] if len(sys.argv) > 1 else SOURCE)
    options = subset.Options()
    options.layout_features = ["*"]
    options.hinting = False
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=HANGUL)
    subsetter.subset(font)
    for tag in ("TSI0", "TSI1", "TSI2", "TSI3", "TSI5"):  # the source's hinting sources
        if tag in font:
            del font[tag]
    names = {1: FAMILY, 16: FAMILY, 4: f"{FAMILY} Regular", 6: "DiagramgenHangul-Regular"}
    names[3] = f"{FAMILY} Regular (subset of NanumGothic)"
    for record in list(font["name"].names):
        if record.nameID in names:
            font["name"].setName(
                names[record.nameID],
                record.nameID,
                record.platformID,
                record.platEncID,
                record.langID,
            )
    font.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
