"""Golden layouts: the plans whose node coordinates are pinned, and how a record is made.

`python scripts/update_goldens.py` rewrites every record (coordinates as JSON, the drawing as
SVG) after a deliberate layout change.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from pathlib import Path

from diagramgen.formats.plan import parse_plan
from diagramgen.layout import layout_plan
from diagramgen.render import to_svg

GOLDEN = Path(__file__).parent
_TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")

PLANS = {
    "nn_basic": "nn horizontal palette=blue shape=circle\ninput 4\ndense 6\ndense 10\noutput 1\nend\n",
    "nn_wide": "nn horizontal palette=purple\ninput 784\ndense 512\ndense 512\noutput 10\nskip 2 -> 4\nend\n",
    "nn_branches": "nn vertical palette=green\ninput 3\ndense 8\ndense 8 from=1\ndense 4 from=2,3\noutput 2\nend\n",
    "cnn_residual": (
        "cnn horizontal palette=warm\ninput 32x32x3\nconv 3x3 16\npool 2x2\nconv 3x3 32\n"
        "pool 2x2\nflatten\ndense 256\noutput 10\nskip 2 -> 4\nend\n"
    ),
    "cnn_vertical": "cnn vertical palette=gray\ninput 64x64\nconv 5x5\npool 2x2\ndense 128\noutput 2\nend\n",
    "flow_rag": 'flow horizontal palette=teal\n"question" -> "embedding" -> "vector DB" -> "LLM" -> "answer"\n"question" -> "LLM"\nend\n',
    "flow_loop": (
        'flow vertical palette=gray\nnode load "Load data" data\n'
        'node clean "Clean and normalise the raw records"\nnode train "Train model" model\n'
        'node eval "Evaluate"\nnode ok "Good enough?" decision\nnode deploy "Deploy" terminal\n'
        "load -> clean -> train -> eval -> ok -> deploy\nok -> train dashed\nend\n"
    ),
    "flow_groups": (
        'flow horizontal palette=teal\nnode user "User" terminal\nnode web "Web app"\n'
        'node api "API server"\nnode auth "Signed in?" decision\nnode db "Orders" db\n'
        'node login "Login page" data\ngroup "Frontend": web, login\ngroup "Backend": api, db\n'
        'user -> web -> auth\nauth -> api "yes"\nauth -> login "no"\napi -> db\n'
        'login -> web "retry" dashed\nend\n'
    ),
    "nn_repeat": (
        'nn vertical palette=purple\ninput 512 "tokens"\ndense 768 "embedding"\n'
        'repeat 12 "Transformer block"\noutput 50000\nend\n'
    ),
}


def golden_record(name: str) -> tuple[dict[str, list[float]], str]:
    """(node id -> [x, y, width, height], SVG) of one golden plan, laid out now."""
    diagram = layout_plan(parse_plan(PLANS[name]))
    coords = {n.id: [n.x, n.y, n.width, n.height] for n in diagram.nodes}
    return coords, to_svg(diagram)


def drawn_texts(svg: str) -> Counter[str]:
    """Every piece of text an SVG draws, counted."""
    return Counter(unescape(t) for t in _TEXT.findall(svg))
