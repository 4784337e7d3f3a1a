"""Stage 5, render: a laid-out Diagram in, SVG (text stays text) and PNG (the same SVG
rasterised by resvg) out, plus the small thumbnails the image models read (`raster`).

In: `diagram.Diagram`. Out: SVG text, PNG bytes, files. Imports only the core modules; never
torch or transformers (a cold `render` stays fast).
"""

from __future__ import annotations

from diagramgen.render.svg import save, svg_to_png, to_png, to_svg

__all__ = ["save", "svg_to_png", "to_png", "to_svg"]
