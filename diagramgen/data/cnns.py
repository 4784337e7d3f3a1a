"""CNN requests (the seed's phrasings and natural ones) with plan answers and true layers."""

from __future__ import annotations

import random
from dataclasses import dataclass

from diagramgen.data.example import Example, make_example
from diagramgen.data.phrasing import casing, number, plural, random_style, style_wish, typo
from diagramgen.data.phrasing import with_style as add_wish
from diagramgen.diagram import Kind, net_structure
from diagramgen.formats.plan import Layer, Plan

INPUT_SIDES = [28, 32, 32, 64, 96, 128, 224, 256, 512]


@dataclass
class Op:
    """One layer of a sampled CNN, with what the request says about it."""

    layer: Layer
    out: int | None  # spatial side after this layer (None for vectors)
    says_output: bool = False  # the request gives the output size instead of the kernel
    says_kernel: bool = True  # the request names the kernel/window size


def _k(rng: random.Random, k: int) -> str:
    sep = rng.choice(["x", " x ", "*", " * ", "×", "x"])
    return f"{k}{sep}{k}"


def _sample_ops(rng: random.Random, side: int) -> list[Op]:
    ops: list[Op] = []
    for _ in range(rng.choices([1, 2, 3, 4, 5], weights=[20, 30, 25, 15, 10])[0]):
        for _ in range(rng.choice([1, 1, 2])):
            k = rng.choices([3, 5, 1, 7], weights=[75, 15, 5, 5])[0]
            if side - k + 1 < 2:
                break
            filters = rng.choice([16, 32, 64, 128, 256]) if rng.random() < 0.4 else None
            side = side - k + 1
            op = Op(Layer("conv", kernel=(k, k), filters=filters), side)
            op.says_output = k == 3 and filters is None and rng.random() < 0.15
            op.says_kernel = op.says_output or k != 3 or rng.random() < 0.8
            ops.append(op)
        if rng.random() < 0.85 and side >= 4:
            k = 2 if rng.random() < 0.85 else 3
            mode = "avg" if rng.random() < 0.25 else "max"
            side = (side - k) // k + 1
            ops.append(
                Op(
                    Layer("pool", kernel=(k, k), mode=mode),
                    side,
                    says_kernel=k != 2 or rng.random() < 0.8,
                )
            )
    if rng.random() < 0.1:
        ops.append(Op(Layer("pool", global_pool=True, mode="avg"), None))
    return ops


def _conv_text(rng: random.Random, op: Op, natural: bool) -> str:
    layer = op.layer
    assert layer.kernel is not None
    noun = rng.choice(
        ["conv layer", "convolutional layer", "conv"]
        if natural
        else ["conv layer", "convolutional layer"]
    )
    if op.says_output:
        return rng.choice(
            [
                f"{noun} (output is {op.out} x {op.out})",
                f"{noun} (output: {op.out} x {op.out} feature map)",
            ]
        )
    kernel = f"{_k(rng, layer.kernel[0])} " if op.says_kernel else ""
    filters = ""
    if layer.filters:
        filters = rng.choice(
            [
                f" with {layer.filters} filters",
                f" ({layer.filters} filters)",
                f", {layer.filters} channels",
            ]
        )
    return f"{'a ' if not natural and rng.random() < 0.3 else ''}{kernel}{noun}{filters}"


def _same_convs(a: Op, b: Op) -> bool:
    """Two plain convs with one kernel: a request may say "2 3x3 conv layers"."""
    return all(
        op.layer.type == "conv" and not op.layer.filters and not op.says_output for op in (a, b)
    ) and (a.layer.kernel == b.layer.kernel)


def _layer_texts(rng: random.Random, ops: list[Op], natural: bool) -> list[str]:
    texts: list[str] = []
    i = 0
    while i < len(ops):
        op = ops[i]
        if i + 1 < len(ops) and _same_convs(op, ops[i + 1]) and rng.random() < 0.4:
            assert op.layer.kernel is not None
            noun = rng.choice(["conv layers", "convolutional layers"])
            texts.append(f"{number(rng, 2)} {_k(rng, op.layer.kernel[0])} {noun}")
            i += 2
            continue
        texts.append(
            _conv_text(rng, op, natural) if op.layer.type == "conv" else _pool_text(rng, op)
        )
        i += 1
    return texts


def _pool_text(rng: random.Random, op: Op) -> str:
    layer = op.layer
    if layer.global_pool:
        return rng.choice(
            ["global average pooling", "global avg pool", "a global average pooling layer"]
        )
    mode = {"max": rng.choice(["", "max "]), "avg": "average "}[layer.mode]
    kernel = f"{_k(rng, layer.kernel[0])} " if op.says_kernel and layer.kernel else ""
    return f"{kernel}{mode}{rng.choice(['pooling layer', 'pooling', 'pool'])}"


def _dense(rng: random.Random) -> tuple[list[int], int]:
    widths = sorted(
        rng.sample([1024, 512, 256, 128, 64, 32, 16], rng.choice([0, 1, 1, 2, 2, 3])), reverse=True
    )
    return widths, rng.choice([1, 1, 2, 2, 10, 10, 3, 5, 100])


def _dense_text(rng: random.Random, widths: list[int], out: int, seed_style: bool) -> list[str]:
    parts = []
    if widths and seed_style:
        sep = rng.choice([" ", ", ", " and "])
        where = rng.choice(
            [
                "in hidden layers",
                "in the mid layers",
                f"in each of the {len(widths)} hiddens",
                f"in {len(widths)} intermediate layers",
                "in hidden layer",
            ]
        )
        parts.append(f"{sep.join(str(w) for w in widths)} nodes {where}")
    elif widths:
        parts += [
            rng.choice(
                [
                    f"dense {w}",
                    f"a dense layer of {w}",
                    f"fully connected {w}",
                    f"{w}-unit dense layer",
                ]
            )
            for w in widths
        ]
    if seed_style:
        word = rng.choice(["output elements", "output layer nodes", "output size", "output nodes"])
    else:
        word = plural(out, rng.choice(["output", "output class", "output unit"]))
        word = word.replace("classs", "classes")
    parts.append(f"{'and ' if seed_style else ''}{number(rng, out)} {word}")
    return parts


def _lenet(rng: random.Random) -> tuple[str, int, int | None, list[Op], list[int], int]:
    side = rng.choice([32, 28])
    ops = [
        Op(Layer("conv", kernel=(5, 5), filters=6), side - 4),
        Op(Layer("pool", kernel=(2, 2), mode="avg"), (side - 4) // 2),
        Op(Layer("conv", kernel=(5, 5), filters=16), (side - 4) // 2 - 4),
        Op(Layer("pool", kernel=(2, 2), mode="avg"), ((side - 4) // 2 - 4) // 2),
    ]
    text = rng.choice(["LeNet-5", "LeNet-style CNN", "a LeNet style network", "classic LeNet"])
    return f"{text} for {side}x{side} digit images", side, 1, ops, [120, 84], 10


def sample_cnn(rng: random.Random) -> Example:
    """One random CNN request (now and then a LeNet) with its plan and ground-truth structure."""
    extras: list[Layer] = []
    if rng.random() < 0.07:
        request, side, channels, ops, widths, out = _lenet(rng)
        source = "cnn/lenet"
    else:
        side = rng.choice([*INPUT_SIDES, rng.randint(16, 300)])
        channels = rng.choice([None, None, None, 1, 3])
        ops = _sample_ops(rng, side)
        widths, out = _dense(rng)
        natural = rng.random() < 0.5
        source = "cnn/natural" if natural else "cnn/seed"
        layer_texts = _layer_texts(rng, ops, natural)
        if natural and rng.random() < 0.15:
            extras.append(Layer("flatten"))
            layer_texts.append("flatten")
        if natural and rng.random() < 0.1:
            rate = rng.choice([0.2, 0.25, 0.3, 0.5])
            extras.append(Layer("dropout", rate=rate))
        request = _request(rng, side, channels, layer_texts, widths, out, natural, extras)
    layers = [Layer("input", image=(side, side) if channels is None else (side, side, channels))]
    layers += [op.layer for op in ops] + [e for e in extras if e.type == "flatten"]
    layers += [Layer("dense", units=w) for w in widths]
    layers += [e for e in extras if e.type == "dropout"]
    layers.append(Layer("output", units=out))
    plan = Plan(kind=Kind.CNN, style=random_style(rng, "cnn"), layers=layers)
    wish, plan.style = style_wish(rng, plan.style)
    request = casing(rng, typo(rng, add_wish(rng, request, wish)))
    truth: list[tuple[str, int | None]] = [("input", side)]
    truth += _op_sizes(ops, channels)
    if any(e.type == "flatten" for e in extras):
        truth.append(("flatten", _flat(ops, side, channels)))
    truth += [("dense", w) for w in widths]
    truth += [("dropout", truth[-1][1]) for e in extras if e.type == "dropout"]  # passes through
    truth.append(("output", out))
    return make_example(request, plan, net_structure("cnn", truth), source)


def _op_sizes(ops: list[Op], channels: int | None) -> list[tuple[str, int | None]]:
    """Spatial side after each op; a global pool leaves a vector of the channel count."""
    sizes: list[tuple[str, int | None]] = []
    c = channels
    for op in ops:
        c = op.layer.filters or c
        sizes.append((op.layer.type, op.out if op.out is not None else c))
    return sizes


def _flat(ops: list[Op], side: int, channels: int | None) -> int | None:
    """flatten size = side x side x channels, when the channel count is known."""
    c = channels
    for op in ops:
        if op.layer.filters:
            c = op.layer.filters
        if op.out is not None:
            side = op.out
    if ops and ops[-1].out is None:
        return c
    return side * side * c if c else None


def _request(
    rng: random.Random,
    side: int,
    channels: int | None,
    layer_texts: list[str],
    widths: list[int],
    out: int,
    natural: bool,
    extras: list[Layer],
) -> str:
    image = {
        None: "",
        1: rng.choice(["grayscale ", "single-channel "]),
        3: rng.choice(["RGB ", "colour ", "3-channel "]),
    }[channels]
    dense = _dense_text(rng, widths, out, seed_style=not natural)
    if any(e.type == "dropout" for e in extras):
        rate = next(e.rate for e in extras if e.type == "dropout")
        dense.insert(len(dense) - 1, f"dropout {rate}")
    if natural:
        head = rng.choice(
            ["CNN", "a CNN", "convolutional network", "ConvNet", "image classifier CNN"]
        )
        size = rng.choice([f"{side}x{side}", f"{side} x {side}", f"{side}×{side}"])
        intro = rng.choice([f"{head}: {size} {image}input", f"{head} for {size} {image}images:"])
        sep = ", " if intro.endswith("input") else " "
        return intro + sep + ", ".join(layer_texts + dense)
    head = rng.choice(
        [
            "NN model",
            "DL model",
            "neural network",
            "A deep learning model",
            "Convolutional neural network",
            "NN",
        ]
    )
    verb = rng.choice(["consist of", "with", "of"])
    inp = rng.choice(
        [f"{side} * {side} input", f"{side} * {side} input image", f"{side} x {side} input"]
    )
    joiner = [rng.choice([", ", ", then ", ", and ", ", and then "]) for _ in layer_texts]
    body = "".join(j + t for j, t in zip(joiner, layer_texts, strict=True))
    return f"{head} {verb} {image}{inp}{body}, " + ", ".join(dense)
