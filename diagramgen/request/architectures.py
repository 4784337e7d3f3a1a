"""Named architectures in their canonical form: whole nets (LeNet-5, AlexNet) and blocks (a VGG
block, a ResNet basic block), as the request reader expands them."""

from __future__ import annotations

import re

from diagramgen.request.layer_spec import LayerSpec

_WINDOW = re.compile(r"(\d+)\s*(?:[x×*]|by)\s*(\d+)")


def _lenet() -> list[LayerSpec]:
    return [
        LayerSpec("input", size=32, shape=(32, 32, 1)),
        LayerSpec("conv", kernel=5, filters=6, stride=1, padding="valid"),
        LayerSpec("pool", kernel=2, mode="avg", stride=2),
        LayerSpec("conv", kernel=5, filters=16, stride=1, padding="valid"),
        LayerSpec("pool", kernel=2, mode="avg", stride=2),
        LayerSpec("dense", size=120),
        LayerSpec("dense", size=84),
        LayerSpec("output", size=10),
    ]


def _alexnet() -> list[LayerSpec]:
    return [
        LayerSpec("input", size=227, shape=(227, 227, 3)),
        LayerSpec("conv", kernel=11, filters=96, stride=4, padding="valid"),
        LayerSpec("pool", kernel=3, mode="max", stride=2),
        LayerSpec("conv", kernel=5, filters=256, padding="same"),
        LayerSpec("pool", kernel=3, mode="max", stride=2),
        LayerSpec("conv", kernel=3, filters=384, padding="same"),
        LayerSpec("conv", kernel=3, filters=384, padding="same"),
        LayerSpec("conv", kernel=3, filters=256, padding="same"),
        LayerSpec("pool", kernel=3, mode="max", stride=2),
        LayerSpec("dense", size=4096),
        LayerSpec("dropout"),
        LayerSpec("dense", size=4096),
        LayerSpec("dropout"),
        LayerSpec("output", size=1000),
    ]


def named_net(text: str, mentions: int) -> list[LayerSpec] | None:
    """A whole net named by its architecture (LeNet-5, AlexNet), in its canonical form,
    when the request adds no layers of its own (`mentions`: the layer words it writes)."""
    low = text.lower()
    if mentions > 3:  # layers spelled out: read them instead
        return None
    if re.search(r"lenet", low):
        lenet = _lenet()
        side = _WINDOW.search(low)
        if side:  # LeNet for 28x28 digits
            lenet[0] = LayerSpec(
                "input", size=int(side.group(1)), shape=(int(side.group(1)), int(side.group(2)), 1)
            )
        return lenet
    if re.search(r"alexnet", low):
        return _alexnet()
    return None


def named_block(phrase: str) -> list[LayerSpec] | None:
    """A VGG block or a ResNet basic block named in the phrase, expanded to its layers."""
    low = phrase.lower()
    filters = re.search(r"(\d+)\s*(?:filters|channels|feature maps|kernels|개|채널|필터)", low)
    f = int(filters.group(1)) if filters else None
    if re.search(r"vgg", low):
        conv = LayerSpec("conv", kernel=3, filters=f, padding="same")
        return [
            conv,
            LayerSpec("conv", kernel=3, filters=f, padding="same"),
            LayerSpec("pool", kernel=2, mode="max"),
        ]
    if re.search(r"resnet|residual", low) and "block" in low:
        return [LayerSpec("conv", kernel=3, filters=f, padding="same") for _ in range(2)]
    return None
