"""The canonical plan grammar as a Lark grammar for constrained decoding (llguidance).

It admits exactly the canonical plan texts `plan_to_text` writes (a subset of what the parser
accepts), so a constrained model can only write text the parser reads. What a context-free
grammar cannot check (a flow edge naming an undeclared node, a window too big for its input)
is caught by parsing and layout afterwards, and the candidate resampled.

Given a net the request states completely (`RequestSpec.certain`: a sized input and output,
every layer read), the answer must be exactly that net: its layers in order, each with the
options the request states (an option it leaves open stays open), an optional flatten where a
conv stack meets a dense layer, and its skips. A small model's commonest net mistake is a layer
too many or too few, which no later check can repair; where the reading is not certain the
grammar holds only the syntax. Likewise a flow told as nothing but arrow chains
(`RequestSpec.chain`) is held to its steps, in order, and its edges; each node's type and the
style stay the model's.
"""

from __future__ import annotations

from dataclasses import dataclass

from diagramgen.limits import (
    MAX_EDGE_LABEL_CHARS,
    MAX_FILTERS,
    MAX_IMAGE_SIDE,
    MAX_KERNEL,
    MAX_PLAN_GROUPS,
    MAX_PLAN_LABEL_CHARS,
    MAX_PLAN_LINES,
    MAX_PLAN_NODES,
    MAX_PLAN_SKIPS,
    MAX_PLAN_STRIDE,
    MAX_REPEAT,
    MAX_UNITS,
    int_pattern,
)
from diagramgen.request.chains import FlowChain
from diagramgen.request.layer_spec import LayerReading, LayerSpec
from diagramgen.request.spec import read_request
from diagramgen.style import PALETTES
from diagramgen.vocabulary import HEADER_SHAPES, NODE_TYPES, SHAPE_WORDS


def _alt(words: list[str] | tuple[str, ...]) -> str:
    return "(" + "|".join(words) + ")"


def _quoted(most: int) -> str:
    """A quoted label: no quote, nor anything str.splitlines() breaks a line at."""
    return f'"[^"\\n\\r\\x0b\\x0c\\x1c-\\x1e\\x85\\u2028\\u2029]{{1,{most}}}"'


def _letters(k: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[:k]


def _skips(k: int) -> str:
    """Every valid `skip A -> B` for a k-layer plan (B at least two layers after A)."""
    pairs = [f"{a} -> {b}" for a in range(1, k - 1) for b in range(a + 2, k + 1)]
    return "skip (" + "|".join(pairs) + ")"


STRIDE = int_pattern(MAX_PLAN_STRIDE)
FILTERS = int_pattern(MAX_FILTERS)
SIDE = int_pattern(MAX_IMAGE_SIDE)
KERNEL = int_pattern(MAX_KERNEL)


def _stride(stated: int | None, default: int) -> str:
    if stated is None:
        return f"( stride={STRIDE})?"
    return f"( stride={stated})?" if stated == default else f" stride={stated}"


def layer_pattern(layer: LayerSpec) -> str:
    """The canonical plan line(s) that state this layer, as a regex: what the request states is
    fixed, what it leaves open is free (as `layer_to_text` writes the options, in order)."""
    match layer.type:
        case "input" if layer.shape:
            channels = f"x{layer.shape[2]}" if len(layer.shape) > 2 else f"(x{SIDE})?"
            return f"input {layer.shape[0]}x{layer.shape[1]}{channels}"
        case "input" | "dense" | "output":
            return f"{layer.type} {layer.size}"
        case "conv":
            filters = f" {layer.filters}" if layer.filters else f"( {FILTERS})?"
            same = {"same": " same", "valid": ""}.get(layer.padding or "", "( same)?")
            k = f"{layer.kernel}x{layer.kernel}" if layer.kernel else f"{KERNEL}x{KERNEL}"
            return f"conv {k}{filters}{same}{_stride(layer.stride, 1)}"
        case "pool":
            mode = {"avg": " avg", "max": ""}.get(layer.mode or "", "( avg)?")
            if layer.global_pool:
                mode = {"avg": " avg", "max": "( max)?"}.get(layer.mode or "", "( avg| max)?")
                return f"pool global{mode}"
            if layer.kernel is None:  # an unsized pool: any window, or global
                mode = mode if layer.mode else "( avg| max)?"
                return f"pool ({KERNEL}x{KERNEL}|global){mode}{_stride(layer.stride, 0)}"
            side = layer.kernel
            return f"pool {side}x{side}{mode}{_stride(layer.stride, side)}"
        case "dropout":
            return "dropout" + (
                f" {layer.rate:g}" if layer.rate is not None else "( (0\\.[0-9]{1,2}|0))?"
            )
        case "flatten":
            return "flatten"
    raise ValueError(f"no plan line for a {layer.type} layer")


OPTIONAL_FLATTEN = "flatten?"  # a line that may be there or not (kept out of a terminal: a
# newline inside a terminal's regex trips the lexer on the line after it)


def net_lines(reading: LayerReading) -> tuple[str, ...]:
    """The regex of every line of a net read with certainty, in order: its layers (an optional
    flatten where convolution meets a dense layer, if the request names none) and its skips."""
    lines = [layer_pattern(x) for x in reading.layers]
    types = [x.type for x in reading.layers]
    if "flatten" not in types and not reading.skips:
        spatial = [i for i, t in enumerate(types) if t in ("conv", "pool")]
        if spatial and spatial[-1] + 1 < len(lines):
            lines.insert(spatial[-1] + 1, OPTIONAL_FLATTEN)
    lines += [f"skip {a + 1} -> {b + 1}" for a, b in reading.skips]
    return tuple(lines)


@dataclass(frozen=True)
class HeldPlan:
    """What decoding is held to: the line patterns of a net, or the steps and edges of a flow,
    that the request states exactly; empty (false) when it states neither."""

    net: tuple[str, ...] = ()
    flow: FlowChain | None = None

    def __bool__(self) -> bool:
        return bool(self.net) or self.flow is not None


NOTHING_HELD = HeldPlan()


def request_plan(request: str) -> HeldPlan:
    """What a request states exactly, for holding decoding to it.
    (Holding only a CNN's conv and pool layers where the rest is unsure was tried: on the
    natural set it excluded the truth in 5 of the 12 requests it held, so it is not done.)"""
    spec = read_request(request)
    if spec.chain is not None:
        return HeldPlan(flow=spec.chain)
    lines = len(spec.layers.layers) + len(spec.layers.skips)
    if not spec.certain or lines > MAX_PLAN_LINES - 2:
        return NOTHING_HELD
    return HeldPlan(net=net_lines(spec.layers))


def flow_lines(chain: FlowChain) -> tuple[list[str], list[str], list[str]]:
    """A chain flow's node lines (up to their type: a decision's is held, the others' stay the
    model's), its group lines and its edge lines, written as the canonical writer does: edges
    that continue each other share a line."""
    ids = _letters(len(chain.labels))
    nodes = [f'node {ids[i]} "{label}" ' for i, label in enumerate(chain.labels)]
    groups = [
        f'group "{name}": ' + ", ".join(ids[i] for i in members) for name, members in chain.groups
    ]
    lines: list[tuple[list[int], str]] = []
    for (a, b), label in zip(chain.edges, chain.edge_labels, strict=True):
        if label:  # a labelled edge has a line of its own: a -> b "yes"
            lines.append(([a, b], label))
        elif lines and not lines[-1][1] and lines[-1][0][-1] == a and b not in lines[-1][0]:
            lines[-1][0].append(b)
        else:
            lines.append(([a, b], ""))
    return (
        nodes,
        groups,
        [
            " -> ".join(ids[i] for i in line) + (f' "{label}"' if label else "")
            for line, label in lines
        ],
    )


def _lark_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _flow_grammar(chain: FlowChain, style: str) -> str:
    nodes, groups, edges = flow_lines(chain)
    body = " ".join(
        f'{_lark_string(n)} {"DECISION" if i in chain.decisions else "STEP"} "\\n"'
        for i, n in enumerate(nodes)
    )
    body += " " + " ".join(f'{_lark_string(line)} "\\n"' for line in [*groups, *edges])
    shape = f"( shape={_alt(list(SHAPE_WORDS))})?"
    steps = _alt([t for t in NODE_TYPES if t != "decision"])
    return (
        f'start: FLOW_HEADER "\\n" {body} "end"\nFLOW_HEADER: /flow{style}/\n'
        f"STEP: /{steps}{shape}/\nDECISION: /decision{shape}/"
    )


def plan_grammar(held: HeldPlan = NOTHING_HELD) -> str:
    """One rule per layer count (so skips name existing layers) and per node count (so edges
    name declared nodes, ids a, b, c, ... in order); with a held net (the regexes of its lines,
    see `net_lines`) or flow (its steps and edges) the answer is that and nothing else."""
    palettes = _alt(list(PALETTES))
    style = (
        f"( (horizontal|vertical))?( palette={palettes})?"
        f"( shape={_alt([w for w, s in SHAPE_WORDS.items() if s in HEADER_SHAPES])})?"
        "( line=(arrow|line|dashed))?"
    )
    if held.flow is not None:
        return _flow_grammar(held.flow, style)
    if held.net:
        body = " ".join(
            '("flatten" "\\n")?' if line == OPTIONAL_FLATTEN else f'/{line}/ "\\n"'
            for line in held.net
        )
        return f'start: NET_HEADER "\\n" {body} "end"\nNET_HEADER: /(nn|cnn){style}/'
    # Numbers exactly within the parser's limits (diagramgen.limits).
    n = int_pattern(MAX_UNITS)
    side = int_pattern(MAX_IMAGE_SIDE)
    kk = int_pattern(MAX_KERNEL)
    k = f"{kk}x{kk}"
    filters = int_pattern(MAX_FILTERS)
    repeat = int_pattern(MAX_REPEAT)
    label = _quoted(MAX_PLAN_LABEL_CHARS)
    edge_label = _quoted(MAX_EDGE_LABEL_CHARS)
    layer = (
        f"(input ({n}|{side}x{side}(x{side})?)|conv {k}( {filters})?( same)?( stride={STRIDE})?"
        f"|pool ({k}( avg)?|global( avg| max)?)( stride={STRIDE})?"
        f"|(dense|output) {n}|flatten|dropout( (0\\.[0-9]{{1,2}}|0))?|repeat {repeat})( {label})?"
    )
    node_tail = f" {label} {_alt(NODE_TYPES)}( shape={_alt(list(SHAPE_WORDS))})?"
    rules = [
        f"NET_HEADER: /(nn|cnn){style}/",
        f"FLOW_HEADER: /flow{style}/",
        f"LAYER: /{layer}/",
    ]
    nets = []
    for i in range(1, MAX_PLAN_LINES + 1):
        skips = f' (SKIP{i} "\\n"){{0,{MAX_PLAN_SKIPS}}}' if i >= 3 else ""
        if i >= 3:
            rules.append(f"SKIP{i}: /{_skips(i)}/")
        rules.append(f'net{i}: NET_HEADER "\\n" (LAYER "\\n"){{{i}}}{skips} "end"')
        nets.append(f"net{i}")
    for i in range(1, MAX_PLAN_NODES + 1):
        ids = _letters(i)
        nodes = " ".join(f'NODE_{c.upper()} "\\n"' for c in ids)
        groups = f' (GROUP{i} "\\n"){{0,{MAX_PLAN_GROUPS}}}'
        edges = f' (EDGE{i} "\\n"){{0,{MAX_PLAN_LINES}}}' if i >= 2 else ""
        rules.append(f'flow{i}: FLOW_HEADER "\\n" {nodes}{groups}{edges} "end"')
        rules.append(f"GROUP{i}: /group {label}: [{ids}](, [{ids}])*/")
        if i >= 2:
            rules.append(f"EDGE{i}: /[{ids}]( -> [{ids}])+( {edge_label})?( (arrow|line|dashed))?/")
    rules += [f"NODE_{c.upper()}: /node {c}{node_tail}/" for c in _letters(MAX_PLAN_NODES)]
    flows = [f"flow{i}" for i in range(1, MAX_PLAN_NODES + 1)]
    return "\n".join(["start: " + " | ".join(nets + flows), *rules])
