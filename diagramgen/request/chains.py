"""Flows told as arrow chains ("question → embedding → vector DB → LLM → answer"): the one way
of asking for a flow that states its steps and edges exactly, read without a model.

A request is read as chains only when every statement in it is one: steps of at most six words
between arrows, statements split by lines, semicolons or full stops, a title before a colon
("RAG flow: ...") and statements that name no step ("please draw it top to bottom") allowed
around them. An arrow may carry a short label (`A -(writes)-> B`, `A --over HTTP--> B`,
`A -->|yes| B`). A step with anything a chain cannot carry (a question, a condition or yes/no,
a loop word, a fan-in "and", brackets) leaves the whole request to the model.
The same step named twice is one node, so "A -> B; B -> C; C -> A" is a loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise

from diagramgen.diagram import Structure, StructureNode, structure_edge
from diagramgen.limits import (
    MAX_EDGE_LABEL_CHARS,
    MAX_PLAN_LABEL_CHARS,
    MAX_PLAN_LINES,
    MAX_PLAN_NODES,
)

ARROW = re.compile(r"\s*(?:-+>|→|⟶|➔|➜|➝|=+>|⇒)\s*")
# An arrow with a label on it: A -(writes)-> B, A --over HTTP--> B, A -->|yes| B.
_LABELLED = re.compile(
    r"\s*(?:-+\s*\(\s*([^()\-<>|]{1,30}?)\s*\)\s*-+>|-{2,}\s*([^()\-<>|]{1,30}?)\s*-{2,}>"
    r"|-+>\s*\|\s*([^|()<>]{1,30}?)\s*\|)\s*"
)
_STATEMENT_END = re.compile(r"\n+|;|(?<=[^\W\d_]{2})\.(?:\s+|$)")
# "... 흐름도를 그려줘" closing the last step: asking for the drawing, not a step's name.
_KOREAN_ASK = re.compile(
    r"\s*(?:(?:흐름도|순서도|플로우\s*차트|다이어그램)(?:를|을|로|으로)?\s*)?"
    r"(?:그려|만들어)\s*(?:줘|주세요|주십시오)?[.!]?\s*$"
)
_LIST_MARK = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")
_QUOTES = "\"'“”‘’`「」"
# Words a plain chain cannot carry: conditions, answers, loops, joins, edge labels, order words.
_STRUCTURE = {
    "if", "else", "otherwise", "unless", "when", "whether", "yes", "no", "loop", "back", "until",
    "retry", "again", "repeat", "and", "or", "both", "either", "then", "after", "before", "via",
    "over", "through", "feeds", "goes", "returns",
}  # fmt: skip
_KOREAN_STRUCTURE = re.compile(r"이면|아니면|돌아|반복|다시|그리고|및|경우|여부|에서|으로|그룹")
# What a statement without a step may say: asking for the drawing and its direction.
_FILLER = {
    "a", "an", "the", "this", "it", "as", "please", "draw", "make", "show", "sketch", "create",
    "give", "me", "us", "can", "could", "would", "you", "i", "we", "want", "need", "of", "for",
    "flow", "flowchart", "chart", "diagram", "pipeline", "process", "workflow", "graph",
    "picture", "top", "bottom", "left", "right", "down", "to", "vertical", "horizontal",
    "vertically", "horizontally", "drawn",
}  # fmt: skip
_KOREAN_FILLER = re.compile(
    r"흐름도|순서도|플로우\s*차트|플로우차트|다이어그램|파이프라인|프로세스|그림|[을를로으]|그려|"
    r"만들어|보여|주세요|줘|주십시오|위에서|아래로|왼쪽에서|오른쪽으로|[\s.!]"
)


@dataclass(frozen=True)
class FlowChain:
    """A flow stated exactly: its steps in the order first named, and its edges (indices)."""

    labels: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    edge_labels: tuple[str, ...]  # one per edge, "" for none

    def structure(self) -> Structure:
        """The flow as the structure summary states it (every node a process: the type of a
        node is not something a chain says)."""
        nodes: list[StructureNode] = [
            {"id": f"n{i}", "label": label, "type": "process"}
            for i, label in enumerate(self.labels)
        ]
        pairs = zip(self.edges, self.edge_labels, strict=True)
        edges = [structure_edge(f"n{a}", f"n{b}", said) for (a, b), said in pairs]
        return Structure(kind="flow", layers=[], nodes=nodes, edges=edges)


def read_chains(request: str) -> FlowChain | None:
    """The flow a request states as arrow chains, or None where it says anything more."""
    request = _KOREAN_ASK.sub("", request.strip())
    statements = [s.strip() for s in _STATEMENT_END.split(request) if s and s.strip()]
    if statements and " - " in statements[0]:  # "draw a flow - A -> B"
        title, rest = statements[0].split(" - ", 1)
        if _is_filler(title):
            statements[0] = rest
    if statements and ":" in statements[0] and not ARROW.search(statements[0].split(":")[0]):
        title, rest = statements[0].split(":", 1)
        if len(title.split()) > 10:
            return None
        statements[0] = rest.strip()
    labels: dict[str, int] = {}
    names: list[str] = []
    edges: list[tuple[int, int]] = []
    edge_labels: list[str] = []
    for statement in statements:
        statement = _LIST_MARK.sub("", statement)
        steps, said = _split_arrows(statement)
        if len(steps) < 2:
            if statement and not _is_filler(statement):
                return None
            continue
        ids = []
        for raw in steps:
            label = _step(raw)
            if label is None:
                return None
            key = _same_step(" ".join(label.casefold().split()), labels)
            if key not in labels:
                labels[key] = len(names)
                names.append(label)
            ids.append(labels[key])
        for (a, b), label in zip(pairwise(ids), said, strict=True):
            if a == b or (label and _edge_label(label) is None):
                return None
            if (a, b) not in edges:
                edges.append((a, b))
                edge_labels.append(label)
    if not edges or len(names) > MAX_PLAN_NODES or len(edges) > MAX_PLAN_LINES:
        return None
    return FlowChain(tuple(names), tuple(edges), tuple(edge_labels))


def _split_arrows(statement: str) -> tuple[list[str], list[str]]:
    """The steps between a statement's arrows, and the label on each arrow ("" for none)."""
    steps: list[str] = []
    labels: list[str] = []
    at = 0
    while True:
        labelled, plain = _LABELLED.search(statement, at), ARROW.search(statement, at)
        arrow = labelled if labelled and (not plain or labelled.start() <= plain.start()) else plain
        if arrow is None:
            steps.append(statement[at:])
            return steps, labels
        steps.append(statement[at : arrow.start()])
        labels.append(
            next((g.strip() for g in arrow.groups() if g), "") if arrow is labelled else ""
        )
        at = arrow.end()


def _edge_label(label: str) -> str | None:
    """An arrow's label, or None when it says more than a few words."""
    words = label.split()
    if not words or len(words) > 4 or len(label) > MAX_EDGE_LABEL_CHARS:
        return None
    return None if re.search(r"[?\[\]{}|,:;\"\\<>=&/]", label) else label


def _same_step(key: str, known: dict[str, int]) -> str:
    """The step already named this way, allowing a typo in longer names ("archve embeddings"
    is "archive embeddings"), else the key itself."""
    if key in known or len(key) < 8:
        return key
    for other in known:
        if len(other) >= 8 and SequenceMatcher(None, key, other).ratio() >= 0.85:
            return other
    return key


def _step(raw: str) -> str | None:
    """A step's label, or None when the step says more than a name."""
    label = raw.strip().strip(_QUOTES).strip().rstrip(".!").strip().strip(_QUOTES).strip()
    words = label.split()
    if not words or len(words) > 6 or len(label) > MAX_PLAN_LABEL_CHARS:
        return None
    if re.search(r"[?()\[\]{}|,:;\"\\<>=&/]|--|^-|-$|\s-\s", label):
        return None
    if {w.casefold() for w in words} & _STRUCTURE or _KOREAN_STRUCTURE.search(label):
        return None
    return label


def _is_filler(statement: str) -> bool:
    """True when a statement only asks for the drawing (names no step)."""
    words = re.findall(r"[^\W\d_]+", statement.casefold())
    hangul = [w for w in words if re.search(r"[가-힣]", w)]
    if any(w not in _FILLER for w in words if w not in hangul):
        return False
    return not _KOREAN_FILLER.sub("", " ".join(hangul)).strip()
