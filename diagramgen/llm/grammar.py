"""The canonical plan grammar as a Lark grammar for constrained decoding (llguidance).

It admits exactly the canonical plan texts `plan_to_text` writes (a subset of what the parser
accepts), so a constrained model can only write text the parser reads. What a context-free
grammar cannot check (a flow edge naming an undeclared node, a window too big for its input)
is caught by parsing and layout afterwards, and the candidate resampled.

Given the conv and pool layers a request names, in order, with the windows it states, a net
must also have exactly those after its input (then its dense/output layers), an unsized pool
being 2x2 (or global): a small model's commonest CNN mistake on long requests is one conv or
pool too many or too few, which no later check can repair.
"""

from __future__ import annotations

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
Mention = tuple[str, str | None]  # ("conv" or "pool", a stated window such as "3x3", or None)


def _conv(window: str, filters: str) -> str:
    return f"conv {window}( {filters})?( same)?( stride={STRIDE})?"


def _pool(windows: str) -> str:
    return f"pool ({windows})( stride={STRIDE})?"


def _mentioned_layer(kind: str, window: str | None, k: str, filters: str) -> str:
    """A conv or pool line as the request names it: its stated window, else any conv window,
    and for an unsized pool 2x2 (or global)."""
    if kind == "conv":
        return _conv(window or k, filters)
    return _pool(f"{window}( avg)?" if window else "2x2( avg)?|global( avg| max)?")


def _terminal(mention: Mention) -> str:
    kind, window = mention
    return f"{kind.upper()}_{window.upper() if window else 'ANY'}"


def plan_grammar(cnn_layers: tuple[Mention, ...] = ()) -> str:
    """One rule per layer count (so skips name existing layers) and per node count (so edges
    name declared nodes, ids a, b, c, ... in order); with `cnn_layers` (in order), nets are an
    input, exactly those layers, then dense/output/flatten/dropout ones."""
    palettes = _alt(list(PALETTES))
    style = (
        f"( (horizontal|vertical))?( palette={palettes})?"
        f"( shape={_alt([w for w, s in SHAPE_WORDS.items() if s in HEADER_SHAPES])})?"
        "( line=(arrow|line|dashed))?"
    )
    # Numbers exactly within the parser's limits (diagramgen.limits).
    n = int_pattern(MAX_UNITS)
    side = int_pattern(MAX_IMAGE_SIDE)
    kk = int_pattern(MAX_KERNEL)
    k = f"{kk}x{kk}"
    filters = int_pattern(MAX_FILTERS)
    repeat = int_pattern(MAX_REPEAT)
    label = _quoted(MAX_PLAN_LABEL_CHARS)
    edge_label = _quoted(MAX_EDGE_LABEL_CHARS)
    kinds = {
        "input": f"input ({n}|{side}x{side}(x{side})?)",
        "conv": _conv(k, filters),
        "pool": _pool(f"{k}( avg)?|global( avg| max)?"),
        "tail": f"(dense|output) {n}|flatten|dropout (0\\.[0-9]{{1,2}}|0)|repeat {repeat}",
    }
    layer = "(" + "|".join(kinds.values()) + f")( {label})?"
    node_tail = f" {label} {_alt(NODE_TYPES)}( shape={_alt(list(SHAPE_WORDS))})?"
    if len(cnn_layers) > MAX_PLAN_LINES - 2:
        cnn_layers = ()  # more than a plan may hold: leave the layers to the model
    rules = [
        f"NET_HEADER: /(nn|cnn){style}/",
        f"FLOW_HEADER: /flow{style}/",
    ]
    if cnn_layers:
        rules += [f"{kind.upper()}: /({kinds[kind]})( {label})?/" for kind in ("input", "tail")]
        rules += [
            f"{_terminal(m)}: /({_mentioned_layer(*m, k, filters)})( {label})?/"
            for m in dict.fromkeys(cnn_layers)
        ]
    else:
        rules.append(f"LAYER: /{layer}/")
    fixed = " ".join(f'{t} "\\n"' for t in ("INPUT", *map(_terminal, cnn_layers)))
    nets = []
    for i in range(1, MAX_PLAN_LINES + 1):
        skips = f' (SKIP{i} "\\n"){{0,{MAX_PLAN_SKIPS}}}' if i >= 3 else ""
        tail = i - 1 - len(cnn_layers)
        if cnn_layers and tail < 1:
            continue
        if i >= 3:
            rules.append(f"SKIP{i}: /{_skips(i)}/")
        body = f'{fixed} (TAIL "\\n"){{{tail}}}' if cnn_layers else f'(LAYER "\\n"){{{i}}}'
        rules.append(f'net{i}: NET_HEADER "\\n" {body}{skips} "end"')
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
