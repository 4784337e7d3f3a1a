"""The words of the plan language, read by the parser, the grammar, the data and the checks.

One table each: a layer alias or a node type added here is known everywhere.
"""

from __future__ import annotations

import re

from diagramgen.diagram import LineStyle, Shape

PLAN_KINDS = ("nn", "cnn", "flow")
END = "end"
LAYER_TYPES = ("input", "dense", "output", "conv", "pool", "flatten", "dropout", "repeat")
BLOCK_TYPES = ("conv", "pool", "flatten", "repeat")  # a net with one of these is drawn as blocks
LAYER_ALIASES = {"hidden": "dense", "fc": "dense", "linear": "dense"}
NODE_TYPES = (
    "process",
    "data",
    "db",
    "model",
    "func",
    "chart",
    "text",
    "image",
    "decision",
    "terminal",
)
SHAPE_WORDS = {
    "rect": Shape.RECTANGLE,
    "round": Shape.ROUND_RECTANGLE,
    "circle": Shape.CIRCLE,
    "diamond": Shape.DIAMOND,
    "cylinder": Shape.CYLINDER,
    "parallelogram": Shape.PARALLELOGRAM,
}
# What a header's shape= gives every node (the per-node shapes stay node options).
HEADER_SHAPES = (Shape.RECTANGLE, Shape.ROUND_RECTANGLE, Shape.CIRCLE)
LINE_WORDS = {
    "arrow": LineStyle.SOLID_ARROW,
    "line": LineStyle.SOLID_LINE,
    "dashed": LineStyle.DASHED_LINE,
}


def layer_type(word: str) -> str:
    """A layer type with its alias resolved ('hidden' -> 'dense')."""
    return LAYER_ALIASES.get(word, word)


def normalize_label(label: str) -> str:
    """A label as compared: lower case, punctuation and repeated spaces dropped."""
    return " ".join(re.sub(r"[^\w]+", " ", label.lower()).split())
