"""diagramgen: plain-language requests to clean, readable ML diagrams (SVG + PNG)."""

from diagramgen.diagram import Diagram, Edge, Group, Kind, LineStyle, Node, Shape
from diagramgen.errors import DiagramTextError, Problem
from diagramgen.text import parse_diagram_text

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
    "parse_diagram_text",
]
__version__ = "0.1.0"
