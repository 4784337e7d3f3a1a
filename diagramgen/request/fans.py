"""Where a story's steps fan out and back in, said in the few ways that leave no doubt:
- things counted and listed as the flow's sources: "two inputs: 'raw images' and 'label csv'",
  "there are three sources: the profile store, the event stream and the catalog";
- steps done side by side: "grind the beans and heat the water at the same time", "meanwhile,
  make the sauce", "the PI writes the aims, while at the same time the postdoc collects data";
- the step they all go into: "both go into the French press", "all three feed into the feature
  builder", "those combine in the metrics service", "once both are ready, combine them".
These only parse a sentence; `stories._Story` places what they find in the flow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_COUNT = r"(?:two|three|four|five|[2-5])"
# "two inputs", "three independent sources here", "two entry points"
_COUNTED = rf"\b(?P<count>{_COUNT})\s+(?:[\w-]+\s+){{0,2}}?[\w-]+s(?:\s+(?:here|in\s+total))?"
_SOURCES = re.compile(rf"^(?:.*?\s)?{_COUNTED}\s*:\s*(?P<items>.+)$", re.IGNORECASE)
_COUNTED_HEAD = re.compile(rf"{_COUNTED}\s*$", re.IGNORECASE)
# "both", "both of them", "all three", "all three builds", "all of it", "those", "the two"
_ALL = (
    rf"(?:(?P<both>both)|all(?:\s+(?P<all>{_COUNT}))?|the\s+(?P<the>{_COUNT})|those(?:\s+(?P<those>{_COUNT}))?"
    r"|these)(?:\s+of\s+(?:them|those|these|it))?(?:\s+(?!(?:go|goes)\b)[\w-]+s)?"
)
# The verbs that carry things into a step: "go into", "are fed into", "combine in", "start".
_INTO = (
    r"(?:go|goes|feed|fed|flow|combine|merge|merged|lead|routed|sent|passed|come\s+together|"
    r"end\s+up|converge|join|joined|start|trigger)"
)
_JOIN = re.compile(
    rf"^(?:and\s+|then\s+)?{_ALL}\s+(?:(?:are|is|then|both|all)\s+)*{_INTO}\s+"
    r"(?:(?:into|in|to|at|onto)\s+)?(?P<target>.+)$",
    re.IGNORECASE,
)
_ONCE_ALL = re.compile(
    rf"^(?:once|after|when)\s+{_ALL}\b.*?\s+(?:are|is|have\s+been|has\s+been)\s+"
    r"(?:done|ready|finished|complete|completed)\s*,?\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_SIDE_BY_SIDE = r"(?:at\s+the\s+same\s+time|in\s+parallel|simultaneously)"
_MEANWHILE = re.compile(
    rf"^(?:(?:and\s+)?while\s+)?(?:meanwhile|{_SIDE_BY_SIDE}),?\s+(?P<step>.+)$", re.IGNORECASE
)
_MEANWHILE_COMMA = re.compile(
    rf"^((?:and\s+)?(?:while\s+)?(?:meanwhile|{_SIDE_BY_SIDE})),\s*", re.I
)
_TOGETHER = re.compile(rf"^(?P<steps>.+?\s+and\s+.+?)\s+{_SIDE_BY_SIDE}$", re.IGNORECASE)
_WHILE = re.compile(
    rf"^(?P<first>.+?),?\s+while\s+(?:{_SIDE_BY_SIDE}|meanwhile),?\s+(?P<second>.+)$",
    re.IGNORECASE,
)
# A filler word before the step they go into: "a single Release QA step", "a tagging step".
_TARGET_FILLER = re.compile(r"^(?:(?:a|an|the)\s+)?(?:single|final|common|shared)\s+", re.I)


@dataclass(frozen=True)
class Sources:
    """Things a sentence counts and lists: each a source of the flow."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Join:
    """The step every open branch goes into; `target` is empty where it is the first step of
    `rest` ("once both are ready, combine them")."""

    count: int | None
    target: str
    rest: str


def read_sources(sentence: str) -> Sources | None:
    """'two inputs: A and B' -> (A, B), only where as many things are listed as counted."""
    found = _SOURCES.match(sentence)
    if not found:
        return None
    items = [i.strip() for i in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", found.group("items"))]
    if len(items) != COUNTS[found.group("count").casefold()] or not all(items):
        return None
    return Sources(tuple(items))


def is_counted_head(head: str) -> bool:
    """Does a sentence's head before a colon count what the colon lists ("two inputs:")?"""
    return bool(_COUNTED_HEAD.search(head))


def read_join(sentence: str) -> Join | None:
    """'both go into X, then Y' -> Join(2, 'X', 'then Y'); 'once both are ready, Z'."""
    once = _ONCE_ALL.match(sentence)
    found = once or _JOIN.match(sentence)
    if not found:
        return None
    said = found.group("both") or found.group("all") or found.group("the") or found.group("those")
    count = (COUNTS.get(said.casefold(), 2)) if said else None  # "both" is two
    if once:
        return Join(count, "", found.group("rest"))
    target, rest = _split_target(found.group("target"))
    return Join(count, target, rest)


def _split_target(said: str) -> tuple[str, str]:
    """'a single QA step, followed by Publish' -> ('QA', 'followed by Publish')."""
    pieces = re.split(r",\s*|\s+(?=(?:then|followed\s+by)\b)", said, maxsplit=1)
    target = _TARGET_FILLER.sub("", pieces[0].strip())
    target = re.sub(r"\s+step$", "", target, flags=re.IGNORECASE)
    return target, pieces[1].strip() if len(pieces) > 1 else ""


def read_parallel(sentence: str) -> tuple[str, ...] | None:
    """Steps said to happen side by side in one sentence, each as said."""
    together = _TOGETHER.match(sentence)
    if together:
        return tuple(re.split(r"\s+and\s+", together.group("steps")))
    both = _WHILE.match(sentence)
    if both:
        return both.group("first"), both.group("second")
    return None


def uncomma_meanwhile(sentence: str) -> str:
    """'Meanwhile, make the sauce' -> 'Meanwhile make the sauce': one clause, not two."""
    return _MEANWHILE_COMMA.sub(r"\1 ", sentence)


def read_meanwhile(sentence: str) -> str | None:
    """'Meanwhile, make the sauce' -> 'make the sauce': a step beside the one before."""
    found = _MEANWHILE.match(sentence)
    return found.group("step") if found else None
