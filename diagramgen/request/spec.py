"""What a request asks for, read without a model: `RequestSpec`.

- the kind: a net (nn/cnn), a flow, or a kind diagramgen does not draw (then a refusal that
  names what it does draw);
- for nets, the layers with their stated options (`layers.read_layers`), and whether that
  reading is certain enough to hold decoding to it;
- for flows, the words that name steps, and whether the request asks for a decision (if /
  otherwise / yes-no), a loop (back to / until / retry) or labelled edges; a flow told as
  nothing but arrow chains (`chains.read_chains`), as a plain story of steps
  (`stories.read_story`, in Korean `korean_stories.read_korean_story`) or as relations
  between named parts (`relations.read_relations`) is read exactly;
- the numbers it states and the direction it wants.

The spec ranks candidates (soft) everywhere; it constrains decoding only where `certain`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from diagramgen.request.chains import FlowChain, read_chains
from diagramgen.request.korean_stories import read_korean_story
from diagramgen.request.layer_spec import LayerReading
from diagramgen.request.layers import CONV_WORD, POOL_WORD, names_layer, read_layers
from diagramgen.request.reading import numbers
from diagramgen.request.relations import read_relations
from diagramgen.request.stories import read_story
from diagramgen.request.words import normalise_numbers, respell

DRAWN = "neural nets (dense layers), CNNs and flowcharts"

# Diagram kinds diagramgen does not draw, each with what people call it (English, Korean).
_OTHER_KINDS: list[tuple[str, str]] = [
    ("a sequence diagram", r"sequence\s+diagram|시퀀스\s*다이어그램|순차\s*다이어그램"),
    (
        "an ER diagram",
        r"\bER\s*[- ]?diagram|entity[\s-]+relationship|\bERD\b|E-R\s+diagram|ER\s*다이어그램"
        r"|개체[\s-]*관계",
    ),
    ("a class diagram", r"class\s+diagram|클래스\s*다이어그램"),
    ("a use-case diagram", r"use[\s-]+case\s+diagram|유스\s*케이스"),
    ("a Gantt chart", r"gantt|간트"),
    ("a pie chart", r"pie\s+chart|donut\s+chart|파이\s*(?:차트|그래프)|원형\s*(?:차트|그래프)"),
    ("a bar chart", r"bar\s+(?:chart|graph|plot)|histogram|막대\s*(?:차트|그래프)|히스토그램"),
    ("a line chart", r"line\s+(?:chart|graph|plot)|꺾은선|선\s*그래프"),
    ("a plot", r"scatter\s*plot|box\s*plot|heat\s*map|radar\s+chart|spider\s+chart|산점도|히트맵"),
    ("a Venn diagram", r"venn|벤\s*다이어그램"),
    ("a timeline", r"\btimeline\b|타임라인|연표"),
    ("a floor plan", r"floor\s*plan|평면도"),
    ("an org chart", r"org(?:anization(?:al)?)?\s*chart|조직도"),
    ("a mind map", r"mind\s*map|마인드\s*맵"),
    ("a Sankey diagram", r"sankey|생키"),
    ("a family tree", r"family\s+tree|가계도|족보"),
    (
        "a circuit diagram",
        r"circuit\s+(?:diagram|schematic)|schematic\s+of\s+(?:a|the)\s+circuit|회로도",
    ),
    ("a network topology", r"network\s+topology|네트워크\s*토폴로지"),
    ("a wireframe", r"wire\s*frame|와이어\s*프레임|mock-?up\s+of\s+(?:a|the)\s+(?:screen|page)"),
    ("a map", r"\b(?:street|world|city|campus|subway|metro)\s+map\b|지도"),
    (
        "a chemical structure",
        r"molecul\w+\s+structure|chemical\s+structure|structural\s+formula|분자\s*구조",
    ),
    ("a chart", r"\b(?:stock|candlestick|area)\s+chart\b"),
]
_OTHER = [(name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _OTHER_KINDS]
_NET_WORDS = re.compile(
    r"neural|\bnet(?:work)?\b|\bmlp\b|\bcnn\b|convnet|perceptron|auto-?encoder|lenet|alexnet|vgg|"
    rf"resnet|keras|pytorch|nn\.|{CONV_WORD}|{POOL_WORD}|dense|hidden|\blayers?\b|신경망|합성곱|은닉|레이어|층",
    re.IGNORECASE,
)
_FLOW_WORDS = re.compile(
    r"flow\s*chart|flowchart|\bflow\b|pipeline|workflow|process|steps?\b|→|->|=>|흐름|순서도|"
    r"플로우|프로세스|절차|단계",
    re.IGNORECASE,
)
_ARROWS = re.compile(r"\s*(?:-+>|→|=+>|⇒|➜)\s*")
_DECISION = re.compile(
    r"\bif\b|\bwhether\b|\?|\botherwise\b|\belse\b|\byes\b|\bno\b|decision|branch|"
    r"이면|아니면|여부|경우|예/아니오",
    re.IGNORECASE,
)
_LOOP = re.compile(
    r"back\s+to|loop|repeat|until|retry|again|iterat|re-?submit|return\s+to|돌아|반복|다시|재시도",
    re.IGNORECASE,
)
_LIST_MARK = re.compile(r"^\s*(?:\d+\s*[.)]|step\s+\d+\s*:)", re.MULTILINE | re.IGNORECASE)
_STOP = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "then",
        "to",
        "of",
        "in",
        "on",
        "for",
        "with",
        "by",
        "from",
        "into",
        "is",
        "are",
        "be",
        "it",
        "its",
        "as",
        "at",
        "this",
        "that",
        "these",
        "those",
        "first",
        "next",
        "finally",
        "after",
        "before",
        "when",
        "if",
        "else",
        "otherwise",
        "yes",
        "no",
        "not",
        "go",
        "goes",
        "back",
        "draw",
        "please",
        "flowchart",
        "flow",
        "chart",
        "diagram",
        "process",
        "pipeline",
        "workflow",
        "step",
        "steps",
        "which",
        "who",
        "where",
        "while",
        "both",
        "all",
        "each",
        "also",
        "so",
        "do",
        "does",
        "can",
        "could",
        "you",
        "me",
        "my",
        "i",
        "we",
        "our",
        "need",
        "want",
        "make",
        "show",
        "loop",
        "repeat",
        "until",
        "again",
        "there",
        "here",
    ]
)


@dataclass
class RequestSpec:
    """What a request asks for (see the module docstring)."""

    request: str
    kind: str | None  # "net", "flow", or None when the request says too little to tell
    refusal: str | None = None  # a one-line message when the kind is one we do not draw
    layers: LayerReading = field(default_factory=LayerReading)
    numbers: set[int] = field(default_factory=set)
    words: list[str] = field(default_factory=list)  # content words, in order (flows)
    decision: bool = False
    loop: bool = False
    orientation: str | None = None
    chain: FlowChain | None = None  # a flow told exactly as arrow chains

    @property
    def certain(self) -> bool:
        """True when decoding may be held to what was read: a net read completely, or a flow
        told as nothing but arrow chains."""
        return (self.kind == "net" and self.layers.certain) or self.chain is not None


def refusal_for(request: str) -> str | None:
    """A one-line message when the request asks for a kind of diagram we do not draw."""
    for name, pattern in _OTHER:
        if pattern.search(request):
            return f"diagramgen cannot draw {name}; it draws {DRAWN}"
    return None


def content_words(text: str) -> list[str]:
    """The words of a text that can name a step (no connectives, numbers or filler)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    return [w for w in words if w not in _STOP and len(w) > 1]


def _kind(text: str, layers: LayerReading) -> str | None:
    if layers.certain:
        return "net"  # a whole net read, every number in it used: whatever else it says
    nets = len(_NET_WORDS.findall(text))
    flows = len(_FLOW_WORDS.findall(_ARROWS.sub(" ", text)))
    steps = [p for p in _ARROWS.split(text) if p.strip()]
    if len(steps) > 1:  # arrows between layers ("input 30 → dense 60 → output 2") are a net's
        layered = sum(bool(names_layer(p) or re.search(r"\d", p)) for p in steps)
        arrows = len(steps) - 1
        nets, flows = (nets + arrows, flows) if 2 * layered > len(steps) else (nets, flows + arrows)
    if layers.layers and (nets > 0 or len(layers.layers) >= 3) and nets >= flows:
        return "net"
    if flows or len(content_words(text)) >= 3:
        return "flow"
    return "net" if nets else None


def stated_orientation(text: str) -> str | None:
    """The orientation a request asks for ("top to bottom", "세로"), or None."""
    if re.search(r"top[\s-]*(?:to|down)|vertical|위에서\s*아래|세로", text, re.IGNORECASE):
        return "vertical"
    if re.search(r"left[\s-]*to[\s-]*right|horizontal|왼쪽에서\s*오른쪽|가로", text, re.IGNORECASE):
        return "horizontal"
    return None


def _chain(request: str) -> FlowChain | None:
    """The flow a request states exactly: as arrow chains, a plain story of steps (English or
    Korean), or relations between named parts."""
    return (
        read_chains(request)
        or read_story(request)
        or read_korean_story(request)
        or read_relations(request)
    )


def read_request(request: str) -> RequestSpec:
    """The spec of a request (see the module docstring)."""
    refusal = refusal_for(request)
    text = normalise_numbers(respell(request))
    layers = read_layers(request)
    kind = _kind(text, layers)
    return RequestSpec(
        request=request,
        kind=None if refusal else kind,
        refusal=refusal,
        layers=layers if kind == "net" else LayerReading(),
        numbers=numbers(_LIST_MARK.sub(" ", text)),
        words=content_words(request) if kind == "flow" else [],
        decision=kind == "flow" and bool(_DECISION.search(request)),
        loop=kind == "flow" and bool(_LOOP.search(request)),
        orientation=stated_orientation(request),
        chain=_chain(request) if kind == "flow" and not (refusal or _sized(layers)) else None,
    )


def _sized(layers: LayerReading) -> bool:
    """Layers a flow's words cannot have made: one with a size, window, filters or shape, or
    a conv, pool or flatten. "Validate the input", "the output is written", "drop the
    request" name layer words but no net."""
    return any(
        x.size or x.shape or x.kernel or x.filters or x.type in ("conv", "pool", "flatten")
        for x in layers.layers
    )
