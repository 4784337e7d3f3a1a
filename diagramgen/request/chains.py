"""Flows told as arrow chains ("question → embedding → vector DB → LLM → answer"), with their
branches ("valid? yes → home; no → back to login"): the ways of asking for a flow that state its
steps and edges exactly, read without a model.

A request is read as chains only when every statement in it is one: steps of at most six words
between arrows, statements split by lines, semicolons or full stops, a title before a colon
("RAG flow: ...") and statements that name no step ("please draw it top to bottom") allowed
around them. What a chain may carry:
- an arrow's label: `A -(writes)-> B`, `A --over HTTP--> B`, `A -->|yes| B`, `A → (HTTPS) → B`;
- a decision, a step ending in "?", whose branches start at a yes/no word (`yes →`, `(no)`,
  `if yes`, `y`/`n`, `예:`, `아니오면`) or at a short label and a colon (`hit: return`);
- a loop back to a step already named: `back to train`, `go back to step 2`, `다시 빌드`;
- steps joined into one: `A, B → C`, `A + B → both into C`, `... / no: D → 둘 다 E로`;
- list items that follow each other ("- register\\n- assess\\n- critical?\\n- yes → ICU").
Anything else (a condition in words, a fan-in "and", a note in brackets, a decision with an
unlabelled branch) leaves the whole request to the model. The same step named twice is one
node, so "A -> B; B -> C; C -> A" is a loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

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
_STATEMENT_END = re.compile(r";|(?<=[^\W\d_]{2})\.(?:\s+|$)")
# "... 흐름도를 그려줘" closing the last step: asking for the drawing, not a step's name.
_KOREAN_ASK = re.compile(
    r"\s*(?:(?:흐름도|순서도|플로우\s*차트|다이어그램)(?:를|을|로|으로)?\s*)?"
    r"(?:그려|만들어)\s*(?:줘|주세요|주십시오)?[.!]?\s*$"
)
_LIST_MARK = re.compile(r"^\s*(?:[-*•·◦]|(\d{1,2})[.)])\s+")
# Where one piece of a step ends and the next begins: after a question, at a comma or slash.
_PIECE_END = re.compile(r"(?<=\?)\s+|,\s+|\s+[/+&]\s+")
_QUOTES = "\"'“”‘’`「」"
_YES_NO = {"yes": "yes", "y": "yes", "no": "no", "n": "no", "예": "예", "네": "네",
           "아니오": "아니오", "아니요": "아니요"}  # fmt: skip
_ANSWER = "|".join(sorted(_YES_NO, key=len, reverse=True))
# A branch's start: "(yes)", "if yes", "if not,", "yes:", "no,", "예:", "아니오면", or "yes"
# alone before an arrow; what follows, if anything, is the branch's first step.
_BRANCH = re.compile(
    rf"^(?:\(\s*(?P<paren>{_ANSWER})\s*\)|(?:if|when)\s+(?P<if>yes|no|so|not)\b[,:]?"
    rf"|(?P<said>{_ANSWER})\s*[:,]|(?P<ko>예|아니오|아니요|네)면|(?P<alone>{_ANSWER})$)\s*",
    re.IGNORECASE,
)
_BRANCH_WORD = {"so": "yes", "not": "no"}
# "hit: return", "miss: query db": a decision's branch named by a short label and a colon.
_NAMED_BRANCH = re.compile(r"^([^\W\d_][\w-]*(?: [\w-]+)?)\s*:\s*")
_BACK = re.compile(
    r"^(?:(?:(?:go|goes|loop|loops|jump|jumps)\s+)?back\s+to\s+|\(back to\)\s*|다시\s+)"
    r"|\s*(?:으로|로)\s*(?:다시\s*)?돌아(?:감|가기|간다|가요)?$",
    re.IGNORECASE,
)
# "A → B (push)", "A -> B (label: writes)": the label of a statement's one arrow.
_TRAILING_LABEL = re.compile(
    r"\s+\(\s*(?:(?:label|라벨)\s*:?\s*)?[\"'‘’“”]?([^()\"'‘’“”]{1,30}?)[\"'‘’“”]?\s*\)\s*$",
    re.IGNORECASE,
)
# A note on how to draw it is no arrow's label: "(laid out horizontally)", "(in green)".
_STYLE_WORDS = re.compile(
    r"\b(?:horizontal\w*|vertical\w*|top|bottom|left|right|palette|colou?r\w*|green|blue|red|"
    r"dark|light|laid|drawn|layout|style|dashed|bold)\b|가로|세로|색",
    re.IGNORECASE,
)
_STEP_NUMBER = re.compile(r"^step\s+(\d{1,2})$", re.IGNORECASE)
# "both into C", "all three → C", "둘 다 C로": the sources before it join into one step.
_JOINED = re.compile(
    r"^(?:(?:both|all\s+(?P<n>two|three|four|five))(?:\s+(?:into|to|go\s+to))?|둘\s*다)(?:\s+|$)",
    re.IGNORECASE,
)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5}
# Words a step cannot carry: conditions, answers, loops, joins, edge labels, order words.
_STRUCTURE = {
    "if", "else", "otherwise", "unless", "when", "whether", "yes", "no", "loop", "back", "until",
    "retry", "again", "repeat", "and", "or", "both", "either", "then", "after", "before", "via",
    "over", "through", "feeds", "goes", "returns", "also",
}  # fmt: skip
_KOREAN_STRUCTURE = re.compile(
    r"이면|아니면|하면|되면|으면|돌아|반복|다시|그리고|및|경우|여부|에서|으로|그룹|둘\s*다"
)
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
    """A flow stated exactly: its steps in the order first named, its edges (indices) with
    their labels ("" for none), and which steps are decisions."""

    labels: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    edge_labels: tuple[str, ...]  # one per edge, "" for none
    decisions: tuple[int, ...] = ()

    def structure(self) -> Structure:
        """The flow as the structure summary states it (a step that is not a decision is a
        process: the kind of step, db or model, is not something a chain says)."""
        nodes: list[StructureNode] = [
            {
                "id": f"n{i}",
                "label": label,
                "type": "decision" if i in self.decisions else "process",
            }
            for i, label in enumerate(self.labels)
        ]
        pairs = zip(self.edges, self.edge_labels, strict=True)
        edges = [structure_edge(f"n{a}", f"n{b}", said) for (a, b), said in pairs]
        return Structure(kind="flow", layers=[], nodes=nodes, edges=edges)


class _Unread(Exception):
    """The request says something a chain cannot carry."""


@dataclass
class _Piece:
    """One piece of a step's text: a branch's start, a step (maybe a loop back), or a note."""

    branch: str = ""  # the label of the branch this piece starts
    step: str = ""
    back: bool = False  # the step names one already met
    joined: int = 0  # "both into": how many sources join (-1: as many as there are)
    note: str = ""  # "(HTTPS)" between two arrows: the arrow's label


@dataclass
class _Flow:
    """The flow read so far, and where the next arrow starts."""

    names: list[str] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)
    edges: dict[tuple[int, int], str] = field(default_factory=dict)
    items: dict[int, int] = field(default_factory=dict)  # list item number -> its first step
    current: list[int] = field(default_factory=list)
    pending: str = ""  # the label the next edge carries
    decision: int | None = None  # the last decision named
    ends: list[int] = field(default_factory=list)  # where the decision's earlier branches ended

    def node(self, label: str, back: bool = False) -> int:
        key = _same_step(" ".join(label.casefold().split()), self.keys)
        if key not in self.keys:
            if back:
                raise _Unread(label)
            self.keys[key] = len(self.names)
            self.names.append(label)
        if label.endswith("?"):
            self.decision, self.ends = self.keys[key], []
        return self.keys[key]

    def connect(self, target: int, label: str) -> None:
        if not self.current or target in self.current:
            raise _Unread(target)
        for source in self.current:
            self.edges.setdefault((source, target), label)
        self.current, self.pending = [target], ""

    def branch(self, label: str) -> None:
        if self.decision is None or (self.pending and self.pending != label):
            raise _Unread(label)
        if self.current != [self.decision]:
            self.ends = [*self.ends, *self.current][-4:]
        self.current, self.pending = [self.decision], label

    def chain(self) -> FlowChain:
        decisions = tuple(i for i, name in enumerate(self.names) if name.endswith("?"))
        for d in decisions:
            said = [label for (a, _), label in self.edges.items() if a == d]
            if len(said) < 2 or not all(said) or len(set(said)) < len(said):
                raise _Unread(self.names[d])
        named = {i for edge in self.edges for i in edge}
        if not self.edges or len(named) < len(self.names):
            raise _Unread("a step on no edge")
        if len(self.names) > MAX_PLAN_NODES or len(self.edges) > MAX_PLAN_LINES:
            raise _Unread("too large")
        return FlowChain(
            tuple(self.names), tuple(self.edges), tuple(self.edges.values()), decisions
        )


def read_chains(request: str) -> FlowChain | None:
    """The flow a request states as arrow chains, or None where it says anything more."""
    lines = _KOREAN_ASK.sub("", request.strip()).splitlines()
    arrows = any(_split_arrows(line)[1] for line in lines)
    flow = _Flow()
    first = True
    before: _ListItem | None = None  # the list item before this line, if it is one
    try:
        for line in lines:
            mark = _LIST_MARK.match(line)
            line = line[mark.end() :] if mark else line
            statements = [s.strip() for s in _STATEMENT_END.split(line) if s.strip()]
            if first and statements:
                statements[0] = _untitled(statements[0])
                first = False
            if not statements:
                continue
            item = None
            if mark and arrows:  # a list's items follow each other only where it has arrows
                item = _ListItem(int(mark.group(1) or 0), before is None, before)
            for i, statement in enumerate(statements):
                _read_statement(flow, statement, item if i == 0 else None)
            if item:
                item.arrow = any(_split_arrows(s)[1] for s in statements)
                item.ends_on_one = len(flow.current) == 1
            before = item
        return flow.chain()
    except _Unread:
        return None


@dataclass
class _ListItem:
    """A list item a statement opens: its number (0 for a bullet), and the item before it."""

    number: int
    first: bool
    before: _ListItem | None
    arrow: bool = False  # the item has an arrow
    ends_on_one: bool = False  # the item ends on one step


def _untitled(statement: str) -> str:
    """The first statement without its title: "RAG flow: A -> B", "draw a flow - A -> B"."""
    if " - " in statement:
        title, rest = statement.split(" - ", 1)
        if _is_filler(title):
            statement = rest
    if ":" in statement and not ARROW.search(statement.split(":")[0]):
        title, rest = statement.split(":", 1)
        if len(title.split()) > 10:
            raise _Unread(title)
        statement = rest.strip()
    return statement


def _read_statement(flow: _Flow, statement: str, item: _ListItem | None) -> None:
    """Add a statement's steps and edges to the flow (`item`: the list item it opens)."""
    groups, said = _split_arrows(statement)
    if len(groups) < 2 and _is_filler(statement):
        return
    trailing = _TRAILING_LABEL.search(groups[-1])
    if (
        len(groups) == 2
        and trailing
        and not said[0]
        and not _BRANCH.match(trailing.group(1))
        and not _STYLE_WORDS.search(trailing.group(1))
    ):
        said[0] = _checked_label(trailing.group(1))
        groups[-1] = groups[-1][: trailing.start()]
    for g, text in enumerate(groups):
        pieces = [_piece(p, flow) for p in _PIECE_END.split(text.strip())]
        if not text.strip() or not pieces:
            raise _Unread(statement)
        arrow = said[g - 1] if g else None
        if arrow and _edge_label(arrow) is None:
            raise _Unread(arrow)
        last_group = g == len(groups) - 1
        for k, piece in enumerate(pieces):
            if piece.note:
                if arrow is None or arrow or len(pieces) > 1 or last_group or flow.pending:
                    raise _Unread(piece.note)
                flow.pending = piece.note
                continue
            if piece.branch:
                if g and k == 0 and (flow.current != [flow.decision] or arrow):
                    raise _Unread(piece.branch)
                flow.branch(piece.branch)
                if not piece.step:
                    if last_group and k == len(pieces) - 1:
                        raise _Unread(piece.branch)
                    continue
                target = flow.node(piece.step, piece.back)
                flow.connect(target, flow.pending)
            elif g and k == 0:
                if piece.joined:
                    _join(flow, piece.joined)
                if arrow and flow.pending and arrow != flow.pending:
                    raise _Unread(arrow)
                label = arrow or flow.pending
                flow.connect(flow.node(piece.step, piece.back), label)
            elif g == 0 and not piece.back and not piece.joined:
                _start(flow, piece.step, k, pieces, item, len(groups))
            else:
                raise _Unread(piece.step)
        if g == 0 and item and item.number:
            flow.items.setdefault(item.number, flow.current[0] if flow.current else -1)


def _start(
    flow: _Flow, step: str, k: int, pieces: list[_Piece], item: _ListItem | None, groups: int
) -> None:
    """A statement's first steps: one (joined to the list item before it, where it follows
    one without an arrow), or several that the next arrow leaves from together ("A, B → C").
    A step with no arrow is read only as a list item."""
    if k and (groups < 2 or any(p.branch or p.note or p.back for p in pieces)):
        raise _Unread(step)
    fresh = _same_step(" ".join(step.casefold().split()), flow.keys) not in flow.keys
    before = item.before if item else None
    if k:
        flow.current.append(flow.node(step))
    elif before and not before.arrow and fresh and all(p.branch for p in pieces[1:]):
        if not before.ends_on_one or flow.current == [flow.decision]:
            raise _Unread(step)
        flow.connect(flow.node(step), flow.pending)
    elif groups < 2 and not (item and item.first):
        raise _Unread(step)
    else:
        flow.current, flow.pending = [flow.node(step)], ""


def _join(flow: _Flow, count: int) -> None:
    """Sources that "both"/"all three" join: those the arrow leaves from, or else the end of
    the decision's last branch and this one."""
    sources = flow.current if len(flow.current) > 1 else [*flow.ends[-1:], *flow.current]
    if len(sources) < 2 or (count > 0 and len(sources) != count):
        raise _Unread("joined")
    flow.current = sources


def _piece(text: str, flow: _Flow) -> _Piece:
    """What a piece of a step says (raises where it says more than a chain can carry)."""
    text = text.strip().strip(_QUOTES).strip()
    note = re.fullmatch(r"\(\s*([^()]{1,30}?)\s*\)", text)
    branch = _BRANCH.match(text)
    if note and not branch:
        if _STYLE_WORDS.search(note.group(1)):
            raise _Unread(note.group(1))
        return _Piece(note=_checked_label(note.group(1)))
    piece = _Piece()
    if branch:
        word = next(w for w in branch.groups() if w)
        piece.branch = _YES_NO.get(word.casefold(), _BRANCH_WORD.get(word.casefold(), word))
        text = text[branch.end() :]
    elif flow.decision is not None and (named := _NAMED_BRANCH.match(text)):
        piece.branch = _checked_label(named.group(1))
        text = text[named.end() :]
    if not text:
        return piece
    joined = _JOINED.match(text)
    if joined:
        piece.joined = _COUNTS.get((joined.group("n") or "").casefold(), -1)
        text = text[joined.end() :]
        if text.startswith(("ko", "둘")) or re.search(r"[가-힣]", joined.group()):
            text = re.sub(r"(?:으로|로)$", "", text)
    back = _BACK.search(text)
    if back:
        piece.back = True
        text = (text[: back.start()] + text[back.end() :]).strip()
        number = _STEP_NUMBER.match(text)
        if number:
            first = flow.items.get(int(number.group(1)), -1)
            if first < 0:
                raise _Unread(text)
            text = flow.names[first]
    step = _step(text)
    if step is None:
        raise _Unread(text)
    piece.step = step
    return piece


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


def _checked_label(label: str) -> str:
    checked = _edge_label(label.strip().strip(_QUOTES))
    if checked is None:
        raise _Unread(label)
    return checked


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
    """A step's label (a decision's ends in "?"), or None when the step says more than a name."""
    label = raw.strip().strip(_QUOTES).strip().rstrip(".!").strip().strip(_QUOTES).strip()
    words = label.split()
    if not words or len(words) > 6 or len(label) > MAX_PLAN_LABEL_CHARS:
        return None
    forbidden = r"[?()\[\]{}|,:;\"\\&/]" if label.endswith("?") else r"[?()\[\]{}|,:;\"\\<>=&/]"
    if re.search(forbidden + r"|--|^-|-$|\s-\s", label.removesuffix("?")):
        return None
    if {w.casefold().rstrip("?") for w in words} & _STRUCTURE or _KOREAN_STRUCTURE.search(label):
        return None
    return label


def _is_filler(statement: str) -> bool:
    """True when a statement only asks for the drawing (names no step)."""
    words = re.findall(r"[^\W\d_]+", statement.casefold())
    hangul = [w for w in words if re.search(r"[가-힣]", w)]
    if any(w not in _FILLER for w in words if w not in hangul):
        return False
    return not _KOREAN_FILLER.sub("", " ".join(hangul)).strip()
