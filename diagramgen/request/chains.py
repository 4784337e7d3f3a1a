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
    MAX_PLAN_GROUPS,
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
_STATEMENT_END = re.compile(r";|(?:(?<=[^\W\d_]{2})|(?<=[)\"'’”]))\.(?:\s+|$)")
# A first line naming the drawing, not a step: "Monitoring setup", "Two zones", "CI/CD 구성도".
_TITLE = re.compile(
    r"\b(?:flow|pipeline|process|setup|architecture|diagram|overview|system|workflow|zones|"
    r"groups|layers|stages|lanes|clusters)\b|구성도|흐름|절차|프로세스|정리해\s*주세요",
    re.IGNORECASE,
)
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
# "통과하면 배포", "정상이면 저장", "있으면 응답": a decision's branch said as a Korean condition
# (a vowel-ending "X면" is left out: "오면" is 옴 but "이상치면" is 이상치, and only a
# dictionary tells which).
_KOREAN_BRANCH = re.compile(r"^((?:안\s+)?[가-힣A-Za-z0-9]+?)(하면|이면|으면)\s+")
# Adverbs a Korean step may start with that are not part of its name: "바로 응답" is 응답.
_KOREAN_ADVERB = re.compile(r"^(?:바로|그냥|곧바로|즉시)\s+")
# "코드 수정 후 다시 빌드": "후" between two steps of an arrow chain is one more arrow.
_KOREAN_AFTER = re.compile(r"\s+후(?:에)?\s+")
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
# A note that says it labels an arrow, after any step of a chain: "B (label this arrow
# 'POST /token')", "C (label that last arrow 'retry')", "D ('새 링크' 라벨)", "E (화살표에 '로그'
# 표시)". It labels the arrow into that step: the note's own words say it is a label.
_Q = "\"'‘’“”"
_ARROW_NOTE = re.compile(
    rf"\s*\(\s*(?:label|라벨)(?:\s+(?:this|that|the|both|these|those|each))?(?:\s+(?:last|first))?"
    rf"(?:\s+(?:arrows?|edges?|links?|lines?))?(?:\s+it)?\s*:?\s*[{_Q}]([^(){_Q}]{{1,30}})[{_Q}]\s*\)\s*$"
    rf"|\s*\(\s*(?:화살표에\s*)?[{_Q}]([^(){_Q}]{{1,30}})[{_Q}](?:\s*(?:이?라고|로))?\s*(?:라벨|레이블|표시)\s*\)\s*$",
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
    r"이면|아니면|하면|되면|으면|돌아|반복|다시|그리고|및|경우|여부|에서|으로|그룹|둘\s*다|다음|후에"
    r"|\S로\s+[가-힣]"  # "Kafka로 전송" (sent to Kafka) says where a step goes, not its name
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
    groups: tuple[tuple[str, tuple[int, ...]], ...] = ()  # (name, its steps), as declared

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
        for name, members in self.groups:
            for i in members:
                nodes[i]["group"] = name
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
    group: str = ""  # "[Server] validate": the group the step is in


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
    groups: dict[str, list[int]] = field(default_factory=dict)
    lane: str = ""  # the group every step of this statement is in ("Zone 'A': x -> y")
    bare_groups: bool = False  # "Frontend: a, b" declares a group (the request has two such)

    def node(self, label: str, back: bool = False, group: str = "") -> int:
        key = _same_step(" ".join(label.casefold().split()), self.keys)
        if key not in self.keys:
            if back:
                raise _Unread(label)
            self.keys[key] = len(self.names)
            self.names.append(label)
        if label.endswith("?"):
            self.decision, self.ends = self.keys[key], []
        if group or self.lane:
            self.join_group(group or self.lane, self.keys[key])
        return self.keys[key]

    def join_group(self, name: str, node: int) -> None:
        """A step is in one group at most, and a group holds each step once."""
        for other, members in self.groups.items():
            if node in members and other != name:
                raise _Unread(name)
        members = self.groups.setdefault(name, [])
        if node not in members:
            members.append(node)
        if len(self.groups) > MAX_PLAN_GROUPS:
            raise _Unread("too many groups")

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
        groups = tuple((name, tuple(members)) for name, members in self.groups.items())
        return FlowChain(
            tuple(self.names), tuple(self.edges), tuple(self.edges.values()), decisions, groups
        )


def read_chains(request: str) -> FlowChain | None:
    """The flow a request states as arrow chains, or None where it says anything more."""
    lines = _KOREAN_ASK.sub("", request.strip()).splitlines()
    arrows = any(_split_arrows(line)[1] for line in lines)
    flow = _Flow(bare_groups=sum(map(_bare_declaration, lines)) >= 2)
    first = True
    before: _ListItem | None = None  # the list item before this line, if it is one
    try:
        for line in lines:
            mark = _LIST_MARK.match(line)
            line = line[mark.end() :] if mark else line
            if ARROW.search(line):
                line = _KOREAN_AFTER.sub(" → ", line)
            statements = [s.strip() for s in _STATEMENT_END.split(line) if s.strip()]
            if first and statements:
                if _group_declaration(statements[0], flow.bare_groups) is None:
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
    """The first statement without its title: "RAG flow: A -> B", "draw a flow - A -> B",
    "Monitoring setup" alone."""
    bare = not ARROW.search(statement) and ":" not in statement
    if bare and len(statement.split()) <= 6 and _TITLE.search(statement):
        return ""
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
    declared = _group_declaration(statement, flow.bare_groups)
    if declared is not None:
        name, members = declared
        if isinstance(members, str):  # "Zone 'Dirty': a -> b": every step is in the group
            flow.lane = name
            try:
                _read_statement(flow, members, item)
            finally:
                flow.lane = ""
        else:  # "both"/"all three" after it start from its steps
            flow.current = [flow.node(member, group=name) for member in members]
            flow.pending = ""
        return
    parts = _arrow_statements(statement)
    if len(parts) > 1:
        for part in parts:
            _read_statement(flow, part, item if part is parts[0] else None)
        return
    groups, said = _split_arrows(statement)
    if len(groups) < 2 and _is_filler(statement):
        return
    _take_arrow_notes(groups, said)
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
                target = flow.node(piece.step, piece.back, piece.group)
                flow.connect(target, flow.pending)
            elif g and k == 0:
                if piece.joined:
                    _join(flow, piece.joined)
                if arrow and flow.pending and arrow != flow.pending:
                    raise _Unread(arrow)
                label = arrow or flow.pending
                flow.connect(flow.node(piece.step, piece.back, piece.group), label)
            elif g == 0 and k == 0 and piece.joined and not piece.step and len(groups) > 1:
                _join(flow, piece.joined)
            elif g == 0 and not piece.back and not piece.joined:
                _start(flow, piece, k, pieces, item, len(groups))
            else:
                raise _Unread(piece.step)
        if g == 0 and item and item.number:
            flow.items.setdefault(item.number, flow.current[0] if flow.current else -1)


def _take_arrow_notes(groups: list[str], said: list[str]) -> None:
    """Move each "(label this arrow 'X')" note off its step onto the arrow into it."""
    for g in range(1, len(groups)):
        note = _ARROW_NOTE.search(groups[g])
        if note is None:
            continue
        if said[g - 1]:
            raise _Unread(groups[g])  # the arrow said its label already
        said[g - 1] = _checked_label(note.group(1) or note.group(2))
        groups[g] = groups[g][: note.start()]


def _arrow_statements(statement: str) -> list[str]:
    """'A → B, A → C' is two statements: parts split at commas, where each part has an arrow
    and each later part starts at a step an earlier part names (else the one statement)."""
    parts = re.split(r",\s+(?:and\s+)?", statement)
    if len(parts) < 2 or not all(len(_split_arrows(p)[0]) > 1 for p in parts):
        return [statement]
    named: set[str] = set()
    for part in parts:
        steps = [" ".join(g.casefold().split()) for g in _split_arrows(part)[0]]
        if named and steps[0] not in named:
            return [statement]
        named |= set(steps)
    return parts


def _start(
    flow: _Flow, piece: _Piece, k: int, pieces: list[_Piece], item: _ListItem | None, groups: int
) -> None:
    """A statement's first steps: one (joined to the list item before it, where it follows
    one without an arrow), or several that the next arrow leaves from together ("A, B → C").
    A step with no arrow is read only as a list item."""
    step = piece.step
    if k and (groups < 2 or any(p.branch or p.note or p.back for p in pieces)):
        raise _Unread(step)
    fresh = _same_step(" ".join(step.casefold().split()), flow.keys) not in flow.keys
    before = item.before if item else None
    if k:
        flow.current.append(flow.node(step, group=piece.group))
    elif before and not before.arrow and fresh and all(p.branch for p in pieces[1:]):
        if not before.ends_on_one or flow.current == [flow.decision]:
            raise _Unread(step)
        flow.connect(flow.node(step, group=piece.group), flow.pending)
    elif groups < 2 and not (item and item.first):
        raise _Unread(step)
    else:
        flow.current, flow.pending = [flow.node(step, group=piece.group)], ""


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
    elif flow.decision is not None and (korean := _KOREAN_BRANCH.match(text)):
        piece.branch = _korean_answer(korean.group(1), korean.group(2))
        text = _KOREAN_ADVERB.sub("", text[korean.end() :])
    elif flow.decision is not None and (named := _NAMED_BRANCH.match(text)):
        piece.branch = _checked_label(named.group(1))
        text = text[named.end() :]
    lane = _LANE.match(text)
    if lane:
        piece.group = _group_name(lane.group(1)) or ""
        text = text[lane.end() :]
        if not piece.group:
            raise _Unread(lane.group(1))
    if not text:
        return piece
    joined = _JOINED.match(text)
    if joined:
        piece.joined = _COUNTS.get((joined.group("n") or "").casefold(), -1)
        text = text[joined.end() :]
        if text.startswith(("ko", "둘")) or re.search(r"[가-힣]", joined.group()):
            text = re.sub(r"(?:으로|로)$", "", text)
        if not text:  # "all three → C": the join is the statement's start
            return piece
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


def _korean_answer(said: str, ending: str) -> str:
    """A Korean condition as a branch label: 통과하면 -> 통과, 정상이면 -> 정상, 있으면 -> 있음."""
    if ending != "으면":
        return said
    return said + "음"


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
    digits = re.findall(r"\d+", key)
    for other in known:
        if re.findall(r"\d+", other) != digits:
            continue  # "sensor 1" and "sensor 2" are two steps, not a typo
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


# Groups: "Group 'Clients': Web, iOS", "Backend group: api, db", "App servers (group 'Prod'):
# api-1, api-2", "Zone 'Dirty': receive -> inspect", "[Server] validate", and, where a request
# declares two or more, bare "Frontend: cart, checkout" lines.
_GROUP_WORD = (
    r"(?:group|cluster|zone|tier|layer|lane|swim\s*lane|subgraph|stage|side|그룹|계층|영역)"
)
_NAMED = rf"[{_QUOTES}]?([^{_QUOTES}:=()\[\]]{{1,40}}?)[{_QUOTES}]?"
_GROUP_HEADS = [
    re.compile(rf"^(?:the\s+)?{_GROUP_WORD}\s+(?:called\s+|named\s+)?{_NAMED}$", re.I),
    re.compile(rf"^.{{1,40}}?\(\s*{_GROUP_WORD}\s*:?\s*{_NAMED}\s*\)$", re.I),
    re.compile(rf"^(?:the\s+)?{_NAMED}\s+(?:group|그룹)$", re.I),
    # "Ingestion layer", "App tier": the group word is part of the name
    re.compile(r"^(?:the\s+)?([^:=()\[\]]{1,30}?\s+(?:tier|layer|zone|cluster|계층|영역))$", re.I),
]
_TAIL_GROUP = re.compile(rf"\s*\(\s*{_GROUP_WORD}\s*:?\s*{_NAMED}\s*\)\s*$", re.I)
_LANE = re.compile(r"^\[\s*([^\[\]]{1,40}?)\s*\]\s*")
_MEMBER_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*[+&、]\s*|\s+및\s+")


def _group_declaration(statement: str, bare: bool) -> tuple[str, list[str] | str] | None:
    """A statement declaring a group: its name and its steps, or its name and the chain all
    of whose steps are in it; None when the statement is not one."""
    head, sep, body = statement.partition(":")
    if not sep:
        head, sep, body = statement.partition(" = ")
    head, body = head.strip(), body.strip()
    if not sep or not head or not body or ARROW.search(head):
        return None
    tail = _TAIL_GROUP.search(body)
    name = _group_name(tail.group(1)) if tail else _explicit_group(head)
    body = body[: tail.start()] if tail else body
    if ARROW.search(body) or _LABELLED.search(body):
        return (name, body) if name and not tail else None
    if name is None and not (bare and _group_name(head)):
        return None
    members = [m for m in (_step(re.sub(r"^the\s+", "", x, flags=re.I)) for x in
               _MEMBER_SPLIT.split(body)) if m]  # fmt: skip
    if len(members) != len(_MEMBER_SPLIT.split(body)) or not members:
        return None
    return name or _group_name(head) or "", members


def _explicit_group(head: str) -> str | None:
    """The group a head names with a group word ("Group 'Edge'", "Backend group")."""
    for pattern in _GROUP_HEADS:
        match = pattern.match(head)
        if match:
            return _group_name(match.group(1))
    return None


def _group_name(text: str) -> str | None:
    name = text.strip().strip(_QUOTES).strip()
    words = name.split()
    if not words or len(words) > 5 or len(name) > MAX_PLAN_LABEL_CHARS:
        return None
    if re.search(r"[?()\[\]{}|,:;\"\\<>=&/]", name) or _is_filler(name):
        return None
    return None if {w.casefold() for w in words} & _STRUCTURE else name


def _bare_declaration(line: str) -> bool:
    """A line 'Name: a, b' with no arrow and no group word (counted: two make groups)."""
    line = _LIST_MARK.sub("", line)
    return any(
        (found := _group_declaration(s.strip(), True)) is not None
        and not isinstance(found[1], str)
        and _explicit_group(s.partition(":")[0].strip()) is None
        for s in _STATEMENT_END.split(line)
        if s.strip()
    )
