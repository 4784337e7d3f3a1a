"""The compact diagram text ("plan") that the LLM writes: grammar, parser and serializer.

A plan states *what* to draw and the style choices, never coordinates; the layout engine
turns it into a Diagram. Grammar (full reference in docs/PLAN_FORMAT.md):

    nn horizontal palette=blue shape=circle        # header: kind, orientation, options
    input 4                                       # nn / cnn: one layer per line
    dense 6
    output 1
    skip 1 -> 3                                   # residual arrow, 1-based layer numbers
    end                                           # explicit end line

    flow vertical palette=warm
    node q "Question" data                        # flow: id, label, optional type
    q -> emb -> db, cache -> llm                  # edges: chains, comma = fan-out/fan-in
    end
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from diagramgen.diagram import Kind, LineStyle, Orientation, Shape
from diagramgen.errors import DiagramTextError, check_size
from diagramgen.limits import (
    MAX_EDGES,
    MAX_FILTERS,
    MAX_GROUPS,
    MAX_IMAGE_SIDE,
    MAX_KERNEL,
    MAX_LABEL_CHARS,
    MAX_LAYERS,
    MAX_LINE_CHARS,
    MAX_NODES,
    MAX_REPEAT,
    MAX_STRIDE,
    MAX_UNITS,
)
from diagramgen.style import DEFAULT_PALETTE, PALETTES
from diagramgen.vocabulary import (
    END,
    LAYER_TYPES,
    LINE_WORDS,
    NODE_TYPES,
    PLAN_KINDS,
    SHAPE_WORDS,
    layer_type,
)

_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_DIMS = re.compile(r"(\d+)(?:x(\d+))?(?:x(\d+))?$")
_FLOW_TOKEN = re.compile(r'"[^"]*"|->|,|[^\s,"]+')
_LAYER_TOKEN = re.compile(r'"[^"]*"|[^\s"]+')


@dataclass
class Style:
    """How a plan asks to be drawn: orientation, palette, and optional shape and line overrides."""

    orientation: Orientation = Orientation.HORIZONTAL
    palette: str = DEFAULT_PALETTE
    shape: Shape | None = None  # None: the kind's default
    line: LineStyle | None = None


@dataclass
class Layer:
    """One layer of a net or CNN plan: its type, the settings that type uses, its source line."""

    type: str  # one of LAYER_TYPES
    units: int | None = None  # input (vector) / dense / output
    image: tuple[int, ...] | None = None  # input HxW or HxWxC
    kernel: tuple[int, int] | None = None  # conv / pool
    filters: int | None = None  # conv
    stride: int | None = None  # conv (default 1) / pool (default kernel)
    same: bool = False  # conv padding keeps H x W
    mode: str = "max"  # pool: max | avg
    global_pool: bool = False
    rate: float | None = None  # dropout
    times: int | None = None  # repeat: how many times the block repeats
    label: str | None = None  # overrides the generated caption
    inputs: list[int] = field(default_factory=list)  # 0-based; empty = the previous layer
    line: int = 0


@dataclass
class FlowNode:
    """One node of a flow plan: id, label, node type, optional shape and its source line."""

    id: str
    label: str
    type: str = "process"
    shape: Shape | None = None
    line: int = 0


@dataclass
class FlowEdge:
    """One edge of a flow plan, with an optional line style and its source line."""

    source: str
    target: str
    style: LineStyle | None = None
    line: int = 0
    label: str = ""  # drawn on the edge, e.g. "yes" out of a decision


@dataclass
class FlowGroup:
    """Nodes that belong together, drawn inside one labelled box ("Backend")."""

    label: str
    members: list[str]
    line: int = 0


@dataclass
class Plan:
    """A parsed plan: kind and style, then layers and skips (nets) or nodes and edges (flows)."""

    kind: Kind
    style: Style = field(default_factory=Style)
    layers: list[Layer] = field(default_factory=list)
    skips: list[tuple[int, int]] = field(default_factory=list)  # 0-based (from, to)
    nodes: list[FlowNode] = field(default_factory=list)
    edges: list[FlowEdge] = field(default_factory=list)
    groups: list[FlowGroup] = field(default_factory=list)


def _fail(line: int, message: str) -> DiagramTextError:
    return DiagramTextError.at(line, message)


def _tokens(text: str, line: int, flow: bool = False) -> list[str]:
    if text.count('"') % 2:
        raise _fail(line, "unclosed quote")
    return (_FLOW_TOKEN if flow else _LAYER_TOKEN).findall(text)


def _label(word: str, line: int) -> str:
    """A quoted word's text, within the label limit."""
    text = word[1:-1].strip()
    if len(text) > MAX_LABEL_CHARS:
        raise _fail(line, f"a label is {len(text)} characters; the limit is {MAX_LABEL_CHARS}")
    return text


def _strip_comment(raw: str) -> str:
    out, quoted = [], False
    for ch in raw:
        if ch == '"':
            quoted = not quoted
        if ch == "#" and not quoted:
            break
        out.append(ch)
    return "".join(out).strip()


def _int(word: str, line: int, what: str, low: int = 1, high: int = MAX_UNITS) -> int:
    # ASCII digits only: str.isdigit also accepts '²' and '➀', which int() refuses
    if not (word.isascii() and word.isdigit()):
        raise _fail(line, f"{what} should be a whole number, got {word!r}")
    if len(word) > 15:  # long before int() would refuse thousands of digits
        raise _fail(line, f"{what} must be between {low} and {high:,}, got {word[:20]}...")
    value = int(word)
    if not low <= value <= high:
        raise _fail(line, f"{what} must be between {low} and {high:,}, got {value:,}")
    return value


def _kernel(word: str, line: int) -> tuple[int, int]:
    m = _DIMS.match(word)
    if not m or m.group(3):
        raise _fail(line, f"kernel should look like 3x3, got {word!r}")
    k1 = _int(m.group(1), line, "kernel size", 1, MAX_KERNEL)
    k2 = _int(m.group(2), line, "kernel size", 1, MAX_KERNEL) if m.group(2) else k1
    return (k1, k2)


def _parse_header(words: list[str], line: int) -> tuple[Kind, Style]:
    kinds = {k.value: k for k in (Kind.NN, Kind.CNN, Kind.FLOW)}
    if not words or words[0] not in kinds:
        got = words[0] if words else ""
        raise _fail(line, f"the first line must start with nn, cnn or flow, got {got!r}")
    style = Style()
    for word in words[1:]:
        key, _, value = word.partition("=")
        if not value:
            if word in ("horizontal", "vertical"):
                style.orientation = Orientation(word)
                continue
            raise _fail(line, f"unknown header word {word!r} (orientation or key=value)")
        if key == "palette" and value in PALETTES:
            style.palette = value
        elif key == "shape" and value in SHAPE_WORDS:
            style.shape = SHAPE_WORDS[value]
        elif key == "line" and value in LINE_WORDS:
            style.line = LINE_WORDS[value]
        else:
            choices: dict[str, list[str]] = {
                "palette": list(PALETTES),
                "shape": list(SHAPE_WORDS),
                "line": list(LINE_WORDS),
            }
            if key not in choices:
                raise _fail(line, f"unknown option {key!r} (palette, shape or line)")
            raise _fail(line, f"{key} must be one of {', '.join(choices[key])}, got {value!r}")
    return kinds[words[0]], style


def _layer_refs(text: str, line: int, count: int) -> list[int]:
    refs = []
    for part in text.split(","):
        ref = _int(part, line, "layer number", 1, max(count, 1))
        refs.append(ref - 1)
    return refs


def _parse_layer(words: list[str], line: int, index: int) -> Layer:
    kind = layer_type(words[0])
    if kind not in LAYER_TYPES:
        raise _fail(line, f"unknown layer type {words[0]!r} (one of: {', '.join(LAYER_TYPES)})")
    layer = Layer(type=kind, line=line)
    args = []
    for word in words[1:]:
        if word.startswith('"'):
            layer.label = _label(word, line)
        elif word.startswith("from="):
            if index == 0:
                raise _fail(line, "the first layer has no earlier layer to come from")
            layer.inputs = _layer_refs(word[5:], line, index)
        elif word.startswith("stride="):
            layer.stride = _int(word[7:], line, "stride", 1, MAX_STRIDE)
        elif word == "same" and kind == "conv":
            layer.same = True
        elif word in ("max", "avg") and kind == "pool":
            layer.mode = word
        elif word == "global" and kind == "pool":
            layer.global_pool = True
        else:
            args.append(word)
    _layer_args(layer, args, line)
    return layer


def _layer_args(layer: Layer, args: list[str], line: int) -> None:
    kind = layer.type
    expected = {"input": 1, "dense": 1, "output": 1, "conv": 2, "pool": 1, "dropout": 1}
    expected["repeat"] = 1
    if len(args) > expected.get(kind, 0):
        raise _fail(line, f"too many values for {kind}: {' '.join(args)!r}")
    if kind in ("dense", "output"):
        if not args:
            raise _fail(line, f"{kind} needs a unit count, e.g. '{kind} 16'")
        layer.units = _int(args[0], line, "unit count")
    elif kind == "input":
        if not args:
            raise _fail(line, "input needs a size, e.g. 'input 4' or 'input 32x32'")
        m = _DIMS.match(args[0])
        if not m:
            raise _fail(line, f"input size should be N, HxW or HxWxC, got {args[0]!r}")
        if m.group(2):
            dims = [g for g in m.groups() if g]
            layer.image = tuple(_int(d, line, "input size", 1, MAX_IMAGE_SIDE) for d in dims)
        else:
            layer.units = _int(m.group(1), line, "input size")
    elif kind == "conv":
        if not args:
            raise _fail(line, "conv needs a kernel, e.g. 'conv 3x3' or 'conv 3x3 32'")
        layer.kernel = _kernel(args[0], line)
        if len(args) == 2:
            layer.filters = _int(args[1], line, "filter count", 1, MAX_FILTERS)
    elif kind == "pool" and not layer.global_pool:
        if not args:
            raise _fail(line, "pool needs a window, e.g. 'pool 2x2' or 'pool global'")
        layer.kernel = _kernel(args[0], line)
    elif kind == "repeat":
        if not args:
            raise _fail(line, "repeat needs a count, e.g. 'repeat 12 \"Transformer block\"'")
        layer.times = _int(args[0], line, "repeat count", 1, MAX_REPEAT)
    elif kind == "dropout" and args:
        try:
            layer.rate = float(args[0])
        except ValueError:
            raise _fail(line, f"dropout rate should be a number, got {args[0]!r}") from None
        if not 0 <= layer.rate < 1:
            raise _fail(line, f"dropout rate must be in [0, 1), got {args[0]}")


def _parse_skip(words: list[str], line: int, count: int) -> tuple[int, int]:
    if len(words) != 4 or words[2] != "->":
        raise _fail(line, "skip should look like 'skip 1 -> 3'")
    a = _int(words[1], line, "layer number", 1, max(count, 1)) - 1
    b = _int(words[3], line, "layer number", 1, max(count, 1)) - 1
    if b <= a + 1:
        raise _fail(line, f"a skip must jump over at least one layer, got {a + 1} -> {b + 1}")
    return (a, b)


def slug(label: str) -> str:
    """An identifier made from a label: 'Vector DB' -> 'vector_db'."""
    s = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    return s if s and not s[0].isdigit() else f"n_{s}"


class _FlowBuilder:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.by_id: dict[str, FlowNode] = {}
        self.grouped: dict[str, str] = {}  # node id -> its group's label

    def add_node(self, words: list[str], line: int) -> None:
        if len(words) < 3 or not words[2].startswith('"'):
            raise _fail(line, 'a node line looks like: node ID "Label" [type] [shape=S]')
        node_id = words[1]
        if not _ID.match(node_id):
            raise _fail(line, f"node id {node_id!r} must be letters, digits or _")
        if node_id in self.by_id:
            raise _fail(line, f"node {node_id!r} is declared twice")
        node = FlowNode(id=node_id, label=_label(words[2], line), line=line)
        for word in words[3:]:
            if word in NODE_TYPES:
                node.type = word
            elif word.startswith("shape=") and word[6:] in SHAPE_WORDS:
                node.shape = SHAPE_WORDS[word[6:]]
            else:
                raise _fail(line, f"unknown node option {word!r} (types: {', '.join(NODE_TYPES)})")
        self._register(node, line)

    def _register(self, node: FlowNode, line: int) -> None:
        if len(self.by_id) >= MAX_NODES:
            raise _fail(line, f"more than {MAX_NODES} nodes; refusing")
        self.by_id[node.id] = node
        self.plan.nodes.append(node)

    def ref(self, word: str, line: int) -> str:
        if word.startswith('"'):
            label = _label(word, line)
            for node in self.plan.nodes:
                if node.label == label:
                    return node.id
            node_id, n = slug(label), 2
            while node_id in self.by_id:
                node_id, n = f"{slug(label)}_{n}", n + 1
            self._register(FlowNode(id=node_id, label=label, line=line), line)
            return node_id
        if word not in self.by_id:
            raise _fail(line, f'unknown node {word!r} (declare it: node {word} "Label")')
        return word

    def add_group(self, words: list[str], line: int) -> None:
        """`group "Label": a, b, c`: a labelled box around nodes already named."""
        if len(words) < 4 or not words[1].startswith('"') or words[2] != ":":
            raise _fail(line, 'a group line looks like: group "Label": a, b, c')
        if len(self.plan.groups) >= MAX_GROUPS:
            raise _fail(line, f"more than {MAX_GROUPS} groups; refusing")
        members: list[str] = []
        for k, word in enumerate(words[3:]):
            if (word == ",") != (k % 2 == 1):
                raise _fail(line, f"unexpected {word!r} in a group line (a, b, c)")
            if word != ",":
                members.append(self.known(word, line))
        if words[-1] == ",":
            raise _fail(line, "a group line ends with a node, not a comma")
        for node_id in members:
            if node_id in self.grouped:
                raise _fail(line, f"node {node_id!r} is already in group {self.grouped[node_id]!r}")
        label = _label(words[1], line)
        self.grouped.update(dict.fromkeys(members, label))
        self.plan.groups.append(FlowGroup(label, members, line))

    def known(self, word: str, line: int) -> str:
        """The id of a node named by id or by its quoted label, which must exist already."""
        if word.startswith('"'):
            label = _label(word, line)
            for node in self.plan.nodes:
                if node.label == label:
                    return node.id
            raise _fail(line, f"no node labelled {label!r} (declare it before the group)")
        if word not in self.by_id:
            raise _fail(line, f"unknown node {word!r} (declare it before the group)")
        return word

    def add_edges(self, words: list[str], line: int) -> None:
        """`a -> b "yes" -> c, d [style]`: edges hop by hop; a quoted word after a hop's nodes
        labels the edges into them."""
        style = None
        if words[-1] in LINE_WORDS:
            style = LINE_WORDS[words.pop()]
        hops: list[list[str]] = [[]]
        labels = [""]
        expect_ref = True
        for word in words:
            if word == "->" and not expect_ref:
                hops.append([])
                labels.append("")
                expect_ref = True
            elif word == "," and not expect_ref:
                expect_ref = True
            elif expect_ref and word not in ("->", ","):
                hops[-1].append(self.ref(word, line))
                expect_ref = False
            elif word.startswith('"') and len(hops) > 1 and not labels[-1]:
                labels[-1] = _label(word, line)
            else:
                raise _fail(line, f'unexpected {word!r} in an edge line (a -> b "label", c)')
        if expect_ref or len(hops) < 2:
            raise _fail(line, "an edge line needs a node on each side of '->'")
        for (sources, targets), label in zip(itertools.pairwise(hops), labels[1:], strict=True):
            for s in sources:
                for t in targets:
                    if s == t:
                        raise _fail(line, f"node {s!r} points to itself")
                    self.plan.edges.append(FlowEdge(s, t, style, line, label))


def _content_lines(text: str) -> list[tuple[int, str]]:
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if len(raw) > MAX_LINE_CHARS:
            raise _fail(number, f"line is over {MAX_LINE_CHARS} characters")
        stripped = _strip_comment(raw)
        if stripped:
            lines.append((number, stripped))
    return lines


def parse_plan(text: str, require_end: bool = True) -> Plan:
    """Parse a plan text; raises DiagramTextError naming the line and what is wrong."""
    check_size(text)
    lines = _content_lines(text)
    if not lines:
        raise _fail(0, "the plan is empty")
    first_line, header = lines[0]
    kind, style = _parse_header(_tokens(header, first_line), first_line)
    plan = Plan(kind=kind, style=style)
    flow = _FlowBuilder(plan)
    ended = False
    for number, content in lines[1:]:
        if ended:
            raise _fail(number, f"text after the end line: {content[:40]!r}")
        if content == END:
            ended = True
            continue
        words = _tokens(content, number, flow=plan.kind is Kind.FLOW)
        _parse_line(plan, flow, words, number)
    if not ended and require_end:
        raise _fail(lines[-1][0] + 1, "missing the end line ('end')")
    _check_complete(plan)
    return plan


def _parse_line(plan: Plan, flow: _FlowBuilder, words: list[str], line: int) -> None:
    if plan.kind is Kind.FLOW:
        if words[0] == "node":
            flow.add_node(words, line)
        elif words[0] == "group":
            flow.add_group(words, line)
        else:
            flow.add_edges(words, line)
        return
    if words[0] == "layer":
        words = words[1:]
    if not words:
        raise _fail(line, "'layer' needs a type, e.g. 'layer dense 16'")
    if words[0] == "skip":
        plan.skips.append(_parse_skip(words, line, len(plan.layers)))
        return
    if len(plan.layers) >= MAX_LAYERS:
        raise _fail(line, f"more than {MAX_LAYERS} layers; refusing")
    plan.layers.append(_parse_layer(words, line, len(plan.layers)))


def _check_complete(plan: Plan) -> None:
    if plan.kind is Kind.FLOW:
        if not plan.nodes:
            raise _fail(0, "a flow needs at least one node")
        if len(plan.edges) > MAX_EDGES:
            raise _fail(0, f"more than {MAX_EDGES} edges; refusing")
    elif not plan.layers:
        raise _fail(0, f"a {plan.kind.value} plan needs at least one layer")


def looks_like_plan(text: str) -> bool:
    """True when the first meaningful line is a plan header (nn / cnn / flow)."""
    for raw in text.splitlines():
        content = _strip_comment(raw)
        if content:
            return content.split()[0] in PLAN_KINDS
    return False
