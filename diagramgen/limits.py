"""Every size bound in one place: what the parsers accept and what the grammar lets a model write.

The parsers refuse early instead of hanging on a runaway model answer or a hostile file; the
grammar is built from the same numbers (`int_pattern`), so a constrained model can only write
what the parser reads.
"""

from __future__ import annotations

# Diagram texts (plans and node lists)
MAX_TEXT_CHARS = 400_000
MAX_LINE_CHARS = 2_000
MAX_LABEL_CHARS = 200  # a node's, group's, edge's or layer's label
MAX_NODES = 200  # flow nodes, node-list nodes: layout and metric stay under a second
MAX_EDGES = 2 * MAX_NODES
MAX_LAYERS = 200
MAX_GROUPS = 200  # labelled boxes in a flow
MAX_UNITS = 1_000_000  # units of a dense, input or output layer
MAX_IMAGE_SIDE = 8192  # an input image's height, width or channels
MAX_KERNEL = 64  # a conv kernel's or pool window's side
MAX_STRIDE = 64
MAX_FILTERS = 100_000
MAX_PNG_PIXELS = 4_000_000  # a larger drawing's PNG is scaled down to this (its SVG is not)
MAX_REPEAT = 1_000  # times a repeated block (`repeat 12 "Transformer block"`) repeats

# Requests and the web editor
MAX_REQUEST_CHARS = 2_000
MAX_EDITOR_CHARS = 8_000

# One generated plan: the grammar's bounds, tighter than the parser's (a request never needs more)
MAX_PLAN_LINES = 40  # layers or edge lines
MAX_PLAN_NODES = 26  # flow nodes, ids a-z
MAX_PLAN_LABEL_CHARS = 60
MAX_PLAN_STRIDE = 9
MAX_PLAN_SKIPS = 8
MAX_PLAN_GROUPS = 6
MAX_EDGE_LABEL_CHARS = 30


def int_pattern(high: int) -> str:
    """A regular expression for the whole numbers 1..high, written without leading zeros."""
    if high < 1:
        raise ValueError("the range must hold at least the number 1")
    digits = str(high)
    options = [f"[1-9][0-9]{{{n - 1}}}" if n > 1 else "[1-9]" for n in range(1, len(digits))]
    for i, d in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(d) > low:
            top = int(d) - 1
            choice = str(low) if top == low else f"[{low}-{top}]"
            rest = len(digits) - i - 1
            options.append(digits[:i] + choice + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(digits)
    return "(" + "|".join(options) + ")"
