"""Flows told as a story in plain English sentences ("First boil the water, then warm the pot.
Check whether it is hot enough. If it is, add the leaves; otherwise wait and check again."),
read without a model where every sentence is one of the few things a story of steps says:
- a step: an imperative ("validate the input"), or a step with a pronoun or a short subject
  ("we charge the card", "the user enters a code", "the refund is issued"), several in one
  sentence joined by "then", commas or "and";
- a check that opens a decision: "check whether X", "it is then checked whether X",
  "decide if X", or a question ("Does the data support the hypothesis?");
- its branches: "if it is / if so / if yes / if they do, ..." and "otherwise / if not, ...",
  labelled yes and no; or a condition with its "otherwise" ("if X, A; otherwise B");
- a loop back to a step already named: "go back to X", "back to X", "repeat from X";
- after both branches: "either way / in both cases, ..." joins them, and a step after a
  branch that looped back continues the other.
Anything else (a trigger "when X, ...", a step that names an actor sending something to
another, a branch labelled anything but yes/no, a step said again "with a new ...") leaves the
request to the model. What is read is held exactly (`RequestSpec.chain`), so the reader
refuses rather than guesses: a label is the step's own words, its pronoun, articles and
subject dropped ("we send the reset link" is "Send reset link").
"""

from __future__ import annotations

import re

from diagramgen.limits import MAX_PLAN_LABEL_CHARS
from diagramgen.request.chains import ARROW, FlowChain, _edge_label, _Flow, _is_filler, _Unread
from diagramgen.request.fans import (
    Join,
    Sources,
    is_counted_head,
    read_join,
    read_meanwhile,
    read_parallel,
    read_sources,
    uncomma_meanwhile,
)

_SENTENCE_END = re.compile(
    r"(?<=[^\W\d_]{2})[.!](?:\s+|$)|(?<=['’”)])[.!](?:\s+|$)|(?<=\?)(?:\s+|$)|;\s*|\n+"
    r"|,\s+(?:and\s+)?(?=(?:if|otherwise|else)\b)",
    re.IGNORECASE,
)
# A sentence about the drawing or the person asking, not a step.
_ABOUT = re.compile(
    r"\b(?:flow\s*chart|diagram|chart|draw|drawn|(?<=to\s)document|documenting|visuali[sz]e|"
    r"lay\s+(?:this|it)\s+out|laid\s+out|horizontally|vertically|map\s+(?:out|this|it|the\s+(?:workflow|process|flow))|layout|top\s+to\s+bottom|left\s+to\s+right|thanks?|ty)\b|^(?:hi|hello|hey|ok|okay|so)\b[\s!,]*(?:there|team|all)?[\s!,]*$",
    re.IGNORECASE,
)
# Words that join a sentence's steps: "A, then B", "A and then B", "A, after that B".
_NEXT = r"then|after\s+that|after\s+which|afterwards|next|finally"
_THEN = re.compile(rf",?\s+(?:and\s+)?(?:{_NEXT}|followed\s+by)\s+|,\s+(?:and\s+)?", re.IGNORECASE)
# Words that open a sentence's first step: "First, ...", "Then ...", "You start by ...".
_LEAD = re.compile(
    rf"^(?:(?:and\s+)?(?:{_NEXT}|first(?:ly)?|lastly|at\s+the\s+end|to\s+start|to\s+begin|"
    r"(?:(?:you|we|i)\s+)?(?:start|begin)\s+by)\b,?\s*)+",
    re.IGNORECASE,
)
# "we ", "we're ", "we can ", "we need to ": what comes before the step's verb.
_PRONOUN = re.compile(
    r"^(?:we|i|you|they|he|she)(?:\s*['’](?:re|m|ll)|\s+(?:are|am|will|can|should|must|"
    r"(?:need|have)\s+to))?\s+(?:(?:first|then|also|just)\s+)?",
    re.IGNORECASE,
)
# A check that opens a decision; the condition is what it checks.
_CHECK = re.compile(
    r"^(?:(?:we|they|i|it|the\s+\w+)\s+)?(?:(?:first|then|also)\s+)?"
    r"(?:checks?|decides?|verify|verifies|sees?|asks?(?:\s+(?:myself|ourselves))?)\s+"
    r"(?:whether|if)\s+(?P<cond>.+)$"
    r"|^it\s+is\s+(?:then\s+)?(?:checked|decided|verified)\s+(?:whether|if)\s+(?P<passive>.+)$",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"^(?:is|are|does|do|did|has|have|can|was|were)\s+(?P<cond>[^?]+)\?$", re.IGNORECASE
)
_IF = re.compile(
    r"^(?P<word>if|once)\s+(?P<cond>.+?)(?:,\s*|\s+(?=(?:we|they|it|you|i)\s))(?P<rest>.+)$", re.I
)
_OTHERWISE = re.compile(r"^(?:otherwise|else|if\s+not|if\s+no)\b,?\s*(?P<rest>.+)$", re.I)
# A branch's condition that only answers the open check: "it is", "so", "they don't".
_YES = re.compile(
    r"^(?:yes|so|it\s+(?:is|does|did|has)|they\s+(?:are|do|did|have|can)|it\s+can)$", re.I
)
_NO = re.compile(
    r"^(?:no|not|it\s+(?:is|does|did|has|can)\s*(?:not|n't)|it\s+(?:isn't|doesn't|didn't|hasn't"
    r"|can't)|they\s+(?:aren't|don't|didn't|haven't|can't|are\s+not|do\s+not|cannot))$",
    re.I,
)
_NEGATED = re.compile(r"\b(?:not|no|never|fails?|failed)\b|n'?t\b|nt\b", re.IGNORECASE)
# A condition's first word that refers back to what the open check asks about.
_REFERS = {"it", "its", "it's", "it’s", "they", "theyre", "they're", "they’re", "he", "she"}
_AFTER = re.compile(
    r"^after\s+(?!that\b)(?:the\s+|each\s+)?(?P<step>[\w-]+(?:\s+[\w-]+)?),?\s+", re.I
)
# "(label that arrow 'retry')", "— label it 'writes to'", "Label the return arrow 'every minute'"
_LABEL_IT = re.compile(
    r"\s*(?:[(—–]|\s-\s)?\s*(?:please\s+)?label\s+(?:(?:that|this|the|it)\s+)?"
    r"(?:(?:one|arrow|edge|back\s+edge|loop-?back\s+arrow|return\s+arrow|back\s+arrow)\s+)?"
    r"(?:as\s+)?:?\s*['\"‘“](?P<label>[^'\"’”]{1,30})['\"’”]\s*\)?\s*$",
    re.IGNORECASE,
)
_BOTH = re.compile(r"^(?:either\s+way|in\s+both\s+cases|in\s+either\s+case),?\s*", re.I)
_BACK = re.compile(
    r"^(?:(?:and\s+)?(?:it\s+|we\s+|they\s+)?(?:(?:go|goes|loop|loops|jump|jumps|return|returns)\s+)?back\s+to|"
    r"(?:(?:and\s+)?(?:it\s+|we\s+|they\s+)?(?:return|returns|loop|loops)\s+to)|"
    r"(?:repeat|start\s+over)\s+from)\s+(?P<step>.+)$",
    re.IGNORECASE,
)
# A store a step reads from or writes to: drawn as a step or as a database of its own.
_STORE = re.compile(
    r"\b(?:from|in|into|to|on)\s+(?:the\s+|our\s+|a\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:db|database|cache|store|storage|queue|bucket|lake|warehouse|table|topic|redis|mongodb|"
    r"archive|postgres(?:ql)?|mysql|s3|kafka|bigquery|snowflake|elasticsearch)\b",
    re.IGNORECASE,
)
_COPULAS = {
    "is", "are", "does", "do", "did", "was", "were", "been", "has", "have", "had", "can",
    "isn't", "aren't", "doesn't", "don't", "didn't", "wasn't", "hasn't", "haven't", "can't",
    "there",
}  # fmt: skip
_PLACE_WORDS = {"in", "at", "on", "during", "for", "from", "with", "within", "inside", "by", "of"}
_DROPPED = {"the", "a", "an", "our", "their", "its", "my", "your", "his", "her", "them", "it"}
# Words no step of a plain story carries: a trigger, a condition, a loop, a fan, an actor's
# message to another ("it goes to", "sends ... to"), a repeat ("again", "new").
_NOT_A_STEP = {
    "if", "whether", "when", "once", "while", "until", "unless", "otherwise", "else", "both",
    "either", "meanwhile", "parallel", "same", "again", "back", "new", "another", "repeat",
    "repeats", "loop", "each", "every", "also", "or", "where", "which", "who", "label",
    "arrow", "goes", "feeds", "calls", "sends", "talks", "passes", "hands", "lands",
    "triggers", "powers", "serves", "delivers", "emits", "publishes", "writes", "uses",
    "forwards", "routes", "pulls", "returns", "flows",
    "retry", "keep", "keeps", "til", "till", "there", "here", "this", "that", "these", "those",
    "steps", "flowchart", "diagram", "chart", "draw", "over", "comes", "come", "box", "called",
    "named", "group", "lane", "connects", "connect", "belong", "belongs",
    "horizontal", "vertical", "rounded", "boxes", "layout", "colour", "color", "success",
    "failure", "before", "too", "gets", "together", "red", "green", "blue", "teal", "orange",
    "purple", "grey", "gray", "pastel",
}  # fmt: skip
_PASSIVE = re.compile(
    r"^(?P<subject>.+?)\s+(?:is|are|gets|get)\s+(?:then\s+)?(?P<verb>\w+ed)(?P<rest>(?:\s+.*)?)$",
    re.IGNORECASE,
)
# A verb said of someone ("takes", "verifies"), not "is"/"has": what "the user ..." does.
_VERB_S = r"(?!(?:is|was|has|does|gets)\b)\w{3,}s\b"
_SUBJECT = re.compile(
    rf"^(?:the|a|an)\s+(?P<noun>[a-z][\w-]*(?:\s+[a-z][\w-]*)??)\s+(?P<verb>{_VERB_S})", re.I
)
_BARE_VERB = re.compile(rf"^(?P<verb>{_VERB_S})", re.I)


def read_story(request: str) -> FlowChain | None:
    """The flow a request tells in plain sentences, or None where it says anything more."""
    if ARROW.search(request) or re.search(r"[가-힣]", request):
        return None
    story = _Story()
    try:
        for sentence in sentences(request):
            story.read(sentence)
        return story.finish()
    except _Unread:
        return None


def sentences(request: str) -> list[str]:
    """The request's sentences, a title before a colon and the ones asking for the drawing
    left out."""
    text = request.strip()
    head, colon, rest = text.partition(":")
    titled = "\n" not in head and len(head.split()) <= 8 and not is_counted_head(head)
    titled = titled and not re.search(r"(?:^|[.!?]\s+)group\s+\S+$", head, re.I)  # "group 'X': a"
    if colon and titled and rest.strip():
        text = rest  # "Make bread: first mix ...", "Draw it top to bottom: ..."
    out = []
    for raw in _SENTENCE_END.split(text):
        item = re.match(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+", raw)
        sentence = raw[item.end() :].strip() if item else raw.strip()
        head, *tail = re.split(r"\s+[-–—]\s+|:\s+", sentence, maxsplit=1)
        if tail and _is_about(head):  # "draw a diagram - A feeds B": the rest is the flow
            sentence = tail[0]
        pieces = re.split(r",\s+", sentence)
        if len(pieces) > 1:  # "A loops back to B, from top to bottom": the drawing's piece goes
            kept = [p for p in pieces if len(p.split()) > 4 or not _is_about(p)]
            sentence = ", ".join(kept) or sentence
        about = _is_about(sentence)
        about = about and not read_sources(sentence)  # "Top to bottom with two inputs: A, B"
        if sentence and (item or not about):  # a list item is a step, whatever it says
            out.append(sentence)
    return out


# Who asks, or a request's own verb: what makes a sentence with a drawing word about the drawing
# ("Can you draw this", "Draw it top to bottom") rather than a step ("audio feeds visualize").
_ASKING = re.compile(
    r"\b(?:i|i'm|i'd|we|we're|you|me|us|my|can|could|please|pls|plz|would|need|want)\b"
    r"|^(?:draw|make|create|sketch|show|render|give|lay|put|chart|map)\b",
    re.IGNORECASE,
)


def _is_about(sentence: str) -> bool:
    """A sentence about the drawing or the person asking, not a step of the flow."""
    if _is_filler(sentence.rstrip(".!")):
        return True
    short = len(sentence.split()) <= 4
    return bool(_ABOUT.search(sentence)) and (short or bool(_ASKING.search(sentence)))


class _Story:
    """A flow read sentence by sentence: the steps so far, the open decision's branches."""

    def __init__(self) -> None:
        self.flow = _Flow()
        self.branches: dict[str, tuple[int, bool]] = {}  # label -> (last step, looped back)
        self.closed = False  # the chain looped back: nothing may follow
        self.subject = ""  # the subject of the last passive step ("samples are collected")
        self.actor = False  # the last step had its actor ("the user searches"): drop it later
        self.fan = 0  # steps side by side, open until a sentence says what they go into
        self.out_labels: dict[int, str] = {}  # a source's arrow label ("A (label it 'x')")
        self.before: list[int] = []  # where the last step came from
        self.added = self.last_added = 0  # steps so far, and those the last sentence added

    def read(self, sentence: str) -> None:
        sentence = sentence.strip().rstrip(".!").strip()
        start = self.added
        self._read_labelled(sentence)
        self.last_added = self.added - start

    def _read_labelled(self, sentence: str) -> None:
        sources = read_sources(sentence)
        if sources:  # its items may carry their arrows' labels
            return self._sources(sources)
        said = _LABEL_IT.search(sentence)
        if said:  # "(label that arrow 'retry')": the label of the edge the sentence ends on
            sentence = (sentence[: said.start()] + sentence[said.end() :]).strip()
        if sentence:
            self._read(sentence)
        if said:
            self._label_last_edge(said.group("label"))

    def _read(self, sentence: str) -> None:
        join = read_join(sentence)  # "once both are ready, bake": before "once" is a branch
        if join:
            return self._join(join)
        if self.fan:
            raise _Unread("steps side by side that go into nothing said")
        if self._branch(sentence):
            return
        after = _AFTER.match(sentence)
        if after and self.flow.current and not self.branches:
            if self._existing(after.group("step")) != self.flow.current[-1]:
                raise _Unread(after.group())
            sentence = sentence[after.end() :]
        both = _BOTH.match(sentence)
        if both:
            self._join_branches()
            sentence = sentence[both.end() :]
        elif self.branches:
            self._after_branches(sentence)
        lead = _LEAD.sub("", sentence)
        said = _QUESTION.match(lead) or _CHECK.match(lead)
        if said:
            return self._decision(said.group("cond") or said.group("passive"))
        clauses = _clauses(uncomma_meanwhile(sentence))
        for i, clause in enumerate(clauses):
            start = self.added
            check = _CHECK.match(clause)
            if check:
                if i != len(clauses) - 1:
                    raise _Unread(clause)
                self._decision(check.group("cond") or check.group("passive"))
            elif not self._fan(clause):
                self._steps(clause)
            self.last_added = self.added - start

    def _label_last_edge(self, label: str) -> None:
        checked = _edge_label(label.strip())
        if not self.flow.edges or checked is None:
            raise _Unread(label)
        last = list(self.flow.edges)[-1]
        if self.flow.edges[last]:
            raise _Unread(label)  # the edge has a label already (a branch's yes / no)
        self.flow.edges[last] = checked

    def _branch(self, sentence: str) -> bool:
        """A branch of the open decision, or a condition with its own decision."""
        otherwise = _OTHERWISE.match(sentence)
        branch = _IF.match(sentence) if not otherwise else None
        if not (otherwise or branch):
            return False
        if otherwise:
            label, rest = "no", otherwise.group("rest")
        else:
            assert branch is not None
            cond, rest = branch.group("cond"), branch.group("rest")
            label = self._answer(cond)
            if not label and branch.group("word").casefold() == "once":
                raise _Unread(cond)  # "once X, ..." only answers the open check
            if not label:  # "if X, A" with its "otherwise B" to come: X is the decision
                if self.flow.decision is not None and len(self.branches) < 2:
                    raise _Unread(cond)  # the open check's answer, neither yes nor no
                if _NEGATED.search(cond):
                    raise _Unread(cond)  # "if the count doesn't match": which way is yes?
                self._decision(cond)
                label = "yes"
        if self.flow.decision is None or label in self.branches:
            raise _Unread(sentence)
        self.flow.branch(label)
        self.closed = False
        for clause in _clauses(rest):
            self._steps(clause)
        self.branches[label] = (self.flow.current[0], self.closed)
        self.closed = False
        return True

    def _answer(self, cond: str) -> str:
        """yes / no where a condition only answers the open check ("if so", "if it is", "if
        it hasn't doubled" for "Doubled?"), else ""."""
        if _YES.match(cond):
            return "yes"
        if _NO.match(cond):
            return "no"
        if self.flow.decision is None:
            return ""
        words = re.findall(r"[\w'’]+", cond.casefold())
        if not words or words[0] not in _REFERS:
            return ""
        no = ("not", "no", "never", "cannot")
        negated = any(w in no or w.endswith(("n't", "n’t")) for w in words)
        asked = {w[:4] for w in self.flow.names[self.flow.decision].casefold().rstrip("?").split()}
        said = [w for w in words[1:] if w not in _COPULAS and w not in no]
        said = [w for w in said if not w.endswith(("n't", "n’t"))]
        if not all(w[:4] in asked for w in said):
            return ""
        return "no" if negated else "yes"

    def _decision(self, cond: str) -> None:
        if self.branches and len(self.branches) < 2:
            raise _Unread(cond)
        if self.branches:
            self._after_branches("then")
        label = _label(cond, question=True)
        target = self.flow.node(label)
        if self.flow.current:
            self.flow.connect(target, self.flow.pending)
        else:
            self.flow.current = [target]
        self.flow.decision, self.branches = target, {}

    def _join_branches(self) -> None:
        """ "Either way ...": every branch that did not loop back goes on to the next step."""
        ends = self._open_ends()
        if len(ends) < 2:
            raise _Unread("either way")
        self._leave_branches(ends)

    def _after_branches(self, sentence: str) -> None:
        """A step after both branches follows the one that did not loop back, or, said with
        "then"/"finally", every one that did not."""
        ends = self._open_ends()
        if not ends or (len(ends) > 1 and not _LEAD.match(sentence)):
            raise _Unread("which branch")
        self._leave_branches(ends)

    def _open_ends(self) -> list[int]:
        """Where the open decision's branches end, those that loop back left out (both
        branches must have been told)."""
        if len(self.branches) < 2:
            raise _Unread("a decision with one branch")
        return [end for end, back in self.branches.values() if not back]

    def _leave_branches(self, ends: list[int]) -> None:
        self.flow.current, self.flow.pending, self.branches = ends, "", {}
        self.flow.decision = None

    def _steps(self, clause: str) -> None:
        """A clause's steps, in order; one that loops back ends the story's chain."""
        parts = _parts(clause)
        for k, part in enumerate(parts):
            check = _CHECK.match(part)
            if check and k == len(parts) - 1 and k:
                self._decision(check.group("cond") or check.group("passive"))
                return
            again = re.fullmatch(r"(?P<step>.+?)\s+again", part, re.IGNORECASE)
            back = _BACK.match(part)
            found = back or again
            if found:
                said = found.group("step")
                self._add(self._existing(_step_label(said, self)))
                self.closed = True
            else:
                self._add(self.flow.node(_step_label(part, self)))

    def _fan(self, clause: str) -> bool:
        """Steps side by side, or the step they all go into (`fans`)."""
        join = read_join(clause)
        if join:
            self._join(join)
            return True
        if self.fan:
            raise _Unread("steps side by side that go into nothing said")
        beside = read_meanwhile(clause)
        steps = (beside,) if beside else read_parallel(clause)
        if not steps:
            return False
        if self.branches or self.flow.pending or self.closed:
            raise _Unread("side by side after a branch")
        sources = list(self.flow.current)
        if beside:  # beside the one step the sentence before said, from where it came
            if self.last_added != 1 or len(sources) != 1:
                raise _Unread("beside which step")  # "A, then B. Meanwhile C": beside A or B?
            sources = self.before
        ends = [self._start(_step_label(step, self), sources) for step in steps]
        self.flow.current = [*self.flow.current, *ends] if beside else ends
        self.fan = len(self.flow.current)
        return True

    def _sources(self, sources: Sources) -> None:
        if self.flow.names:
            raise _Unread("sources after the first step")
        for item in sources.items:
            said = _LABEL_IT.search(item)
            node = self._start(_label(item[: said.start()] if said else item), [])
            if said:
                self.out_labels[node] = said.group("label")
        self.flow.current = list(range(len(sources.items)))
        self.fan = len(sources.items)

    def _start(self, label: str, sources: list[int]) -> int:
        """A new step that follows each of these (none: a start of the flow)."""
        known = len(self.flow.names)
        node = self.flow.node(label)
        if node < known:
            raise _Unread(label)  # said before: a loop, not a step beside another
        for source in sources:
            self.flow.edges[(source, node)] = ""
        self.added += 1
        return node

    def _join(self, join: Join) -> None:
        """Every step side by side goes into the target (or the next step said)."""
        if self.fan < 2 or (join.count and join.count != self.fan):
            raise _Unread("which steps go in")
        self.fan = 0
        if join.target:
            self._add(self.flow.node(_label(join.target)))
        for clause in _clauses(join.rest):
            self._steps(clause)
        for edge in self.flow.edges:
            if edge[0] in self.out_labels:
                self.flow.edges[edge] = self.out_labels[edge[0]]

    def _add(self, target: int) -> None:
        if self.closed:
            raise _Unread("a step after a loop back")
        self.before = list(self.flow.current)
        self.added += 1
        if self.flow.current:
            self.flow.connect(target, self.flow.pending)
        else:
            self.flow.current = [target]

    def _existing(self, said: str) -> int:
        """The step a loop back names: the one with these words (any ending: "reading input"
        is "Read input"), or else the one with this verb."""
        words = [w[:4] for w in said.casefold().split()]
        known = {
            i: [w[:4] for w in n.casefold().rstrip("?").split()]
            for i, n in enumerate(self.flow.names)
        }
        same = [i for i, name in known.items() if name == words]
        if not same:
            same = [i for i, name in known.items() if set(words) <= set(name)]
        if not same and len(words) == 1:  # "go back to training": the step with this verb
            same = [i for i, name in known.items() if name[:1] == words[:1]]
        if len(same) != 1:
            raise _Unread(said)
        return same[0]

    def finish(self) -> FlowChain:
        if self.fan:
            raise _Unread("steps side by side that go into nothing said")
        if len(self.flow.names) < 3:
            raise _Unread("too short to be sure")
        return self.flow.chain()


def _clauses(sentence: str) -> list[str]:
    """A sentence's steps split at "then", "after that" and commas; refused where a comma
    lists things rather than steps ("mix the flour, eggs and milk")."""
    pieces = re.split(f"({_THEN.pattern})", sentence, flags=re.IGNORECASE)
    clauses = [_LEAD.sub("", p).strip() for p in pieces[::2]]
    for joint, clause in zip(pieces[1::2], clauses[1:], strict=True):
        listed = joint.strip() in (",", "") and re.search(r"\band\b", clause)
        if listed and any(len(side.split()) < 2 for side in re.split(r"\s+and\s+", clause)):
            raise _Unread(clause)
    return [c for c in clauses if c]


def _parts(clause: str) -> list[str]:
    """A clause's steps joined by "and" ("the user enters an address and picks a method"), each
    of two words or more ("plate and serve" is one step)."""
    clause = _PRONOUN.sub("", _LEAD.sub("", clause.strip()))
    parts = [p.strip() for p in re.split(r"\s+and\s+(?:then\s+)?", clause)]
    if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts):
        subject = _SUBJECT.match(parts[0])
        if subject:  # "the robot moves ... and reads ...": the later verbs are its too
            parts[1:] = [
                re.sub(r"^(\w+s)\b", lambda m: _base_verb(m.group(1)), p) for p in parts[1:]
            ]
        return parts
    return [clause]


def _step_label(part: str, story: _Story) -> str:
    """One step's label: "we send the reset link" -> "Send reset link", "the user enters a
    code" -> "Enter code", "the refund is issued" -> "Refund issued"."""
    part = _PRONOUN.sub("", part.strip())
    if re.search(r"\b(?:it|them)\s+(?:over\s+|off\s+)?(?:to|into|onto)\b", part, re.I):
        raise _Unread(part)  # "pass it to the warehouse": a hand-over to a part, not a step
    if _STORE.search(part) and not re.fullmatch(r"['\"‘“][^'\"‘“’”]+['\"’”]", part):
        raise _Unread(part)  # "store the result in the user DB": a step, or a step and a DB?
    it = re.match(rf"^it\s+(?={_VERB_S})", part, re.I)
    if it:  # "it dispenses the item"
        part = part[it.end() :]
    subject = _SUBJECT.match(part) or (_BARE_VERB.match(part) if it or story.actor else None)
    story.actor = bool(subject) and not it
    if subject:
        verb = subject.group("verb")
        if verb.casefold() in _NOT_A_STEP:
            raise _Unread(verb)
        part = _base_verb(verb) + part[subject.end() :]
    passive = _PASSIVE.match(part)
    if passive:
        story.subject = passive.group("subject")
        return _passive_label(passive)
    alone = re.fullmatch(r"\w+ed", part)
    if alone and story.subject:  # "samples are collected and then labelled"
        return _label(f"{story.subject} {part}")
    return _label(part)


def _passive_label(passive: re.Match[str]) -> str:
    """'the refund is issued' -> 'Refund issued'; 'it is reviewed by the manager' ->
    'Reviewed by manager'."""
    subject, verb, rest = passive.group("subject"), passive.group("verb"), passive.group("rest")
    if re.search(r"\b(?:and|to|from|into|onto|through|via)\b", rest):
        raise _Unread(rest)  # "it is forwarded to finance": a hand-over, not a step
    if subject.casefold() in ("it", "they", "this"):
        return _label(verb + rest)
    rest = re.sub(r"\s+by\s+.*$", "", rest)
    return _label(f"{subject} {verb}{rest}")


def _base_verb(word: str) -> str:
    """'verifies' -> 'verify', 'pushes' -> 'push', 'takes' -> 'take'."""
    low = word.casefold()
    if low.endswith("ies") and len(low) > 4:
        return word[:-3] + "y"
    if re.search(r"(?:ss|sh|ch|x|z)es$", low):
        return word[:-2]
    return word[:-1] if not low.endswith("ss") else word


def _label(text: str, question: bool = False) -> str:
    """A step's label from its words: articles and pronouns dropped, first letter capital; a
    name in quotes is taken as it is ('label csv')."""
    quoted = re.fullmatch(r"['\"‘“][^'\"‘“’”]+['\"’”]", text.strip())
    text = _PRONOUN.sub("", text.strip().strip("\"'“”‘’").strip())
    words = [w for w in re.findall(r"[\w-]+(?:['’]\w+)?", text) if w.casefold() not in _DROPPED]
    if question:
        words = [w for w in words if w.casefold() not in _COPULAS]
    if not words or len(words) > 6 or re.search(r"[,:;()\"?<>|=+&/*\[\]{}]", text.rstrip("?")):
        raise _Unread(text)
    said = {w.casefold() for w in words} if not quoted else set()
    if said & _NOT_A_STEP or (not question and said & _COPULAS):
        raise _Unread(text)
    if words[0].casefold() in _PLACE_WORDS and not quoted:
        raise _Unread(text)  # "in the wet lab": where steps happen (a group), not a step
    label = " ".join(words)
    label = label[0].upper() + label[1:] + ("?" if question else "")
    if len(label) > MAX_PLAN_LABEL_CHARS:
        raise _Unread(label)
    return label
