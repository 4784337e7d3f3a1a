"""Plans written back as text: the canonical form training answers use, `plan_to_text(p)`
parsing back to the same plan."""

from __future__ import annotations

from diagramgen.diagram import Kind, LineStyle
from diagramgen.formats.plan import FlowEdge, Layer, Plan
from diagramgen.vocabulary import END, LINE_WORDS, SHAPE_WORDS


def _style_header(plan: Plan) -> str:
    words = [plan.kind.value, plan.style.orientation.value, f"palette={plan.style.palette}"]
    inverse_shape = {v: k for k, v in SHAPE_WORDS.items()}
    inverse_line = {v: k for k, v in LINE_WORDS.items()}
    if plan.style.shape is not None:
        words.append(f"shape={inverse_shape[plan.style.shape]}")
    if plan.style.line is not None:
        words.append(f"line={inverse_line[plan.style.line]}")
    return " ".join(words)


def layer_to_text(layer: Layer) -> str:
    """The plan line for one layer, e.g. 'conv 3x3 16 same'."""
    words = [layer.type]
    if layer.image:
        words.append("x".join(map(str, layer.image)))
    elif layer.units is not None:
        words.append(str(layer.units))
    if layer.type == "pool" and layer.global_pool:
        words.append("global")
    elif layer.kernel:
        words.append(f"{layer.kernel[0]}x{layer.kernel[1]}")
    if layer.filters:
        words.append(str(layer.filters))
    if layer.times is not None:
        words.append(str(layer.times))
    if layer.type == "pool" and layer.mode != "max":
        words.append(layer.mode)
    if layer.same:
        words.append("same")
    if layer.stride:
        words.append(f"stride={layer.stride}")
    if layer.rate is not None:
        words.append(f"{layer.rate:g}")
    if layer.inputs:
        words.append("from=" + ",".join(str(i + 1) for i in layer.inputs))
    if layer.label:
        words.append(f'"{layer.label}"')
    return " ".join(words)


def _edge_chains(edges: list[FlowEdge]) -> list[str]:
    """Consecutive edges that continue each other share a line: a -> b -> c; a labelled edge
    has a line of its own: a -> b "yes"."""
    inverse_line = {v: k for k, v in LINE_WORDS.items()}
    lines: list[str] = []
    chain: list[str] = []
    style: LineStyle | None = None
    for e in edges:
        if e.label:
            if chain:
                lines.append(" -> ".join(chain) + (f" {inverse_line[style]}" if style else ""))
            chain = []
            shown = f" {inverse_line[e.style]}" if e.style else ""
            lines.append(f'{e.source} -> {e.target} "{e.label}"{shown}')
            continue
        if chain and chain[-1] == e.source and e.style == style and e.target not in chain:
            chain.append(e.target)
            continue
        if chain:
            lines.append(" -> ".join(chain) + (f" {inverse_line[style]}" if style else ""))
        chain, style = [e.source, e.target], e.style
    if chain:
        lines.append(" -> ".join(chain) + (f" {inverse_line[style]}" if style else ""))
    return lines


def plan_to_text(plan: Plan) -> str:
    """The canonical plan text (what training answers use), ending with the end line."""
    lines = [_style_header(plan)]
    if plan.kind is Kind.FLOW:
        for n in plan.nodes:
            shape = ""
            if n.shape is not None:
                shape = " shape=" + {v: k for k, v in SHAPE_WORDS.items()}[n.shape]
            lines.append(f'node {n.id} "{n.label}" {n.type}{shape}')
        for g in plan.groups:
            lines.append(f'group "{g.label}": ' + ", ".join(g.members))
        lines += _edge_chains(plan.edges)
    else:
        lines += [layer_to_text(layer) for layer in plan.layers]
        lines += [f"skip {a + 1} -> {b + 1}" for a, b in plan.skips]
    lines.append(END)
    return "\n".join(lines) + "\n"
