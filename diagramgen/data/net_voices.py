"""One layer said in the voices people use: English prose (counted runs too), Korean, terse
notes, a Keras call and a PyTorch module. The net request composer picks one voice per request."""

from __future__ import annotations

import random

from diagramgen.data.wording import count_word, join_items, size_text
from diagramgen.formats.plan import Layer


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
