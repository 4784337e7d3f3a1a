"""The seed project's node-list format: a safe, tolerant parser and a canonical serializer.

One node per line, a Python-style list (never `eval`-ed; parsed by a small tokenizer):
`[id, x, y, shape, width, height, line style, (R,G,B) fill, (R,G,B) line, [targets], 'label'?]`
The label is our extension. Tolerated: quoted numbers, unquoted shape/style words, colour
tuples and target lists given as strings, trailing commas, a `model = [` ... `]` wrapper.
Lines that cannot be read are reported as `Problem`s, never silently dropped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from diagramgen.diagram import RGB, Diagram, Edge, Kind, LineStyle, Node, Shape
from diagramgen.errors import DiagramTextError, Problem, check_size
from diagramgen.limits import MAX_LABEL_CHARS, MAX_LINE_CHARS, MAX_NODES

Value = int | float | str | list["Value"] | tuple["Value", ...]

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>'[^']*'|"[^"]*")
    | (?P<num>[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
    | (?P<punct>[\[\](),])
    | (?P<word>[A-Za-z_][A-Za-z_\- ]*[A-Za-z_]|[A-Za-z_])
    )""",
    re.VERBOSE,
)
_WRAPPER_OPEN = re.compile(r"^\s*(?:[A-Za-z_]\w*\s*=\s*)?\[\s*$")
_ASSIGNMENT = re.compile(r"^\s*[A-Za-z_]\w*\s*=\s*")
_WRAPPER_CLOSE = re.compile(r"^\s*\]\s*,?\s*;?\s*$")

_SHAPES = {
    "rectangle": Shape.RECTANGLE,
    "rect": Shape.RECTANGLE,
    "box": Shape.RECTANGLE,
    "square": Shape.RECTANGLE,
    "round rectangle": Shape.ROUND_RECTANGLE,
    "rounded rectangle": Shape.ROUND_RECTANGLE,
    "round rect": Shape.ROUND_RECTANGLE,
    "circle": Shape.CIRCLE,
    "ellipse": Shape.CIRCLE,
    "oval": Shape.CIRCLE,
    "diamond": Shape.DIAMOND,
    "rhombus": Shape.DIAMOND,
    "cylinder": Shape.CYLINDER,
    "parallelogram": Shape.PARALLELOGRAM,
}
_STYLES = {
    "solid arrow": LineStyle.SOLID_ARROW,
    "arrow": LineStyle.SOLID_ARROW,
    "solid line": LineStyle.SOLID_LINE,
    "line": LineStyle.SOLID_LINE,
    "dashed line": LineStyle.DASHED_LINE,
    "dashed": LineStyle.DASHED_LINE,
    "dashed arrow": LineStyle.DASHED_LINE,
}


@dataclass
class NodeRecord:
    """One parsed node-list line, before it becomes part of a Diagram."""

    id: int
    x: float
    y: float
    shape: Shape
    width: float
    height: float
    style: LineStyle
    fill: RGB
    line_color: RGB
    targets: list[int]
    label: str = ""
    line: int = 0


@dataclass
class NodeListParse:
    """What reading a node list gave: the records it read and the problems it found."""

    records: list[NodeRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Tokens:
    def __init__(self, text: str) -> None:
        self.items: list[tuple[str, str]] = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                rest = text[pos:].lstrip()
                if rest[:1] in "'\"" and rest[0] not in rest[1:]:
                    raise ValueError("unclosed quote: line ends early (truncated?)")
                raise ValueError(f"unexpected character {rest[:1]!r}")
            kind = m.lastgroup or ""
            self.items.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.i] if self.i < len(self.items) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ValueError("line ends early (truncated?)")
        self.i += 1
        return tok


def _parse_value(toks: _Tokens, depth: int = 0) -> Value:
    if depth > 4:
        raise ValueError("lists nested too deeply")
    kind, text = toks.take()
    if kind == "str":
        return text[1:-1]
    if kind == "num":
        return float(text) if any(c in text for c in ".eE") else int(text)
    if kind == "word":
        return text.strip()
    if text in "[(":
        closer = "]" if text == "[" else ")"
        items: list[Value] = []
        while True:
            tok = toks.peek()
            if tok is None:
                raise ValueError("line ends early (truncated?)")
            if tok[1] == closer:
                toks.take()
                break
            items.append(_parse_value(toks, depth + 1))
            tok = toks.peek()
            if tok is None:
                raise ValueError("line ends early (truncated?)")
            if tok[1] == ",":
                toks.take()
            elif tok[1] != closer:
                raise ValueError(f"expected ',' or '{closer}'")
        return items if text == "[" else tuple(items)
    raise ValueError(f"unexpected {text!r}")


def parse_value(text: str) -> Value:
    """Parse one Python-style literal (numbers, strings, bare words, lists, tuples) safely."""
    values = parse_values(text)
    if len(values) != 1:
        raise ValueError(f"expected one value, found {len(values)}")
    return values[0]


def parse_values(text: str) -> list[Value]:
    """Comma-separated literals on one line (a line may hold several nodes)."""
    toks = _Tokens(text)
    values = [_parse_value(toks)]
    while (tok := toks.peek()) is not None:
        if tok[1] != ",":
            raise ValueError(f"unexpected {tok[1]!r} after the node")
        toks.take()
        if toks.peek() is not None:
            values.append(_parse_value(toks))
    return values


def _node_values(line: str) -> list[Value]:
    """The nodes on one line; `model = [[...], [...]]` on a single line is unwrapped."""
    values = parse_values(_ASSIGNMENT.sub("", line, count=1))
    if (
        len(values) == 1
        and isinstance(values[0], list)
        and values[0]
        and all(isinstance(v, list) for v in values[0])
    ):
        return list(values[0])
    return values


def _unstring(value: Value) -> Value:
    """A string that holds a list/tuple/number literal (the seed's quoting habit) is opened."""
    if isinstance(value, str):
        s = value.strip()
        if s[:1] in "[(":
            return parse_value(s)
        if re.fullmatch(r"[-+]?\d+(\.\d*)?", s):
            return float(s) if "." in s else int(s)
    return value


def _number(value: Value, what: str) -> float:
    value = _unstring(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # the size test first: a huge int overflows math.isfinite's conversion to float
        if abs(value) > 1e9 or not math.isfinite(value):
            raise ValueError(f"{what} should be a finite number of sensible size, got {value!r}")
        return float(value)
    raise ValueError(f"{what} should be a number, got {value!r}")


def _rgb(value: Value, what: str) -> RGB:
    value = _unstring(value)
    if not isinstance(value, list | tuple) or len(value) != 3:
        raise ValueError(f"{what} should be an (R, G, B) triple, got {value!r}")
    parts = [_number(v, what) for v in value]
    if any(not 0 <= p <= 255 for p in parts):
        raise ValueError(f"{what} components must be 0-255, got {value!r}")
    return (int(parts[0]), int(parts[1]), int(parts[2]))


def _word(value: Value, table: dict[str, Shape] | dict[str, LineStyle], what: str) -> str:
    key = str(value).strip().lower().replace("_", " ").replace("-", " ")
    key = " ".join(key.split())
    if key not in table:
        raise ValueError(f"unknown {what} {value!r} (expected one of: {', '.join(table)})")
    return table[key]


def _targets(value: Value) -> list[int]:
    value = _unstring(value)
    if not isinstance(value, list | tuple):
        raise ValueError(f"targets should be a list of node numbers, got {value!r}")
    return [int(_number(v, "target")) for v in value]


def parse_node_record(value: Value, line_no: int = 0) -> NodeRecord:
    """Read one node's fields; raises ValueError with what is wrong."""
    if not isinstance(value, list):
        raise ValueError("a node must be a [ ... ] list")
    if len(value) not in (10, 11):
        raise ValueError(f"a node has 10 fields (11 with a label), found {len(value)}")
    node_id = _number(value[0], "node number")
    width, height = _number(value[4], "width"), _number(value[5], "height")
    if width <= 0 or height <= 0:
        raise ValueError(f"width and height must be positive, got {width:g} x {height:g}")
    label = value[10] if len(value) == 11 else ""
    if not isinstance(label, str):
        raise ValueError(f"label should be a string, got {label!r}")
    if len(label) > MAX_LABEL_CHARS:
        raise ValueError(f"a label is {len(label)} characters; the limit is {MAX_LABEL_CHARS}")
    return NodeRecord(
        id=int(node_id),
        x=_number(value[1], "x"),
        y=_number(value[2], "y"),
        shape=Shape(_word(value[3], _SHAPES, "shape")),
        width=width,
        height=height,
        style=LineStyle(_word(value[6], _STYLES, "line style")),
        fill=_rgb(value[7], "background colour"),
        line_color=_rgb(value[8], "line colour"),
        targets=_targets(value[9]),
        label=label,
        line=line_no,
    )


def parse_node_list(text: str) -> NodeListParse:
    """Parse every line; collect unreadable lines as problems instead of dropping them."""
    check_size(text)
    result = NodeListParse()
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or _WRAPPER_OPEN.match(line):
            continue
        if _WRAPPER_CLOSE.match(line):
            continue
        if len(line) > MAX_LINE_CHARS:
            result.problems.append(Problem(line_no, f"line is over {MAX_LINE_CHARS} characters"))
            continue
        try:
            values = _node_values(line)
        except (ValueError, RecursionError) as exc:
            result.problems.append(Problem(line_no, f"{exc}: {line[:60]!r}"))
            continue
        for value in values:
            try:
                result.records.append(parse_node_record(value, line_no))
            except ValueError as exc:
                result.problems.append(Problem(line_no, f"{exc}: {line[:60]!r}"))
        if len(result.records) > MAX_NODES:
            raise DiagramTextError.at(line_no, f"more than {MAX_NODES} nodes; refusing")
    return result


def records_to_diagram(parse: NodeListParse) -> Diagram:
    """Build a Diagram from parsed records; unknown targets and duplicates become problems."""
    diagram = Diagram(kind=Kind.NODES)
    seen: set[int] = set()
    for rec in parse.records:
        if rec.id in seen:
            parse.problems.append(Problem(rec.line, f"node {rec.id} is defined twice; kept first"))
            continue
        seen.add(rec.id)
        diagram.nodes.append(
            Node(
                id=str(rec.id),
                x=rec.x,
                y=rec.y,
                width=rec.width,
                height=rec.height,
                shape=rec.shape,
                fill=rec.fill,
                line_color=rec.line_color,
                label=rec.label,
            )
        )
    for rec in parse.records:
        for target in rec.targets:
            if target not in seen:
                parse.problems.append(
                    Problem(rec.line, f"node {rec.id} points to unknown {target}")
                )
                continue
            if target == rec.id:
                parse.problems.append(Problem(rec.line, f"node {rec.id} points to itself; skipped"))
                continue
            edge = Edge(str(rec.id), str(target), style=rec.style, color=rec.line_color)
            if not any(e.source == edge.source and e.target == edge.target for e in diagram.edges):
                diagram.edges.append(edge)
    return diagram


def node_list_to_diagram(text: str, strict: bool = False) -> tuple[Diagram, list[Problem]]:
    """Parse a node-list text into a Diagram plus the problems found on the way.

    Raises DiagramTextError when no node could be read, or on any problem when `strict`.
    """
    parse = parse_node_list(text)
    if not parse.records:
        problems = parse.problems or [Problem(0, "no nodes found")]
        raise DiagramTextError(problems)
    diagram = records_to_diagram(parse)
    if strict and parse.problems:
        raise DiagramTextError(parse.problems)
    # The canvas stays the seed's 1000x600: nodes that stray outside it are what metrics
    # must see, not something to hide by growing the canvas.
    return diagram, parse.problems


def _quote(text: str) -> str:
    return f'"{text}"' if "'" in text else f"'{text}'"


def _fmt(v: float) -> str:
    return str(round(v)) if abs(v - round(v)) < 1e-6 else f"{v:.1f}"


def diagram_to_node_list(diagram: Diagram) -> str:
    """Write a Diagram in the seed's canonical node-list form (labels as an 11th field)."""
    numeric = all(n.id.isdigit() for n in diagram.nodes)
    ids = {n.id: int(n.id) if numeric else i for i, n in enumerate(diagram.nodes)}
    lines = []
    for n in diagram.nodes:
        out = [e for e in diagram.edges if e.source == n.id]
        style = out[0].style if out else LineStyle.SOLID_ARROW
        targets = ", ".join(str(ids[e.target]) for e in out)
        fields = [
            str(ids[n.id]),
            _fmt(n.x),
            _fmt(n.y),
            _quote(n.shape.value),
            _fmt(n.width),
            _fmt(n.height),
            _quote(style.value),
            "({}, {}, {})".format(*n.fill),
            "({}, {}, {})".format(*n.line_color),
            f"[{targets}]",
        ]
        if n.label:
            fields.append(_quote(n.label.replace('"', "'") if "'" in n.label else n.label))
        lines.append("[" + ", ".join(fields) + "]")
    return "\n".join(lines) + "\n"
