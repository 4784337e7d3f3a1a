"""Flows told as what named parts do to each other ("the mobile client talks to the BFF over
websocket (label it), and the BFF calls the user service and the feed service"), read without a
model where every sentence is one of:
- a relation: parts, a verb that sends or calls ("calls", "talks to", "sends orders to",
  "writes to", "publishes to", "feeds", "hands off to", "uses", "serves", ...) and the parts it
  reaches: an arrow from each part named before the verb to each named after it;
- its arrows' label, only where one is asked for: "(label 'writes')", "— label those
  'publish'", or "(label it)" for the "over HTTPS" the relation names;
- the members of a group: "the Batch group has the Spark job", "in us-east we have A and B",
  "a group called Analytics containing A and B" (a part with arrows of its own is not a group).
Verbs whose direction is a matter of taste ("reads from", "pulls", "is consumed by"), passives
and anything else leave the request to the model; what is read is held exactly.
"""

from __future__ import annotations

import re

from diagramgen.limits import MAX_PLAN_LABEL_CHARS
from diagramgen.request.chains import ARROW, FlowChain, _edge_label, _Flow, _same_step, _Unread
from diagramgen.request.stories import sentences

# Verbs that send something to a part: "talks to", "sends purchase orders to", "writes to".
_SENDS = (
    r"(?:talk|send|write|publish|push|hand(?:s|ed)?\s+off|forward|pass|post|replicate|deliver|"
    r"route|connect|log|stream|emit|upload|ship|report|hand)(?:s|es|ed)?"
)
# Verbs whose object is the part reached: "calls the auth service", "feeds the Aggregator".
_REACHES = (
    r"(?:call|feed|use|query|queries|serve|power|trigger|update|hit|invoke|notify|notifies)"
    r"(?:s|es)?"
)
# The verb of a relation, where it may be: the subject is what comes before it.
_VERB = re.compile(
    rf"\s+(?:(?:then|also|both|all|each|directly)\s+)?(?:"
    rf"{_SENDS}(?:\s+(?:(?!(?:to|into)\b)[\w'’-]+\s+){{0,3}}?)?\s*(?:to|into)\s+"
    rf"|{_REACHES}\s+)(?P<object>.+)$",
    re.IGNORECASE,
)
# A sentence about the person asking: "I'm trying to explain it", "Hope that makes sense!"
_ASIDE = re.compile(r"\b(?:i|i'm|i’m|i'd|i’d|hope|sorry|thanks?|so|ok(?:ay)?)\b", re.I)
_VIA = re.compile(r"\s+(?P<via>(?:over|via|using|through)\s+(?:a\s+|an\s+)?[^,]+?)\s*$", re.I)
# "(label it)", "(label that arrow 'x')", "— please label those 'publish'", "(label: 'EDI')"
_ASKED = re.compile(
    r"\s*(?:\(|[—–]|\s-\s)?\s*(?:please\s+)?label\s+"
    r"(?:(?:it|that|this|those|these|them|both|each)(?:\s+(?:one|two|arrows?|edges?))?\s*)?"
    r"(?:(?:the\s+)?(?:arrows?|edges?)\s*)?(?:as\s*)?:?\s*"
    r"(?:['\"‘“](?P<label>[^'\"‘“’”]{1,30})['\"’”])?\s*(?:too|as\s+well)?\s*(?:\)|[—–]|\s-\s)?\s*",
    re.IGNORECASE,
)
_GROUP = [
    re.compile(
        r"^(?:the\s+)?(?P<group>[\w' -]{1,30}?)(?:\s+(?:group|team|layer|tier|zone|side))?\s+"
        r"(?:has|have|contains|includes)\s+(?P<members>.+)$",
        re.I,
    ),
    re.compile(r"^in\s+(?P<group>[\w' -]{1,30}?),?\s+we\s+have\s+(?P<members>.+)$", re.I),
    re.compile(
        r"^there(?:'s|’s|\s+is)\s+an?\s+(?:[\w-]+\s+)?group\s+(?:called|named)\s+"
        r"(?P<group>[\w' -]{1,30}?)\s+(?:containing|with|that\s+has)\s+(?P<members>.+)$",
        re.I,
    ),
    re.compile(r"^group\s+(?P<group>['\"‘“][^'\"’”]+['\"’”])\s*:\s*(?P<members>.+)$", re.I),
]
_PARTS = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_ARTICLE = re.compile(r"^(?:(?:the|our|a|an|their|its|my|both)(?:\s+|$))+", re.IGNORECASE)
_SAID_OF = re.compile(rf"(?:{_SENDS}|{_REACHES})", re.IGNORECASE)
# Words no part's name carries: what refers back, joins, conditions, or another verb.
_NOT_A_PART = {
    "which", "that", "who", "it", "they", "them", "this", "those", "these", "each", "then",
    "also", "when", "if", "once", "while", "where", "after", "before", "back", "again", "we",
    "i", "you", "is", "are", "was", "were", "be", "been", "from", "by", "reads", "read",
    "pulls", "pull", "consumed", "label",
}  # fmt: skip


def read_relations(request: str) -> FlowChain | None:
    """The flow a request tells as relations between parts, or None where it says more."""
    if ARROW.search(request) or re.search(r"[가-힣]", request):
        return None
    flow = _Flow()
    groups: list[tuple[str, list[str]]] = []
    try:
        for sentence in sentences(request):
            clauses = _clauses(sentence)
            if _ASIDE.search(sentence) and not any(map(_relation, clauses)):
                continue
            for clause in clauses:
                group = _group(clause)
                if group:
                    groups.append(group)
                else:
                    _relate(flow, clause)
        for name, members in groups:
            for member in members:
                flow.join_group(name, _known(flow, member))
        if any(name.casefold() in flow.keys for name, _ in groups) or len(flow.edges) < 2:
            raise _Unread("a group that has arrows of its own, or too little said")
        return flow.chain()
    except _Unread:
        return None


def _clauses(sentence: str) -> list[str]:
    """A sentence's relations: split at commas and semicolons where a relation follows, the
    parts a relation lists kept with it ("calls A, B and C")."""
    out: list[str] = []
    for piece in re.split(r"\s*[;,]\s*(?:and\s+)?(?:then\s+)?", sentence):
        if out and not _relation(piece) and not _group(piece):
            out[-1] = f"{out[-1]}, {piece}"
        else:
            out.append(piece)
    return out


def _relate(flow: _Flow, clause: str) -> None:
    """One relation's arrows, each from a part before the verb to one after it."""
    asked = _ASKED.search(clause)
    label = None
    if asked:
        label = asked.group("label")
        clause = (clause[: asked.start()] + " " + clause[asked.end() :]).strip()
    found = _relation(clause)
    if not found:
        raise _Unread(clause)
    subject, target = found
    via = _VIA.search(target)
    if via:
        target = target[: via.start()]
        if asked is None:
            raise _Unread(via.group())  # "over gRPC" not asked as a label: a label or not?
        label = label or via.group("via")
    if asked and not label:
        raise _Unread("a label asked for but not said")
    checked = _edge_label(label) if label else ""
    if checked is None:
        raise _Unread(label or "")
    sources = [flow.node(_part(p)) for p in _PARTS.split(subject)]
    for target_part in _PARTS.split(target):
        node = flow.node(_part(target_part))
        for source in sources:
            if source == node or (source, node) in flow.edges:
                raise _Unread(target_part)
            flow.edges[(source, node)] = checked


def _relation(clause: str) -> tuple[str, str] | None:
    """A relation's subject and object (as said, its label still in it), taking the first
    verb after which both name parts ("the feed service uses Cassandra": not "feed")."""
    clause = _ASKED.sub(" ", clause).strip() if _ASKED.search(clause) else clause
    for space in re.finditer(r"\s+", clause):
        verb = _VERB.match(clause, space.start())
        if not verb:
            continue
        subject, target = clause[: verb.start()], _VIA.sub("", verb.group("object"))
        try:
            [_part(p) for p in [*_PARTS.split(subject), *_PARTS.split(target)]]
        except _Unread:
            continue
        return subject, verb.group("object")
    return None


def _group(sentence: str) -> tuple[str, list[str]] | None:
    """A group's name and its members' names, where the sentence declares one."""
    for pattern in _GROUP:
        found = pattern.match(sentence)
        if found:
            name = found.group("group").strip().strip("'\"‘“’”").strip()
            members = [_part(m) for m in _PARTS.split(found.group("members"))]
            return name[:1].upper() + name[1:], members
    return None


def _known(flow: _Flow, name: str) -> int:
    key = _same_step(" ".join(name.casefold().split()), flow.keys)
    if key not in flow.keys:
        raise _Unread(name)  # a member on no arrow
    return flow.keys[key]


def _part(text: str) -> str:
    """A part's name as said: 'the Order service' -> 'Order service'."""
    name = _ARTICLE.sub("", text.strip().strip("'\"‘“’”").strip()).strip().strip("'\"‘“’”")
    words = name.split()
    low = {w.casefold() for w in words}
    if not words or len(words) > 5 or len(name) > MAX_PLAN_LABEL_CHARS or low & _NOT_A_PART:
        raise _Unread(text)
    if re.search(r"[,:;?!\"()]", name):
        raise _Unread(text)
    if any(w.endswith("s") and _SAID_OF.fullmatch(w) for w in words[1:]):
        raise _Unread(text)  # "service uses Cassandra": a relation, not a name
    return name[:1].upper() + name[1:]
