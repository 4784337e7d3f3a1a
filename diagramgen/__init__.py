"""diagramgen: plain-language requests to clean, readable ML diagrams (SVG + PNG).

The package is laid out by pipeline stage (docs/ARCHITECTURE.md):

    request -> llm -> formats -> layout -> render -> quality -> personal -> pipeline

beside them `data`, `train` and `seedbench`, and the front ends `cli` and `web`. The core
modules every stage shares: `diagram` (the Diagram and its Structure summary), `errors`,
`limits`, `vocabulary`, `style`, `typeset`, `geometry`, `assets`, `jsonl`.
"""

from diagramgen.diagram import Diagram, Edge, Group, Kind, LineStyle, Node, Shape, Structure
from diagramgen.errors import DiagramTextError, Problem
from diagramgen.layout import parse_diagram_text

__all__ = [
    "Diagram",
    "DiagramTextError",
    "Edge",
    "Group",
    "Kind",
    "LineStyle",
    "Node",
    "Problem",
    "Shape",
    "Structure",
    "parse_diagram_text",
]
__version__ = "0.1.0"
