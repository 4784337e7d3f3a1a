"""What the request reader produces: a layer as a request states it, and the reading of a net."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LayerSpec:
    """One layer as a request states it: type, and the size and options it gives (None: not
    stated)."""

    type: str
    size: int | None = None
    shape: tuple[int, ...] | None = None
    kernel: int | None = None
    filters: int | None = None
    stride: int | None = None
    padding: str | None = None  # same | valid
    mode: str | None = None  # max | avg
    global_pool: bool = False
    rate: float | None = None


@dataclass
class LayerReading:
    """The layers read, in order, and whether the reading is complete enough to hold a model
    to it."""

    layers: list[LayerSpec] = field(default_factory=list)
    skips: list[tuple[int, int]] = field(default_factory=list)
    certain: bool = False
    unread: list[str] = field(default_factory=list)  # phrases with numbers nobody claimed
    expanded: bool = False  # a count, a multiplier or a named block made several layers
