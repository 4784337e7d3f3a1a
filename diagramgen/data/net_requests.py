"""Net and CNN requests composed from parts: a random net (options, counts, named
architectures), each layer said in one of several voices (prose, Keras, PyTorch, terse notes,
Korean), runs of equal layers counted ("three 3x3 convolutions"), and a frame around it all
(a sentence, arrows, a list, then-words, passive voice, code)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from diagramgen.data.example import Example, make_example
from diagramgen.data.net_voices import (
    say_keras,
    say_korean,
    say_prose,
    say_pytorch,
    say_terse,
)
from diagramgen.data.phrasing import random_style
from diagramgen.data.wording import (
    ARROWS,
    add_wish,
    bullet_lines,
    direction_wish,
    join_items,
    polite,
    roughen,
)
from diagramgen.diagram import Kind, Orientation
from diagramgen.formats.plan import Layer, Plan
from diagramgen.layout import layout_plan

VOICES = ("prose", "prose", "prose", "keras", "pytorch", "terse", "korean")


@dataclass
class Net:
    """A sampled net: its layers, its skips (0-based), what it is called and how it is said."""

    layers: list[Layer]
    skips: list[tuple[int, int]] = field(default_factory=list)
    name: str = ""  # a named architecture the request may use instead of the layers
    said: list[str] = field(default_factory=list)  # the request's layer phrases, when named


# ---------------------------------------------------------------- sampling nets
def _image(rng: random.Random) -> tuple[int, ...]:
    side = rng.choice([28, 32, 32, 48, 64, 64, 96, 112, 128, 150, 224, 224, 256])
    channels = rng.choice([None, None, 1, 3, 3])
    return (side, side) if channels is None else (side, side, channels)


def _conv(rng: random.Random, side: int) -> tuple[Layer, int]:
    k = rng.choices([3, 5, 1, 7, 11], weights=[70, 14, 5, 8, 3])[0]
    k = min(k, side)
    stride = rng.choices([None, 2, 4], weights=[78, 20, 2])[0]
    same = k > 1 and rng.random() < 0.35
    filters = rng.choice([8, 16, 32, 32, 64, 64, 96, 128, 256, 512]) if rng.random() < 0.7 else None
    out = side if same else side - k + 1
    if stride:
        out = -(-side // stride) if same else (side - k) // stride + 1
    return Layer("conv", kernel=(k, k), filters=filters, stride=stride, same=same), out


def _pool(rng: random.Random, side: int) -> tuple[Layer, int]:
    k = rng.choices([2, 3], weights=[80, 20])[0]
    stride = rng.choice([None, None, 2]) if k == 3 else rng.choice([None, None, None, 1])
    mode = "avg" if rng.random() < 0.3 else "max"
    step = stride or k
    return Layer("pool", kernel=(k, k), stride=stride, mode=mode), (side - k) // step + 1


def _dense_tail(rng: random.Random, cnn: bool) -> list[Layer]:
    widths = [4096, 2048, 1024, 512, 256, 128, 100, 64, 50, 32, 20, 16, 10, 8, 6, 5, 4, 3]
    hidden = rng.choices(
        [0, 1, 2, 3, 4, 5], weights=[12, 30, 30, 16, 7, 5] if not cnn else [25, 40, 25, 10, 0, 0]
    )[0]
    out: list[Layer] = []
    for _ in range(hidden):
        out.append(
            Layer("dense", units=rng.choice(widths) if rng.random() < 0.8 else rng.randint(2, 600))
        )
        if rng.random() < 0.12:
            out.append(Layer("dropout", rate=rng.choice([None, 0.1, 0.2, 0.25, 0.3, 0.5])))
    classes = rng.choice([1, 1, 2, 3, 4, 5, 10, 10, 10, 100, 1000, rng.randint(1, 50)])
    return [*out, Layer("output", units=classes)]


def _cnn(rng: random.Random) -> Net:
    image = _image(rng)
    side = image[0]
    layers = [Layer("input", image=image)]
    for _ in range(rng.choices([1, 2, 3], weights=[40, 40, 20])[0]):
        for _ in range(rng.choices([1, 2, 3], weights=[55, 35, 10])[0]):
            if side < 4:
                break
            layer, side = _conv(rng, side)
            layers.append(layer)
        if side >= 4 and rng.random() < 0.85:
            layer, side = _pool(rng, side)
            layers.append(layer)
    if rng.random() < 0.12:
        layers.append(Layer("pool", global_pool=True, mode=rng.choice(["avg", "avg", "max"])))
    elif rng.random() < 0.35:
        layers.append(Layer("flatten"))
    return Net([*layers, *_dense_tail(rng, cnn=True)])


def _dense(rng: random.Random) -> Net:
    size = rng.choice([2, 3, 4, 5, 8, 10, 13, 16, 20, 30, 64, 100, 128, 256, 512, 784, 1024])
    return Net([Layer("input", units=size), *_dense_tail(rng, cnn=False)])


def _named(rng: random.Random) -> Net:
    r = rng.random()
    if r < 0.3:
        lenet = [
            Layer("input", image=(32, 32, 1)),
            Layer("conv", kernel=(5, 5), filters=6),
            Layer("pool", kernel=(2, 2), mode="avg"),
            Layer("conv", kernel=(5, 5), filters=16),
            Layer("pool", kernel=(2, 2), mode="avg"),
            Layer("dense", units=120),
            Layer("dense", units=84),
            Layer("output", units=10),
        ]
        return Net(
            lenet,
            name=rng.choice(
                ["LeNet-5", "LeNet5", "the classic LeNet-5", "LeNet-5 (with subsampling layers)"]
            ),
        )
    if r < 0.55:
        f = rng.choice([32, 64, 128, 256])
        image = _image(rng)
        block = [Layer("conv", kernel=(3, 3), filters=f, same=True)] * 2 + [
            Layer("pool", kernel=(2, 2))
        ]
        tail = _dense_tail(rng, cnn=True)
        said = rng.choice(
            [
                f"a VGG block with {f} filters",
                f"one VGG-style block ({f} filters)",
                f"a VGG block of {f} channels",
            ]
        )
        return Net([Layer("input", image=image), *block, *tail], name="VGG", said=[said])
    if r < 0.75:
        image = _image(rng)
        width = rng.choice([None, 64, 64, 128])
        block = [Layer("conv", kernel=(3, 3), filters=width, same=True)] * 2
        tail = [Layer("output", units=rng.choice([10, 100, 1000]))] if rng.random() < 0.6 else []
        said = rng.choice(
            [
                "a ResNet basic block",
                "one residual block (ResNet basic block)",
                "a basic residual block",
            ]
        )
        if width:
            said += f" with {width} filters"
        return Net(
            [Layer("input", image=image), *block, *tail], skips=[(0, 2)], name="ResNet", said=[said]
        )
    if r < 0.9:
        sizes = rng.choice(
            [[784, 128, 32], [784, 256, 64], [64, 32, 8], [100, 50, 10], [512, 128, 16]]
        )
        layers = [
            Layer("input", units=sizes[0]),
            Layer("dense", units=sizes[1]),
            Layer("dense", units=sizes[2]),
        ]
        layers += [Layer("dense", units=sizes[1]), Layer("output", units=sizes[0])]
        said = rng.choice(
            [
                f"an autoencoder {'-'.join(map(str, [*sizes, sizes[1], sizes[0]]))}",
                f"an autoencoder with input {sizes[0]}, encoder {sizes[1]}, bottleneck {sizes[2]} and a mirrored decoder",
                f"autoencoder: {sizes[0]} -> {sizes[1]} -> {sizes[2]} (code) -> {sizes[1]} -> {sizes[0]}",
            ]
        )
        return Net(layers, name="autoencoder", said=[said])
    alex = [
        Layer("input", image=(227, 227, 3)),
        Layer("conv", kernel=(11, 11), filters=96, stride=4),
        Layer("pool", kernel=(3, 3), stride=2),
        Layer("conv", kernel=(5, 5), filters=256, same=True),
        Layer("pool", kernel=(3, 3), stride=2),
        Layer("conv", kernel=(3, 3), filters=384, same=True),
        Layer("conv", kernel=(3, 3), filters=384, same=True),
        Layer("conv", kernel=(3, 3), filters=256, same=True),
        Layer("pool", kernel=(3, 3), stride=2),
        Layer("dense", units=4096),
        Layer("dropout"),
        Layer("dense", units=4096),
        Layer("dropout"),
        Layer("output", units=1000),
    ]
    return Net(alex, name=rng.choice(["AlexNet", "the original AlexNet"]))


# ---------------------------------------------------------------- frames
def _runs(layers: list[Layer]) -> list[tuple[Layer, int]]:
    """Consecutive equal conv or dense layers as (layer, count)."""
    out: list[tuple[Layer, int]] = []
    for layer in layers:
        if out and out[-1][0] == layer and layer.type in ("conv", "dense"):
            out[-1] = (layer, out[-1][1] + 1)
        else:
            out.append((layer, 1))
    return out


def _phrases(rng: random.Random, net: Net, voice: str) -> list[str]:
    say = {"prose": say_prose, "korean": say_korean, "terse": say_terse, "keras": say_keras}[voice]
    counted = voice in ("prose",) and rng.random() < 0.6
    runs = _runs(net.layers) if counted else [(layer, 1) for layer in net.layers]
    return [say(rng, layer, count) for layer, count in runs]


def _pytorch_lines(rng: random.Random, net: Net) -> list[str]:
    first = net.layers[0]
    channels = first.image[2] if first.image and len(first.image) > 2 else 1
    side = first.image[0] if first.image else 0
    features = first.units or 0
    lines = []
    for layer in net.layers[1:]:
        if layer.type in ("dense", "output") and not features:
            features = rng.choice([channels * max(side, 1) ** 2, channels * 16])
        lines.append(say_pytorch(rng, layer, channels, features))
        channels = layer.filters or channels
        features = layer.units or features
    return lines


def _code_request(rng: random.Random, net: Net, voice: str) -> str:
    first = net.layers[0]
    if voice == "keras":
        lines = [say_keras(rng, layer) for layer in net.layers]
        if rng.random() < 0.5:
            body = "model = Sequential([\n" + ",\n".join("    " + x for x in lines) + "\n])"
        else:
            body = "\n".join(f"model.add({x})" for x in lines[1:])
            body = f"input: {say_terse(rng, first)[3:]}\n" + body
        head = rng.choice(
            [
                "Draw this Keras model:",
                "draw my keras net",
                "Diagram for this model please:",
                "",
                "can u visualize this:",
            ]
        )
        return f"{head}\n{body}".strip()
    lines = _pytorch_lines(rng, net)
    shape = "x".join(map(str, first.image)) if first.image else str(first.units)
    body = "nn.Sequential(\n" + ",\n".join("    " + x for x in lines) + "\n)"
    if rng.random() < 0.4:
        body = "\n".join(lines)
    head = rng.choice(
        [
            f"PyTorch model, input {shape}:",
            f"draw this (input is {shape})",
            f"Input {shape}. Layers:",
            f"my torch net for {shape} inputs:",
        ]
    )
    return f"{head}\n{body}"


def _frame(rng: random.Random, parts: list[str], what: str, voice: str, cnn: bool) -> str:
    if voice == "korean":
        names = ["CNN", "합성곱 신경망", "모델", "네트워크"] if cnn else ["신경망", "MLP", "모델"]
        what_ko = rng.choice(names)
        body = rng.choice([", ", " → ", " -> ", ", ", " 다음 "]).join(parts)
        tail = rng.choice(
            [
                f" 구조의 {what_ko}을 그려줘",
                f"인 {what_ko} 그려주세요",
                f" {what_ko} 다이어그램",
                f"로 구성된 {what_ko}을 그려 주세요",
                "",
            ]
        )
        return rng.choice([f"{what_ko}: {body}", f"{body}{tail}"]) if tail else f"{what_ko}: {body}"
    r = rng.random()
    if voice == "terse" or r < 0.2:
        sep = rng.choice([*ARROWS, ", ", " | ", "; "])
        return polite(rng, what) + sep.join(parts)
    if r < 0.35:
        return polite(rng, what) + "\n" + bullet_lines(rng, parts)
    if r < 0.55 and len(parts) >= 3:
        steps = [f"start with {parts[0]}"] + [
            f"{rng.choice(['then', 'after that', 'next', 'followed by'])} {p}" for p in parts[1:-1]
        ]
        return polite(rng, what) + ", ".join(steps) + f", and finally {parts[-1]}"
    if r < 0.65 and len(parts) >= 3:
        middle = join_items(rng, parts[1:-1])
        return f"The {parts[0]} is passed through {middle}, and fed into {parts[-1]}."
    head = rng.choice(
        [
            f"a {what} with",
            f"{what}:",
            f"{what} that takes",
            f"{what} consisting of",
            f"{what}, layers:",
        ]
    )
    body = rng.choice([", ", ", then ", ", followed by "]).join(parts)
    return polite(rng, "") + f"{head} {body}"


def _named_request(rng: random.Random, net: Net) -> str:
    if net.name in (
        "LeNet-5",
        "LeNet5",
        "the classic LeNet-5",
        "LeNet-5 (with subsampling layers)",
        "AlexNet",
        "the original AlexNet",
    ):
        return rng.choice(
            [
                f"Draw {net.name}",
                f"{net.name} architecture diagram",
                f"the {net.name} network please",
                f"{net.name}",
            ]
        )
    first = say_prose(rng, net.layers[0])
    tail = [
        say_prose(rng, layer)
        for layer in net.layers
        if layer.type in ("dense", "output") and net.name != "autoencoder"
    ]
    if net.name == "autoencoder":
        return rng.choice(["Draw ", "", "please draw "]) + net.said[0]
    parts = [first, *net.said, *tail]
    return rng.choice(["A net with ", "CNN: ", "Draw a model: ", ""]) + rng.choice(
        [", ", " -> ", ", then "]
    ).join(parts)


def sample_net_request(rng: random.Random) -> Example:
    """One net request composed from parts, with its plan and the structure drawn from it."""
    r = rng.random()
    net = _named(rng) if r < 0.1 else _cnn(rng) if r < 0.6 else _dense(rng)
    cnn = any(layer.type in ("conv", "pool", "flatten") or layer.image for layer in net.layers)
    voice = rng.choice(VOICES)
    lang = "ko" if voice == "korean" else "en"
    if net.name:
        arch = net.name.removeprefix("the ").removeprefix("original ").split()[0].lower()
        request, source = _named_request(rng, net), f"net/named-{arch}"
    elif voice in ("keras", "pytorch"):
        for i, layer in enumerate(net.layers):  # code always states a conv's filters
            if layer.type == "conv" and not layer.filters:
                net.layers[i] = replace(layer, filters=rng.choice([16, 32, 64, 128]))
            if layer.type == "dropout" and layer.rate is None:
                net.layers[i] = replace(layer, rate=0.5)
        request, source = _code_request(rng, net, voice), f"net/{voice}"
    else:
        what = rng.choice(
            ["CNN", "convolutional network", "ConvNet", "conv net", "image classifier"]
            if cnn
            else ["neural net", "MLP", "feed-forward network", "dense network", "neural network"]
        )
        request, source = _frame(rng, _phrases(rng, net, voice), what, voice, cnn), f"net/{voice}"
    wish, orientation = direction_wish(rng, lang)
    request = add_wish(
        rng, roughen(rng, request, lang) if voice not in ("keras", "pytorch") else request, wish
    )
    style = random_style(rng, "cnn" if cnn else "nn")
    if orientation:
        style = replace(style, orientation=Orientation(orientation))
    plan = Plan(
        kind=Kind.CNN if cnn else Kind.NN,
        style=style,
        layers=list(net.layers),
        skips=list(net.skips),
    )
    structure = layout_plan(plan).structure()
    return make_example(request, plan, structure, source)
