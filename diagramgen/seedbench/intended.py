"""The seed project's `intended` schema: read it as a Plan and as our structure summary.

`dl_model`: `shape_types` (cnn_input | conv | pool | dense) with `shape_sizes` (spatial side
for images, units for dense). `flowchart`: typed nodes with `connected_node_ids`.
"""

from __future__ import annotations

from typing import Any

from diagramgen.diagram import Kind, Orientation, Structure, flow_structure, net_structure
from diagramgen.formats.plan import FlowEdge, FlowNode, Layer, Plan, Style

SEED_NODE_TYPES = {
    "numeric": "data",
    "db": "db",
    "picture": "image",
    "str": "text",
    "chart": "chart",
    "model": "model",
    "process": "process",
    "func": "func",
}
FLOW_LABELS = {
    "numeric": "numbers",
    "db": "database",
    "picture": "image",
    "str": "text",
    "chart": "chart",
    "model": "model",
    "process": "process",
    "func": "function",
}


def _pool_kernel(before: int, after: int) -> int:
    for k in (2, 3, 4, 5, 6, 7, 8):
        if (before - k) // k + 1 == after:
            return k
    return max(1, before // max(after, 1))


def dl_layers(intended: dict[str, Any]) -> list[Layer]:
    """The seed's layer list as plan layers (kernels recovered from the size changes)."""
    types, sizes = intended["shape_types"], intended["shape_sizes"]
    layers: list[Layer] = []
    for i, (t, size) in enumerate(zip(types, sizes, strict=True)):
        size = int(size)
        last = i == len(types) - 1
        if t == "cnn_input":
            layers.append(Layer("input", image=(size, size)))
        elif t == "conv":
            k = max(1, int(sizes[i - 1]) - size + 1)
            layers.append(Layer("conv", kernel=(k, k)))
        elif t == "pool":
            k = _pool_kernel(int(sizes[i - 1]), size)
            layers.append(Layer("pool", kernel=(k, k)))
        elif i == 0:
            layers.append(Layer("input", units=size))
        else:
            layers.append(Layer("output" if last else "dense", units=size))
    return layers


def intended_to_plan(intended: dict[str, Any], style: Style | None = None) -> Plan:
    """A plan that draws the seed's intended structure (flow labels are the node types)."""
    style = style or Style(orientation=Orientation.HORIZONTAL)
    if intended["task_name"] == "dl_model":
        layers = dl_layers(intended)
        kind = Kind.CNN if any(layer.type == "conv" for layer in layers) else Kind.NN
        return Plan(kind=kind, style=style, layers=layers)
    plan = Plan(kind=Kind.FLOW, style=style)
    for node in intended["shape_types"]:
        t = node["type"]
        plan.nodes.append(
            FlowNode(f"n{node['id']}", FLOW_LABELS.get(t, t), SEED_NODE_TYPES.get(t, "process"))
        )
    for node in intended["shape_types"]:
        for target in node["connected_node_ids"]:
            plan.edges.append(FlowEdge(f"n{node['id']}", f"n{target}"))
    return plan


def intended_to_structure(intended: dict[str, Any]) -> Structure:
    """The seed's intended structure in our structure-summary schema."""
    if intended["task_name"] == "dl_model":
        layers = dl_layers(intended)
        kind = "cnn" if any(layer.type == "conv" for layer in layers) else "nn"
        sizes = [int(s) for s in intended["shape_sizes"]]
        return net_structure(
            kind, ((layer.type, size) for layer, size in zip(layers, sizes, strict=True))
        )
    nodes = intended["shape_types"]
    return flow_structure(
        ((f"n{n['id']}", FLOW_LABELS.get(n["type"], n["type"])) for n in nodes),
        ((f"n{n['id']}", f"n{t}") for n in nodes for t in n["connected_node_ids"]),
    )
