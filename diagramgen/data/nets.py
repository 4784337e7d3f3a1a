"""Neural-net requests phrased every way people do, with plan answers and true layers."""

from __future__ import annotations

import random
from collections.abc import Callable

from diagramgen.data.example import Example, make_example
from diagramgen.data.phrasing import casing, join, number, plural, random_style, style_wish, typo
from diagramgen.data.phrasing import with_style as add_wish
from diagramgen.diagram import Kind, net_structure
from diagramgen.formats.plan import Layer, Plan

NET_NOUNS = [
    "neural net", "neural network", "network", "MLP", "multilayer perceptron", "feedforward network",
    "fully connected network", "dense network", "NN", "net", "DL model", "deep learning model",
]  # fmt: skip
UNIT_NOUNS = ["nodes", "neurons", "units"]


def unit_count(rng: random.Random, small_bias: float = 0.6) -> int:
    """A random layer width: 1 to 12 with probability `small_bias`, else a medium or large one."""
    r = rng.random()
    if r < small_bias:
        return rng.randint(1, 12)
    if r < small_bias + 0.25:
        return rng.choice([16, 20, 24, 32, 48, 50, 64, 100, 128, rng.randint(13, 128)])
    return rng.choice([256, 300, 500, 512, 784, 1000, 1024, rng.randint(129, 1024)])


def _sizes(rng: random.Random) -> list[int]:
    hidden = rng.choices([0, 1, 2, 3, 4, 5, 6], weights=[3, 25, 32, 22, 10, 5, 3])[0]
    sizes = [unit_count(rng, 0.65)] + [unit_count(rng) for _ in range(hidden)]
    return [*sizes, rng.choice([1, 1, 2, 2, 3, 4, 5, 10, rng.randint(1, 12), unit_count(rng)])]


def _units(rng: random.Random, n: int) -> str:
    return f"{number(rng, n)} {plural(n, rng.choice(UNIT_NOUNS)[:-1])}"


def _hidden_list(rng: random.Random, hidden: list[int]) -> str:
    return join(rng, [number(rng, h) for h in hidden])


# Each template writes a request for sizes [input, *hidden, output], or None if it does not fit.
def t_inputs_hidden_output(rng: random.Random, s: list[int]) -> str | None:
    """Phrasing 'N inputs, hidden layers of a, b, M outputs' (None without a hidden layer)."""
    if len(s) < 3:
        return None
    noun, hidden = rng.choice(NET_NOUNS), s[1:-1]
    layer_word = "hidden layer" if len(hidden) == 1 else "hidden layers"
    return (
        f"a {noun} with {number(rng, s[0])} {plural(s[0], 'input')}, {layer_word} of "
        f"{_hidden_list(rng, hidden)}, {number(rng, s[-1])} {plural(s[-1], 'output')}"
    )


def t_nodes_each(rng: random.Random, s: list[int]) -> str | None:
    """Phrasing 'N input nodes, a, b hidden nodes, M outputs' (None without a hidden layer)."""
    if len(s) < 3:
        return None
    hidden = s[1:-1]
    return (
        f"{number(rng, s[0])} input {plural(s[0], 'node')}, {_hidden_list(rng, hidden)} hidden "
        f"{plural(hidden[-1], 'node')}, {number(rng, s[-1])} {plural(s[-1], 'output')}"
    )


def t_dashes(rng: random.Random, s: list[int]) -> str | None:
    """Phrasing as the sizes joined, e.g. 'MLP 4-8-3' (None for fewer than two layers)."""
    if len(s) < 2:
        return None
    sep = rng.choice(["-", "-", "x", " -> ", " → ", "/", ", "])
    dims = sep.join(str(n) for n in s)
    prefix = rng.choice(["", "", "MLP ", "network ", "nn ", "a ", "fully connected "])
    suffix = rng.choice(["", "", " network", " MLP", " net", " architecture"])
    return f"{prefix}{dims}{suffix}"


def t_perceptron(rng: random.Random, s: list[int]) -> str | None:
    """Phrasing for a perceptron, inputs straight to outputs (None unless exactly two layers)."""
    if len(s) != 2:
        return None
    out = "a single output" if s[1] == 1 else f"{number(rng, s[1])} outputs"
    forms = [
        f"perceptron with {number(rng, s[0])} {plural(s[0], 'input')} and {out}",
        f"single-layer perceptron, {number(rng, s[0])} inputs, {out}",
        f"a simple network with {number(rng, s[0])} inputs connected directly to {out}",
    ]
    return rng.choice(forms)


def t_hidden_of_units(rng: random.Random, s: list[int]) -> str | None:
    """Phrasing 'taking N features, hidden layers of a, b units, M outputs' (None under two hidden layers)."""
    if len(s) < 4:
        return None
    hidden = s[1:-1]
    return (
        f"{rng.choice(NET_NOUNS)} taking {number(rng, s[0])} features, hidden layers of "
        f"{_hidden_list(rng, hidden)} {rng.choice(UNIT_NOUNS)}, {number(rng, s[-1])} "
        f"{plural(s[-1], rng.choice(['output', 'class', 'output unit']))}".replace(
            "classs", "classes"
        )
    )


def t_equal_hidden(rng: random.Random, s: list[int]) -> str | None:
    """Phrasing 'K hidden layers with N units each' (None unless two or more equal hidden layers)."""
    hidden = s[1:-1]
    if len(hidden) < 2 or len(set(hidden)) != 1:
        return None
    k, n = len(hidden), hidden[0]
    forms = [
        f"{number(rng, k, 0.7)} hidden layers with {_units(rng, n)} each",
        f"{number(rng, k, 0.7)} hidden layers of {number(rng, n)} {rng.choice(UNIT_NOUNS)} each",
        f"{number(rng, k, 0.7)} hidden layers, each with {_units(rng, n)}",
    ]
    return (
        f"{rng.choice(NET_NOUNS)} with {number(rng, s[0])} {plural(s[0], 'input')}, "
        f"{rng.choice(forms)}, and {number(rng, s[-1])} {plural(s[-1], 'output')}"
    )


def t_seed(rng: random.Random, s: list[int]) -> str | None:
    """The seed project's phrasing ('DL model consist of 6 input size, 3 4 nodes in ...')."""
    if len(s) < 3:
        return None
    hidden = s[1:-1]
    sep = rng.choice([" ", ", ", " and "])
    hidden_text = sep.join(str(h) for h in hidden)
    where = rng.choice(
        [
            f"in {len(hidden)} hidden layer",
            "in intermediate layers",
            "in mid layers",
            "in the hidden layer",
            f"in each of the {len(hidden)} hiddens",
            "in hidden layers",
        ]
    )
    head = rng.choice(["DL model", "neural network", "NN model", "NN", "deep learning model"])
    verb = rng.choice(["consist of", "with", "of", "that has"])
    inp = rng.choice([f"{s[0]} input size", f"{s[0]} input layer nodes", f"{s[0]} inputs"])
    out = rng.choice(["output elements", "output layer nodes", "output size", "output nodes"])
    return f"{head} {verb} {inp}, {hidden_text} nodes {where}, and {s[-1]} {out}"


def t_arrows(rng: random.Random, s: list[int]) -> str | None:
    """Phrasing 'input layer of size N, then a, then output M' (None without a hidden layer)."""
    if len(s) < 3:
        return None
    parts = [f"input layer of size {s[0]}"] + [f"{h}" for h in s[1:-1]] + [f"output {s[-1]}"]
    return f"{rng.choice(NET_NOUNS)}: " + ", then ".join(parts)


TEMPLATES: list[Callable[[random.Random, list[int]], str | None]] = [
    t_inputs_hidden_output,
    t_nodes_each,
    t_dashes,
    t_perceptron,
    t_hidden_of_units,
    t_equal_hidden,
    t_seed,
    t_arrows,
]


def _named(rng: random.Random) -> tuple[str, list[int]]:
    """Architectures known by name, with the sizes they imply."""
    choice = rng.randrange(4)
    if choice == 0:
        h = rng.choice([2, 2, 3, 4])
        text = "XOR network" if h == 2 else f"XOR network with {number(rng, h)} hidden units"
        return text, [2, h, 1]
    if choice == 1:
        n = unit_count(rng)
        return rng.choice(
            [f"logistic regression with {n} features", f"linear classifier on {n} inputs"]
        ), [n, 1]
    enc = sorted({unit_count(rng, 0.3) for _ in range(rng.randint(0, 2))}, reverse=True)
    bottleneck = rng.choice([2, 3, 4, 8, 16, 32])
    enc = [e for e in enc if e > bottleneck]
    width = max([bottleneck * 2, *enc]) * rng.choice([1, 2, 4])
    sizes = [width, *enc, bottleneck, *reversed(enc), width]
    if enc:
        text = (
            f"autoencoder with {width} inputs, encoder layers of {join(rng, [str(e) for e in enc])}"
            f" and a bottleneck of {bottleneck}"
        )
    else:
        text = f"autoencoder with a bottleneck of {number(rng, bottleneck)} for {width}-dimensional input"
    return text, sizes


def _layers(sizes: list[int]) -> list[Layer]:
    last = len(sizes) - 1
    return [
        Layer("input" if i == 0 else "output" if i == last else "dense", units=n)
        for i, n in enumerate(sizes)
    ]


ORDINALS = ["first", "second", "third", "fourth", "fifth"]


def _skip(rng: random.Random, plan: Plan) -> str:
    """Add a residual connection and say so in words."""
    n = len(plan.layers)
    a = rng.randrange(0, n - 2)
    b = rng.randrange(a + 2, n)

    def name(i: int) -> str:
        if i == 0:
            return "the input"
        if i == n - 1:
            return "the output"
        return f"the {ORDINALS[i - 1]} hidden layer" if i - 1 < len(ORDINALS) else f"layer {i + 1}"

    plan.skips.append((a, b))
    return f"with a {rng.choice(['skip', 'residual'])} connection from {name(a)} to {name(b)}"


def sample_net(rng: random.Random) -> Example:
    """One random fully connected net request with its plan and ground-truth structure."""
    if rng.random() < 0.12:
        request, sizes = _named(rng)
        source = "nn/named"
    else:
        sizes = _sizes(rng)
        if len(sizes) >= 4 and rng.random() < 0.2:  # "two hidden layers with 5 neurons each"
            sizes[1:-1] = [sizes[1]] * (len(sizes) - 2)
        options = [t for t in TEMPLATES if t(random.Random(0), sizes) is not None]
        template = rng.choice(options)
        request = template(rng, sizes) or ""
        source = f"nn/{template.__name__[2:]}"
    plan = Plan(kind=Kind.NN, style=random_style(rng, "nn"), layers=_layers(sizes))
    if len(sizes) >= 4 and rng.random() < 0.08:
        request = f"{request} {_skip(rng, plan)}"
        source += "+skip"
    wish, plan.style = style_wish(rng, plan.style)
    request = casing(rng, typo(rng, add_wish(rng, request, wish)))
    layers = [("input", sizes[0])] + [("dense", n) for n in sizes[1:-1]] + [("output", sizes[-1])]
    return make_example(request, plan, net_structure("nn", layers), source)
