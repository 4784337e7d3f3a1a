"""Net and CNN requests composed from parts: a random net (options, counts, named
architectures), each layer said in one of several voices (prose, Keras, PyTorch, terse notes,
Korean), runs of equal layers counted ("three 3x3 convolutions"), and a frame around it all
(a sentence, arrows, a list, then-words, passive voice, code)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from diagramgen.data.example import Example, make_example
from diagramgen.data.phrasing import random_style
from diagramgen.data.wording import (
    ARROWS,
    add_wish,
    bullet_lines,
    count_word,
    direction_wish,
    join_items,
    polite,
    roughen,
    size_text,
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
        f = rng.choice([None, 64, 64, 128])
        block = [Layer("conv", kernel=(3, 3), filters=f, same=True)] * 2
        tail = [Layer("output", units=rng.choice([10, 100, 1000]))] if rng.random() < 0.6 else []
        said = rng.choice(
            [
                "a ResNet basic block",
                "one residual block (ResNet basic block)",
                "a basic residual block",
            ]
        )
        if f:
            said += f" with {f} filters"
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


# ---------------------------------------------------------------- saying one layer
def _k(rng: random.Random, k: int) -> str:
    return rng.choice([f"{k}x{k}", f"{k}x{k}", f"{k} x {k}", f"{k}×{k}", f"{k}*{k}"])


def _conv_prose(rng: random.Random, layer: Layer, count: int = 1) -> str:
    assert layer.kernel
    k = layer.kernel[0]
    noun = rng.choice(
        [
            "conv",
            "conv layer",
            "convolution",
            "convolutional layer",
            "Conv2D",
            "convolutional filter bank",
        ]
    )
    if count > 1:
        noun = rng.choice(["convs", "conv layers", "convolutions", "convolutional layers"])
    head = f"{_k(rng, k)} {noun}" if rng.random() < 0.7 else f"{noun} with a {_k(rng, k)} kernel"
    if count > 1:
        head = f"{count_word(rng, count)} {head}"
    extras = []
    if layer.filters:
        extras.append(
            rng.choice(
                [
                    f"{size_text(rng, layer.filters)} filters",
                    f"{layer.filters} channels",
                    f"{layer.filters} feature maps",
                    f"{layer.filters} kernels",
                ]
            )
        )
    if layer.stride:
        extras.append(
            rng.choice(
                [
                    f"stride {layer.stride}",
                    f"a stride of {layer.stride}",
                    f"stride={layer.stride}",
                    f"step {layer.stride}",
                ]
            )
        )
    if layer.same:
        extras.append(
            rng.choice(
                [
                    "same padding",
                    "'same' padding",
                    "padding=same",
                    "zero padding that keeps the size",
                ]
            )
        )
    elif rng.random() < 0.1:
        extras.append(rng.choice(["no padding", "valid padding"]))
    rng.shuffle(extras)
    if not extras:
        return head
    if rng.random() < 0.5:
        return f"{head} ({', '.join(extras)})"
    return f"{head} with {join_items(rng, extras)}"


def _pool_mode(rng: random.Random, mode: str) -> str:
    if mode == "avg":
        return rng.choice(
            [
                "average pooling",
                "avg pooling",
                "avgpool",
                "average-pool",
                "mean pooling",
                "AvgPool",
                "subsampling (average)",
            ]
        )
    return rng.choice(["max pooling", "max-pooling", "maxpool", "max pool", "MaxPool", "pooling"])


def _pool_prose(rng: random.Random, layer: Layer, count: int = 1) -> str:
    if layer.global_pool:
        word = "average" if layer.mode == "avg" else "max"
        return rng.choice(
            [
                f"global {word} pooling",
                f"global {word} pool",
                "GAP" if layer.mode == "avg" else "global max-pool",
            ]
        )
    assert layer.kernel
    k = _k(rng, layer.kernel[0])
    text = rng.choice(
        [
            f"{k} {_pool_mode(rng, layer.mode)}",
            f"{_pool_mode(rng, layer.mode)} {k}",
            f"{_pool_mode(rng, layer.mode)} with a {k} window",
        ]
    )
    if layer.stride:
        text += rng.choice(
            [
                f", stride {layer.stride}",
                f" (stride {layer.stride})",
                f" with stride {layer.stride}",
            ]
        )
    return text


def _dense_prose(rng: random.Random, layer: Layer, count: int = 1) -> str:
    n = size_text(rng, layer.units or 0)
    if count > 1:
        return rng.choice(
            [
                f"{count_word(rng, count)} hidden layers of {n}",
                f"{count_word(rng, count)} dense layers with {n} units each",
                f"{count_word(rng, count)} fully connected layers of {n} neurons",
            ]
        )
    return rng.choice(
        [
            f"dense {n}",
            f"a dense layer of {n}",
            f"a fully connected layer with {n} units",
            f"{n}-unit FC layer",
            f"hidden layer of {n} neurons",
            f"a hidden layer with {n} nodes",
            f"linear {n}",
            f"FC({n})",
            f"{n} hidden units",
        ]
    )


def _output_prose(rng: random.Random, layer: Layer) -> str:
    n = layer.units or 1
    if n == 1 and rng.random() < 0.4:
        return rng.choice(
            [
                "a single output",
                "one sigmoid output unit",
                "1 output neuron",
                "a single output node",
            ]
        )
    w = size_text(rng, n, words=0.3)
    return (
        rng.choice(
            [
                f"{w} outputs",
                f"an output layer of {w}",
                f"{w} output classes",
                f"softmax over {w} classes",
                f"output {w}",
                f"{w} output units",
            ]
        )
        .replace("1 output classes", "1 output class")
        .replace("one output units", "one output unit")
    )


def _input_prose(rng: random.Random, layer: Layer) -> str:
    if layer.image:
        h, w = layer.image[:2]
        c = layer.image[2] if len(layer.image) > 2 else None
        colour = {
            None: "",
            1: rng.choice(["grayscale ", "single-channel ", "black-and-white "]),
            3: rng.choice(["RGB ", "colour ", "color ", "3-channel "]),
        }[c]
        size = rng.choice([f"{h}x{w}", f"{h} x {w}", f"{h}×{w}"]) + (
            rng.choice(["x3", "x1"])[:0] if c is None else ""
        )
        if c and rng.random() < 0.3:
            return rng.choice([f"{h}x{w}x{c} input", f"input of shape ({h}, {w}, {c})"])
        return rng.choice(
            [
                f"{size} {colour}input",
                f"{colour}{size} images",
                f"a {size} {colour}image",
                f"input {size} {colour}".rstrip(),
            ]
        )
    n = size_text(rng, layer.units or 0, words=0.3)
    return rng.choice(
        [
            f"{n} inputs",
            f"an input of size {n}",
            f"{n} input features",
            f"a {n}-dimensional input",
            f"input layer with {n} nodes",
            f"input {n}",
        ]
    )


def _dropout_prose(rng: random.Random, layer: Layer) -> str:
    if layer.rate is None:
        return rng.choice(["dropout", "a dropout layer"])
    return rng.choice(
        [
            f"dropout {layer.rate:g}",
            f"dropout ({layer.rate:g})",
            f"a dropout of {layer.rate:g}",
            f"{int(layer.rate * 100)}% dropout",
        ]
    )


def say_prose(rng: random.Random, layer: Layer, count: int = 1) -> str:
    """One layer (or a run of `count` equal ones) in English words."""
    match layer.type:
        case "conv":
            return _conv_prose(rng, layer, count)
        case "pool":
            return _pool_prose(rng, layer)
        case "dense":
            return _dense_prose(rng, layer, count)
        case "output":
            return _output_prose(rng, layer)
        case "input":
            return _input_prose(rng, layer)
        case "dropout":
            return _dropout_prose(rng, layer)
        case "flatten":
            return rng.choice(["flatten", "a flatten layer", "flattened", "Flatten"])
    raise ValueError(layer.type)


def say_korean(rng: random.Random, layer: Layer, count: int = 1) -> str:
    """One layer in Korean (English layer words are common in Korean writing too)."""
    match layer.type:
        case "conv":
            assert layer.kernel
            text = f"{_k(rng, layer.kernel[0])} {rng.choice(['합성곱', '컨볼루션', '합성곱층', 'conv'])}"
            if layer.filters:
                text += rng.choice(
                    [f" {layer.filters}개", f" 필터 {layer.filters}개", f"({layer.filters} 채널)"]
                )
            if layer.stride:
                text += rng.choice([f" 스트라이드 {layer.stride}", f" stride {layer.stride}"])
            if layer.same:
                text += rng.choice([" same 패딩", " 패딩 same", " (same padding)"])
            return text
        case "pool":
            mode = {
                "max": rng.choice(["최대 풀링", "맥스 풀링", "max pooling"]),
                "avg": rng.choice(["평균 풀링", "average pooling"]),
            }[layer.mode]
            if layer.global_pool:
                return f"전역 {mode}"
            assert layer.kernel
            text = f"{_k(rng, layer.kernel[0])} {mode}"
            return text + (f" 스트라이드 {layer.stride}" if layer.stride else "")
        case "dense":
            n = layer.units
            return rng.choice(
                [
                    f"은닉층 {n}",
                    f"완전연결층 {n}",
                    f"{n}개 뉴런의 은닉층",
                    f"dense {n}",
                    f"노드 {n}개 은닉층",
                ]
            )
        case "output":
            n = layer.units
            return rng.choice(
                [f"출력 {n}개", f"출력층 {n}", f"{n}개 클래스 출력", f"출력 노드 {n}개"]
            )
        case "input":
            if layer.image:
                h, w = layer.image[:2]
                c = layer.image[2] if len(layer.image) > 2 else None
                colour = {None: "", 1: "흑백 ", 3: rng.choice(["컬러 ", "RGB "])}[c]
                return rng.choice(
                    [
                        f"{h}x{w} {colour}이미지 입력",
                        f"입력 {h}x{w} {colour}이미지",
                        f"{colour}{h}x{w} 입력",
                    ]
                )
            return rng.choice(
                [
                    f"입력 {layer.units}개",
                    f"입력 {layer.units}",
                    f"입력층 {layer.units}",
                    f"{layer.units}차원 입력",
                ]
            )
        case "dropout":
            return "드롭아웃" + (f" {layer.rate:g}" if layer.rate is not None else "")
        case "flatten":
            return rng.choice(["평탄화", "flatten"])
    raise ValueError(layer.type)


def say_terse(rng: random.Random, layer: Layer, count: int = 1) -> str:
    """One layer as a note ('conv3x3/32 s2', 'mp2', 'fc128')."""
    match layer.type:
        case "conv":
            assert layer.kernel
            k = layer.kernel[0]
            text = rng.choice([f"conv{k}x{k}", f"conv {k}x{k}", f"c{k}"]) + (
                f"/{layer.filters}" if layer.filters else ""
            )
            text += f" s{layer.stride}" if layer.stride else ""
            return text + (" same" if layer.same else "")
        case "pool":
            if layer.global_pool:
                return "gap" if layer.mode == "avg" else "gmp"
            assert layer.kernel
            word = "maxpool" if layer.mode == "max" else rng.choice(["avgpool", "avg-pool"])
            return f"{word}{layer.kernel[0]}" + (f" s{layer.stride}" if layer.stride else "")
        case "dense":
            return rng.choice([f"fc{layer.units}", f"fc {layer.units}", f"dense{layer.units}"])
        case "output":
            return rng.choice([f"out {layer.units}", f"out={layer.units}", f"{layer.units} out"])
        case "input":
            if layer.image:
                return "in " + "x".join(map(str, layer.image))
            return f"in {layer.units}"
        case "dropout":
            return "drop" + (f" {layer.rate:g}" if layer.rate is not None else "")
        case "flatten":
            return "flat"
    raise ValueError(layer.type)


def say_keras(rng: random.Random, layer: Layer, count: int = 1) -> str:
    """One layer as a Keras call."""
    act = rng.choice(["", "", ", activation='relu'"])
    match layer.type:
        case "conv":
            assert layer.kernel
            k = layer.kernel[0]
            ks = rng.choice([f"({k},{k})", f"({k}, {k})", str(k), f"kernel_size={k}"])
            args = [str(layer.filters or 32), ks]
            if layer.stride:
                args.append(
                    rng.choice(
                        [f"strides={layer.stride}", f"strides=({layer.stride},{layer.stride})"]
                    )
                )
            if layer.same:
                args.append("padding='same'")
            return f"Conv2D({', '.join(args)}{act})"
        case "pool":
            if layer.global_pool:
                return "GlobalAveragePooling2D()" if layer.mode == "avg" else "GlobalMaxPooling2D()"
            assert layer.kernel
            name = "MaxPooling2D" if layer.mode == "max" else "AveragePooling2D"
            k = layer.kernel[0]
            args = [rng.choice([f"({k},{k})", f"pool_size=({k}, {k})", f"pool_size={k}", str(k)])]
            if layer.stride:
                args.append(f"strides={layer.stride}")
            return f"{name}({', '.join(args)})"
        case "dense":
            return f"Dense({layer.units}{act})"
        case "output":
            final = rng.choice(
                [
                    "",
                    ", activation='softmax'"
                    if (layer.units or 1) > 1
                    else ", activation='sigmoid'",
                ]
            )
            return f"Dense({layer.units}{final})"
        case "input":
            shape = layer.image or (layer.units,)
            inner = ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "")
            return rng.choice([f"Input(shape=({inner}))", f"InputLayer(input_shape=({inner}))"])
        case "dropout":
            return f"Dropout({layer.rate if layer.rate is not None else 0.5:g})"
        case "flatten":
            return "Flatten()"
    raise ValueError(layer.type)


def say_pytorch(rng: random.Random, layer: Layer, channels: int, features: int) -> str:
    """One layer as a PyTorch module (needs the channels / features coming in)."""
    match layer.type:
        case "conv":
            assert layer.kernel
            k = layer.kernel[0]
            args = [
                str(channels),
                str(layer.filters or 32),
                rng.choice([str(k), f"kernel_size={k}"]),
            ]
            if layer.stride:
                args.append(f"stride={layer.stride}")
            if layer.same:
                args.append(f"padding={k // 2}" if k % 2 else "padding='same'")
            return f"nn.Conv2d({', '.join(args)})"
        case "pool":
            if layer.global_pool:
                return (
                    "nn.AdaptiveAvgPool2d(1)" if layer.mode == "avg" else "nn.AdaptiveMaxPool2d(1)"
                )
            assert layer.kernel
            name = "nn.MaxPool2d" if layer.mode == "max" else "nn.AvgPool2d"
            return (
                f"{name}({layer.kernel[0]}"
                + (f", stride={layer.stride}" if layer.stride else "")
                + ")"
            )
        case "dense" | "output":
            return f"nn.Linear({features}, {layer.units})"
        case "dropout":
            return f"nn.Dropout({layer.rate if layer.rate is not None else 0.5:g})"
        case "flatten":
            return "nn.Flatten()"
    raise ValueError(layer.type)


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
        request, source = _named_request(rng, net), f"net/named-{net.name.split()[-1].lower()}"
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
