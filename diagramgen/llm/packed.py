"""bf16 linear layers with their weights laid out ahead of time for the CPU (oneDNN).

A decoding step multiplies a handful of rows by every weight of the model; with the weight
reordered once into oneDNN's blocked layout, that is 1.6-2.3x faster on an AVX-512/AMX CPU
than `torch.nn.functional.linear`, and bit-for-bit the same (docs/BENCHMARKS.md). Used where
it is measured faster at load; elsewhere the model is left as it is.
"""

from __future__ import annotations

import time
from typing import Any

import torch


class PackedLinear(torch.nn.Module):
    """A linear layer whose weight oneDNN has reordered for a few rows at a time."""

    def __init__(self, linear: torch.nn.Linear, rows: int = 5) -> None:
        super().__init__()
        self.out_features = linear.out_features
        self.packed = torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach(), rows)
        self.bias = linear.bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Same as the linear layer it replaces."""
        flat = x.reshape(-1, x.shape[-1])  # 2-D inputs take oneDNN's fastest path
        out = torch.ops.mkldnn._linear_pointwise(flat, self.packed, self.bias, "none", [], "")
        return out.reshape(*x.shape[:-1], self.out_features)  # type: ignore[no-any-return]


def _packable(model: Any) -> bool:
    parameter = next(model.parameters())
    return (
        parameter.device.type == "cpu"
        and parameter.dtype == torch.bfloat16
        and torch.backends.mkldnn.is_available()  # type: ignore[no-untyped-call]
        and hasattr(torch.ops.mkldnn, "_reorder_linear_weight")
    )


def _faster(linear: torch.nn.Linear, packed: PackedLinear, rows: int, repeats: int = 20) -> bool:
    """Whether the packed layer gives the same answer, faster, on this CPU (a few ms)."""
    x = torch.randn(rows, linear.in_features, dtype=linear.weight.dtype)
    if not torch.equal(packed(x), linear(x)):
        return False
    seconds = []
    for layer in (linear, packed, linear, packed):
        started = time.perf_counter()
        for _ in range(repeats):
            layer(x)
        seconds.append(time.perf_counter() - started)
    return seconds[1] + seconds[3] < 0.8 * (seconds[0] + seconds[2])


def pack_linear_layers(model: Any, rows: int = 5) -> int:
    """Replace the decoder's linear layers by packed ones where that is faster here; returns how
    many were replaced (0 on a GPU, for fp32 weights, or where oneDNN is not faster)."""
    if not _packable(model):
        return 0
    decoder = model.get_decoder()
    linears = [
        (parent, name, child)
        for parent in decoder.modules()
        for name, child in parent.named_children()
        if type(child) is torch.nn.Linear
    ]
    if not linears:
        return 0
    try:
        probe = PackedLinear(linears[0][2], rows)
    except RuntimeError:  # oneDNN without bf16 support on this CPU
        return 0
    with torch.inference_mode():
        if not _faster(linears[0][2], probe, rows):
            return 0
    for parent, name, child in linears:
        setattr(parent, name, PackedLinear(child, rows))
    return len(linears)


def packed_output_layer(model: Any, rows: int = 5) -> Any:
    """A packed copy of the output layer where that is faster here (3.3 ms against 7.8 ms a
    step on the 2-core Xeon), else the layer itself. A copy: the output layer usually shares
    its weight with the input embeddings, which stay as they are."""
    head = model.get_output_embeddings()
    if not _packable(model) or type(head) is not torch.nn.Linear:
        return head
    try:
        packed = PackedLinear(head, rows)
    except RuntimeError:
        return head
    with torch.inference_mode():
        return packed if _faster(head, packed, rows, repeats=3) else head
