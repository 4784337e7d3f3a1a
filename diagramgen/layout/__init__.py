"""Stage 4, layout: a Plan (or a seed node list) in, a Diagram with every position decided out.

In: `formats.Plan`, or any diagram text through `parse_diagram_text`. Out: `diagram.Diagram`
(plain geometry and semantics; renderers and the quality checks read only that). Deterministic.
Imports the core modules and `formats`.
"""

from __future__ import annotations

from diagramgen.layout.canvas import content_box, fit_to_canvas
from diagramgen.layout.engine import layout_plan
from diagramgen.layout.text import TextFormat, detect_format, parse_diagram_text

__all__ = [
    "TextFormat",
    "content_box",
    "detect_format",
    "fit_to_canvas",
    "layout_plan",
    "parse_diagram_text",
]
