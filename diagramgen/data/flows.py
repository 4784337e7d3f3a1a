"""Flow / pipeline requests with node labels taken from the request, and their plans."""

from __future__ import annotations

import itertools
import random
import string
from dataclasses import dataclass, field

from diagramgen.data.example import Example, flow_labels_structure, make_example
from diagramgen.data.phrasing import join, random_style, style_wish, typo
from diagramgen.data.phrasing import with_style as add_wish
from diagramgen.diagram import Kind, LineStyle
from diagramgen.formats.plan import FlowEdge, FlowNode, Plan
from diagramgen.seedbench.vocabulary import SEED_DATA, SEED_PROCESSES

Step = tuple[str, str]  # (label, node type)

PIPELINES: dict[str, list[Step]] = {
    "ML pipeline": [("load data", "data"), ("clean data", "process"), ("feature engineering", "process"), ("split train/test", "process"), ("train model", "model"), ("evaluate", "process"), ("deploy", "terminal"), ("monitor", "process")],
    "RAG flow": [("question", "text"), ("embedding model", "model"), ("vector DB", "db"), ("retrieve top-k passages", "process"), ("rerank", "process"), ("build prompt", "text"), ("LLM", "model"), ("answer", "text")],
    "ETL pipeline": [("source systems", "db"), ("extract", "process"), ("raw files", "data"), ("transform", "process"), ("validate", "process"), ("load", "process"), ("data warehouse", "db"), ("dashboard", "chart")],
    "fine-tuning pipeline": [("base model", "model"), ("instruction dataset", "data"), ("tokenize", "process"), ("LoRA fine-tuning", "model"), ("evaluate", "process"), ("merge adapter", "process"), ("serve", "terminal")],
    "image classification pipeline": [("images", "image"), ("resize", "process"), ("augment", "process"), ("CNN", "model"), ("softmax", "func"), ("predicted label", "text")],
    "speech recognition pipeline": [("audio", "data"), ("spectrogram", "image"), ("acoustic model", "model"), ("beam search decoder", "func"), ("transcript", "text")],
    "agent loop": [("user message", "text"), ("planner LLM", "model"), ("tool call", "func"), ("search API", "func"), ("observation", "text"), ("final answer", "text")],
    "recommendation pipeline": [("event logs", "data"), ("Kafka", "db"), ("stream processor", "process"), ("feature store", "db"), ("ranking model", "model"), ("ranked items", "data")],
    "training loop": [("sample batch", "data"), ("forward pass", "process"), ("compute loss", "func"), ("backward pass", "process"), ("optimizer step", "process"), ("checkpoint", "db")],
}  # fmt: skip
VERBS = ["parse", "fetch", "score", "normalize", "filter", "deduplicate", "enrich", "classify", "summarize", "translate", "index", "cache", "route", "aggregate", "visualize", "export", "encrypt", "compress", "label", "review", "embed", "tokenize", "resample", "cluster"]  # fmt: skip
OBJECTS = ["invoices", "tickets", "emails", "logs", "images", "documents", "transactions", "sensor readings", "user profiles", "embeddings", "reports", "metrics", "queries", "audio clips", "product reviews", "click events", "PDFs", "tweets", "X-rays", "contracts"]  # fmt: skip
ARROWS = [" → ", " -> ", " => ", " > ", " --> "]
TITLES = ["pipeline", "flow", "workflow", "flowchart", "diagram", "process"]


@dataclass
class Graph:
    """A flow being sampled: its steps, the edges between them by index, and which edges loop back."""

    steps: list[Step] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)
    back: set[int] = field(default_factory=set)  # indices of edges that close a loop

    @property
    def loops(self) -> set[tuple[int, int]]:
        """The edges that close a loop, as (source, target) step indices."""
        return {self.edges[k] for k in self.back}

    def add(self, step: Step) -> int:
        """Add a step unless one with the same label exists; return its index either way."""
        for i, existing in enumerate(self.steps):
            if existing[0] == step[0]:
                return i
        self.steps.append(step)
        return len(self.steps) - 1

    def link(self, a: int, b: int) -> None:
        """Add an edge from step `a` to step `b`, skipping self-loops and duplicates."""
        if a != b and (a, b) not in self.edges:
            self.edges.append((a, b))


def _custom_steps(rng: random.Random, k: int) -> list[Step]:
    steps: list[Step] = []
    while len(steps) < k:
        label = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        if rng.random() < 0.5:
            label = label[0].upper() + label[1:]
        if label.lower() not in [s[0].lower() for s in steps]:
            steps.append((label, "process"))
    return steps


def _steps(rng: random.Random) -> tuple[str, list[Step]]:
    if rng.random() < 0.3:
        return rng.choice(TITLES), _custom_steps(rng, rng.randint(3, 8))
    title, pipeline = rng.choice(list(PIPELINES.items()))
    k = rng.randint(3, len(pipeline))
    start = rng.randint(0, len(pipeline) - k)
    steps = pipeline[start : start + k]
    if rng.random() < 0.3:
        steps = [(label[0].upper() + label[1:], t) for label, t in steps]
    return title, steps


# Phrasings: each turns a Graph (chain order = step order) into a request.
def say_arrows(rng: random.Random, title: str, g: Graph) -> str:
    """The flow as arrow chains ('a -> b -> c'): the main chain, then the other edges."""
    arrow = rng.choice(ARROWS)
    chain, extra = _chain_and_rest(g)
    parts = [arrow.join(g.steps[i][0] for i in chain)]
    for a, b in extra:
        parts.append(f"{g.steps[a][0]}{arrow}{g.steps[b][0]}")
    head = rng.choice([f"{title}: ", f"{title}: ", "", f"draw {article(title)} {title}: "])
    return head + rng.choice(["; ", ", and ", ", also "]).join(parts)


def say_list(rng: random.Random, title: str, g: Graph) -> str:
    """The flow as a bulleted or numbered list of steps, with the other edges as extra items."""
    chain, extra = _chain_and_rest(g)
    bullet = rng.choice(["- ", "* ", "{n}. ", "step {n}: "])
    lines = [bullet.format(n=n + 1) + g.steps[i][0] for n, i in enumerate(chain)]
    for a, b in extra:
        if (a, b) in g.loops:
            text = rng.choice(
                ["after {a}, go back to {b}", "{a} loops back to {b}", "repeat from {b} after {a}"]
            )
        else:
            text = rng.choice(["{a} also feeds {b}", "{a} also goes to {b}", "{a} connects to {b}"])
        lines.append(
            bullet.format(n=len(lines) + 1) + text.format(a=g.steps[a][0], b=g.steps[b][0])
        )
    head = rng.choice(
        [f"{title} with these steps:", f"{title}:", f"{article(title)} {title} that includes,"]
    )
    return head + "\n" + "\n".join(lines)


def say_prose(rng: random.Random, title: str, g: Graph) -> str:
    """The flow as prose ('first a, then b, ...'), with the other edges as extra sentences."""
    chain, extra = _chain_and_rest(g)
    labels = [g.steps[i][0] for i in chain]
    if rng.random() < 0.5 and len(labels) >= 3:
        body = (
            f"first {labels[0]}, then "
            + ", then ".join(labels[1:-1])
            + f", and finally {labels[-1]}"
        )
    else:
        verbs = ["feeds", "goes to", "which writes to", "is passed to", "flows into"]
        body = labels[0] + "".join(f" {rng.choice(verbs)} {label}" for label in labels[1:])
    for a, b in extra:
        if (a, b) in g.loops:
            form = rng.choice(["after {a}, loop back to {b}", "then go back from {a} to {b}"])
        else:
            form = rng.choice(
                ["{a} also feeds {b}", "{b} also reads from {a}", "{a} is also sent to {b}"]
            )
        body += ". " + form.format(a=g.steps[a][0], b=g.steps[b][0])
    return rng.choice([f"{article(title)} {title}: ", f"{title} where ", ""]) + body


def article(word: str) -> str:
    """'a' or 'an' as a reader would say it (an ML pipeline, an ETL flow)."""
    return "an" if word[:1].lower() in "aeiou" or word.startswith(("ML", "RAG", "ETL")) else "a"


def _chain_and_rest(g: Graph) -> tuple[list[int], list[tuple[int, int]]]:
    """The longest run of edges i -> i+1 from step 0, and every other edge."""
    chain = [0]
    while (chain[-1], chain[-1] + 1) in g.edges:
        chain.append(chain[-1] + 1)
    on_chain = set(itertools.pairwise(chain))
    return chain, [e for e in g.edges if e not in on_chain]


def _shape_graph(rng: random.Random, steps: list[Step]) -> tuple[Graph, str]:
    g = Graph()
    for s in steps:
        g.add(s)
    n = len(steps)
    for i in range(n - 1):
        g.link(i, i + 1)
    r = rng.random()
    if r < 0.15 and n >= 4:  # a shortcut, e.g. question -> LLM
        a = rng.randrange(0, n - 2)
        g.link(a, rng.randrange(a + 2, n))
        return g, "skip"
    if r < 0.3 and n >= 4:  # a loop back
        b = rng.randrange(1, n)
        a = rng.randrange(0, b)
        g.link(b, a)
        g.back.add(len(g.edges) - 1)
        return g, "cycle"
    if r < 0.45 and n >= 3:  # a side branch that rejoins
        side = g.add(_custom_steps(rng, 1)[0]) if rng.random() < 0.5 else None
        a = rng.randrange(0, n - 2)
        if side is not None and side == len(g.steps) - 1:
            g.link(a, side)
            g.link(side, rng.randrange(a + 1, n))
            return g, "branch"
    return g, "chain"


def _seed_statements(rng: random.Random) -> tuple[str, Graph]:
    """The seed's 'inputs X and outputs Y and process them with Z' style, same-label = same node."""
    g = Graph()
    lines = []
    data = list(SEED_DATA.items())
    procs = list(SEED_PROCESSES.items())
    current = rng.choice(data)
    for _ in range(rng.randint(2, 5)):
        proc = rng.choice(procs)
        out = rng.choice([d for d in data if d[0] != current[0]])
        extra = (
            rng.choice([d for d in data if d[0] not in (current[0], out[0])])
            if rng.random() < 0.3
            else None
        )
        ins = [current] + ([extra] if extra else [])
        form = rng.randrange(3)
        if form == 0:
            lines.append(
                f"inputs {join(rng, [d[0] for d in ins])}, and outputs {out[0]} and process them with {proc[0]}"
            )
        elif form == 1:
            ins = [current]
            lines.append(f"a {proc[0]} converts {current[0]} into {out[0]}")
        else:
            ins = [current]
            lines.append(f"{proc[0]} that, with {current[0]} as input, and {out[0]} as output")
        p = g.add(proc)
        for d in ins:
            g.link(g.add(d), p)
        g.link(p, g.add(out))
        current = out
    head = rng.choice(
        [
            "machine learning model that includes,",
            "process that consists of",
            "deep learning algorithm that contains,",
        ]
    )
    if head.endswith(","):
        return head + "\n" + "\n".join(f"- {line}" for line in lines), g
    return head + " " + ", and then ".join(lines) + ".", g


def node_ids(n: int) -> list[str]:
    """Plan ids for n nodes: a, b, …, z, then aa, ab, …"""
    letters = string.ascii_lowercase
    return [letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i in range(n)]


def sample_flow(rng: random.Random) -> Example:
    """One random flow request with its plan and ground-truth structure."""
    if rng.random() < 0.12:
        request, g = _seed_statements(rng)
        source = "flow/seed"
    else:
        title, steps = _steps(rng)
        g, shape = _shape_graph(rng, steps)
        say = rng.choice([say_arrows, say_arrows, say_list, say_prose])
        request = say(rng, typo(rng, title, 0.1), g)
        source = f"flow/{say.__name__[4:]}+{shape}"
    plan = Plan(kind=Kind.FLOW, style=random_style(rng, "flow"))
    wish, plan.style = style_wish(rng, plan.style)
    request = add_wish(rng, request, wish)
    lower = rng.random() < 0.25
    if lower:
        request = request.lower()
    labels = [label.lower() if lower else label for label, _ in g.steps]
    ids = node_ids(len(labels))
    plan.nodes = [FlowNode(ids[i], labels[i], t) for i, (_, t) in enumerate(g.steps)]
    loop_style = LineStyle.DASHED_LINE if rng.random() < 0.5 else None
    plan.edges = [
        FlowEdge(ids[a], ids[b], loop_style if k in g.back else None)
        for k, (a, b) in enumerate(g.edges)
    ]
    return make_example(request, plan, flow_labels_structure(labels, g.edges, ids), source)
