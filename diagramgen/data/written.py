"""Requests that people wrote, with the diagram they meant, made into training examples.

The generator's requests are its own phrasings; these rows (`corpus/*.jsonl`, written by
authors who saw only a brief, never the generator or the held-out sets) carry how people say
flows and nets. Each row: `request`, `lang`, `tags` and `truth` in the structure schema: a
flow's nodes (`id`, `label`, optional `type` and `group`) and edges (`[source, target]` or with
a label); a net's layers (`type` and what the request states: `size`, `shape`, `kernel`,
`filters`, `stride`, `padding`, `mode`, `global`, `rate`) and optional `skips`.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

from diagramgen.data.example import Example, make_example
from diagramgen.data.flows import node_ids
from diagramgen.data.phrasing import random_style
from diagramgen.diagram import Kind, Orientation
from diagramgen.errors import DiagramTextError
from diagramgen.formats.plan import (
    FlowEdge,
    FlowGroup,
    FlowNode,
    Layer,
    Plan,
    Style,
    parse_plan,
)
from diagramgen.formats.plan_writer import plan_to_text
from diagramgen.jsonl import read_jsonl
from diagramgen.layout import layout_plan
from diagramgen.quality.match import compare_structures
from diagramgen.request.spec import stated_orientation
from diagramgen.vocabulary import NODE_TYPES

# Types people's truths use that the plan spells otherwise.
_TYPE_ALIASES = {"start": "terminal", "end": "terminal", "store": "db", "database": "db"}


def _node_type(node: dict[str, Any]) -> str:
    kind = node.get("type") or "process"
    kind = _TYPE_ALIASES.get(kind, kind)
    return kind if kind in NODE_TYPES else "process"


def _text(label: str) -> str:
    return label.strip().replace('"', "'")  # a plan label is quoted, so it holds no quote


def _style(rng: random.Random, kind: str, request: str, truth: dict[str, Any]) -> Style:
    """A random style facing the way the truth or the request asks."""
    style = random_style(rng, kind)
    orientation = truth.get("orientation") or stated_orientation(request)
    return replace(style, orientation=Orientation(orientation)) if orientation else style


def truth_to_plan(truth: dict[str, Any], rng: random.Random, request: str = "") -> Plan:
    """The plan that draws a truth: a flow's or a net's (`net_truth_to_plan`)."""
    if truth.get("kind") in ("nn", "cnn"):
        return net_truth_to_plan(truth, rng, request)
    if truth.get("kind") != "flow":
        raise ValueError(f"not a flow or net truth: kind {truth.get('kind')!r}")
    return flow_truth_to_plan(truth, rng, request)


def flow_truth_to_plan(truth: dict[str, Any], rng: random.Random, request: str = "") -> Plan:
    """The plan that draws a flow truth: nodes in order (ids a, b, …), edges with their labels,
    groups by name, a random style facing the way the request asks."""
    nodes = truth["nodes"]
    ids = dict(zip((n["id"] for n in nodes), node_ids(len(nodes)), strict=True))
    if len(ids) != len(nodes):
        raise ValueError("node ids repeat")
    for edge in truth["edges"]:
        if edge[0] not in ids or edge[1] not in ids:
            raise ValueError(f"edge {edge[0]} -> {edge[1]} names a node the truth lacks")
    plan = Plan(kind=Kind.FLOW, style=_style(rng, "flow", request, truth))
    plan.nodes = [FlowNode(ids[n["id"]], _text(n["label"]), _node_type(n)) for n in nodes]
    plan.edges = [
        FlowEdge(ids[e[0]], ids[e[1]], None, label=_text(e[2]) if len(e) > 2 else "")
        for e in truth["edges"]
    ]
    names = list(dict.fromkeys(n["group"] for n in nodes if n.get("group")))
    plan.groups = [
        FlowGroup(_text(name), [ids[n["id"]] for n in nodes if n.get("group") == name])
        for name in names
    ]
    return plan


def _square(value: Any) -> tuple[int, int]:
    """A kernel or window as the truth gives it (3 or [3, 3])."""
    sides = value if isinstance(value, list) else [value, value]
    return int(sides[0]), int(sides[-1])


def truth_layer(layer: dict[str, Any], cnn: bool) -> Layer:
    """The plan layer for one truth layer. What the truth leaves out stays out, but for a pool
    window, which the plan needs: 2x2, the usual one (the judge ignores what was not asked)."""
    kind = layer["type"]
    out = Layer(type=kind)
    if kind == "input":
        if layer.get("shape"):
            out.image = tuple(int(x) for x in layer["shape"])
        elif cnn:
            out.image = (int(layer["size"]),) * 2  # "32 input" to a CNN: a square image
        else:
            out.units = int(layer["size"])
    elif kind in ("dense", "output"):
        out.units = int(layer["size"])
    elif kind == "conv":
        out.kernel = _square(layer["kernel"])
        out.filters = layer.get("filters")
        out.same = layer.get("padding") == "same"
    elif kind == "pool":
        out.global_pool = bool(layer.get("global"))
        out.kernel = None if out.global_pool else _square(layer.get("kernel", 2))
        out.mode = layer.get("mode", "avg" if out.global_pool else "max")
    elif kind == "dropout":
        out.rate = layer.get("rate")
    elif kind != "flatten":
        raise ValueError(f"a layer of type {kind!r} (one of input, dense, conv, pool, ...)")
    out.stride = layer.get("stride") if kind in ("conv", "pool") else None
    return out


def net_truth_to_plan(truth: dict[str, Any], rng: random.Random, request: str = "") -> Plan:
    """The plan that draws a net truth: its layers and skips in order, a random style facing
    the way the request asks."""
    kind = Kind(truth["kind"])
    plan = Plan(kind=kind, style=_style(rng, kind.value, request, truth))
    plan.layers = [truth_layer(x, kind is Kind.CNN) for x in truth["layers"]]
    plan.skips = [(int(a) - 1, int(b) - 1) for a, b in truth.get("skips", [])]
    if not plan.layers:
        raise ValueError("a net truth without layers")
    return plan


def written_example(row: dict[str, Any], rng: random.Random) -> Example:
    """One written row as an example; raises ValueError when its truth does not make a plan."""
    plan = truth_to_plan(row["truth"], rng, row["request"])
    try:
        parse_plan(plan_to_text(plan))  # the answer must be one the model may write
    except DiagramTextError as error:
        raise ValueError(f"{row.get('id', '?')}: {error}") from None
    tags = "+".join(sorted(row.get("tags", []))) or "plain"
    source = f"written/{row.get('lang', 'en')}+{tags}"
    structure = layout_plan(plan).structure()
    drawn = compare_structures(structure, row["truth"])
    if not drawn.exact:  # e.g. a dense net's skip, which the drawing has no arrow for
        raise ValueError(f"its plan does not draw the truth: {'; '.join(drawn.differences)}")
    return make_example(row["request"], plan, structure, source)


def written_examples(paths: list[Path], seed: int) -> tuple[list[Example], list[str]]:
    """The rows of these files as examples, and a message for each row left out."""
    rng, examples, problems = random.Random(seed), [], []
    for path in paths:
        for row in read_jsonl(path):
            try:
                examples.append(written_example(row, rng))
            except (ValueError, KeyError, IndexError, TypeError) as error:
                problems.append(f"{path.name}: {row.get('id', '?')}: {error}")
    return examples, problems
