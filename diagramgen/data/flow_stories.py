"""Flows told as people tell them: what happens, in sentences with verbs ("we first validate
the input, then check whether the token is valid; if it is, show the dashboard, otherwise
...") instead of a list of step names. The plan keeps the steps' short names ("Validate
input", "Token valid?"), so the model learns to name steps rather than copy clauses.

Every clause is picked from several voices (imperative, "we", passive, "the system"), joined
by varied connectives; English and Korean.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diagramgen.data.flow_requests import Graph, Step

_PAST = {"send": "sent", "pay": "paid", "build": "built"}
_DOUBLED = {"ship", "log", "embed", "scan"}  # final consonant doubled before -ed / -ing


def past_participle(verb: str) -> str:
    """'validate' -> 'validated', 'ship' -> 'shipped', 'notify' -> 'notified', 'send' -> 'sent'."""
    if verb in _PAST:
        return _PAST[verb]
    if verb in _DOUBLED:
        return verb + verb[-1] + "ed"
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def gerund(verb: str) -> str:
    """'validate' -> 'validating', 'ship' -> 'shipping'."""
    if verb in _DOUBLED:
        return verb + verb[-1] + "ing"
    if verb.endswith("e") and not verb.endswith("ee"):
        return verb[:-1] + "ing"
    return verb + "ing"


def third_person(verb: str) -> str:
    """'fetch' -> 'fetches', 'notify' -> 'notifies', 'log' -> 'logs'."""
    if verb.endswith(("ch", "sh", "s", "x")):
        return verb + "es"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _plural(obj: str) -> bool:
    return obj.endswith("s") and obj not in {"access"}


class English:
    """Clauses for one step, in a voice picked per clause."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _the(self, obj: str) -> str:
        return self.rng.choice(["the ", "the ", "the ", "", "our "]) + obj

    def _name(self, label: str) -> str:
        return label if label[:1].isupper() and not label.isupper() else "the " + label

    def clause(self, step: Step) -> str:
        """What the step does, as a clause that can follow 'then'."""
        rng = self.rng
        if step.type == "decision":
            return rng.choice(["check whether ", "check if ", "see whether ", "ask whether "]) + (
                self._condition(step)
            )
        if step.type == "db":
            name = self._name(step.label)
            return rng.choice(
                [
                    f"save it to {name}",
                    f"store the result in {name}",
                    f"write it to {name}",
                    f"it is saved in {name}",
                    f"persist it in {name}",
                ]
            )
        if not step.verb:  # an actor
            name = self._name(step.label)
            return rng.choice(
                [
                    f"it goes to {name}",
                    f"pass it to {name}",
                    f"{name} takes over",
                    f"send it to {name}",
                    f"hand it over to {name}",
                ]
            )
        v, o = step.verb, self._the(step.obj)
        be = "are" if _plural(step.obj) else "is"
        return rng.choice(
            [
                f"{v} {o}",
                f"{v} {o}",
                f"we {v} {o}",
                f"{o} {be} {past_participle(v)}",
                f"{o} {'get' if be == 'are' else 'gets'} {past_participle(v)}",
                f"the system {third_person(v)} {o}",
            ]
        )

    def gerund(self, step: Step) -> str:
        """The step as a noun phrase ('validating the order'), for 'go back to ...'."""
        if step.type == "decision":
            return "checking whether " + self._condition(step)
        if not step.verb:
            return self._name(step.label)
        return f"{gerund(step.verb)} {self._the(step.obj)}"

    def _condition(self, step: Step) -> str:
        if not step.obj:
            return self.rng.choice(["it is ", "everything is ", "the result is "]) + step.state
        be = "are" if _plural(step.obj) else "is"
        return f"{self._the(step.obj)} {be} {step.state}"

    def source(self, step: Step) -> str:
        """A parallel source, as a clause."""
        if step.type == "db":
            return self.rng.choice(["load data from ", "read from "]) + self._name(step.label)
        if not step.verb:
            return "input comes from " + self._name(step.label)
        return self.clause(step)

    def yes(self, step: Step) -> str:
        """How a yes branch opens."""
        plural = _plural(step.obj)
        return self.rng.choice(
            ["if it is, ", "if so, ", "if yes, ", "when it is, "]
            if not plural
            else ["if they are, ", "if so, ", "if yes, "]
        )

    def no(self) -> str:
        """How a no branch opens."""
        return self.rng.choice(["otherwise ", "otherwise, ", "if not, ", "else ", "if no, "])

    def then(self) -> str:
        """A connective to the next step."""
        return self.rng.choice(
            [
                ", then ",
                ". Then ",
                ". Next, ",
                ", after that ",
                ". After that, ",
                " and then ",
                ". Once that is done, ",
                ", and ",
            ]
        )

    def first(self) -> str:
        """How the story opens."""
        return self.rng.choice(["First, ", "", "", "To begin, ", "We start like this: "])

    def back(self, target: Step) -> str:
        """Going back to an earlier step."""
        rng = self.rng
        return rng.choice(["go back to ", "return to ", "loop back to ", "start over from "]) + (
            self.gerund(target)
        )

    def labelled(self, label: str) -> str:
        """An edge's label, said after its step."""
        return self.rng.choice([f" ({label})", f" - label that arrow '{label}'", f" [{label}]"])

    def after(self, step: Step) -> str:
        """Picking the story up again at an earlier step."""
        return f". After {self.gerund(step)}, "


def plain_branch_labels(g: Graph, lang: str) -> None:
    """A story says 'if it is ..., otherwise ...': its decisions' branches are yes and no."""
    yes, no = ("예", "아니오") if lang == "ko" else ("yes", "no")
    for q, step in enumerate(g.steps):
        if step.type != "decision":
            continue
        outs = [i for i, (a, _, _) in enumerate(g.edges) if a == q]
        for i, label in zip(outs, (yes, no), strict=False):
            a, b, _ = g.edges[i]
            g.edges[i] = (a, b, label)


def tell_flow(rng: random.Random, g: Graph, lang: str) -> str:
    """The flow as a story: each edge said once, in order, branches and loops in words."""
    if lang == "ko":
        return _tell_korean(rng, g)
    say = English(rng)
    decisions = {i for i, s in enumerate(g.steps) if s.type == "decision"}
    fan = _fan_in(g)
    text, prev, said = say.first(), -1, set[tuple[int, int]]()
    for a, b, label in g.edges:
        if (a, b) in said:
            continue
        if b in fan:  # parallel sources, said at once
            text += _fan_text(rng, say, g, fan[b], b)
            said |= {(s, b) for s in fan[b]}
            prev = b
            continue
        if prev == -1:
            text += say.clause(g.steps[a]) + say.then()
        elif prev != a:
            text += say.after(g.steps[a])
        else:
            text += say.then()
        text += say.back(g.steps[b]) if (a, b) in g.back else say.clause(g.steps[b])
        if label:
            text += say.labelled(label)
        said.add((a, b))
        prev = -2 if (a, b) in g.back else b
        if b in decisions:
            branches, told = _branches(rng, say, g, b)
            text += branches
            said |= told
            prev = next(t for s, t, _ in g.edges if s == b)  # the yes branch goes on
    return _sentence_case(text.strip()) + "."


def _fan_text(rng: random.Random, say: English, g: Graph, sources: list[int], b: int) -> str:
    joined = " and ".join(say.source(g.steps[s]) for s in sources)
    both = "both" if len(sources) == 2 else "all"
    return joined + rng.choice(
        [
            f" in parallel; {both} feed {say.gerund(g.steps[b])}",
            f"; once {both} are done, {say.clause(g.steps[b])}",
            f", and together they go into {say.gerund(g.steps[b])}",
        ]
    )


def _fan_in(g: Graph) -> dict[int, list[int]]:
    ins: dict[int, list[int]] = {}
    for a, b, label in g.edges:
        if not label and (a, b) not in g.back and g.steps[a].type != "decision":
            ins.setdefault(b, []).append(a)
    return {b: s for b, s in ins.items() if len(s) > 1}


def _branches(
    rng: random.Random, say: English, g: Graph, q: int
) -> tuple[str, set[tuple[int, int]]]:
    """'; if it is, X, otherwise Y' for the decision q (its first out-edge is the yes branch),
    and the edges that says."""
    outs = [t for s, t, _ in g.edges if s == q]
    told = {(q, t) for t in outs}
    on = outs[0]
    yes = say.yes(g.steps[q]) + say.clause(g.steps[on])
    if len(outs) == 1:
        return ". " + yes, told
    side = outs[1]
    if (q, side) in g.back:
        no = say.no() + rng.choice([say.back(g.steps[side]), _again(say, g.steps[side])])
    else:
        no = say.no() + say.clause(g.steps[side])
        if any(s == side and t == on for s, t, _ in g.edges):
            no += rng.choice(
                [f" before {say.gerund(g.steps[on])}", f", then {say.clause(g.steps[on])} too"]
            )
            told.add((side, on))
    return rng.choice([". ", "; ", ": "]) + yes + rng.choice(["; ", ", ", ". "]) + no, told


def _again(say: English, step: Step) -> str:
    return say.clause(step) + " again" if step.verb else say.back(step)


def _sentence_case(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(^|[.:?!] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return text.replace(". .", ".").replace(", .", ".")


# ------------------------------------------------------------------ Korean
_KO_STATE_FORMS = {  # state -> (whether ..., if ...)
    "유효": ("유효한지", "유효하면"),
    "승인됨": ("승인되었는지", "승인되면"),
    "재고 있음": ("재고가 있는지", "재고가 있으면"),
    "완료": ("완료되었는지", "완료되면"),
    "성공": ("성공했는지", "성공하면"),
    "정상": ("정상인지", "정상이면"),
    "통과": ("통과했는지", "통과하면"),
    "충분": ("충분한지", "충분하면"),
}


def particle(word: str, with_final: str, without_final: str) -> str:
    """The word with the particle its last syllable takes ('주문을', '데이터를', '코드로')."""
    last = word.rstrip()[-1:]
    if not ("\uac00" <= last <= "\ud7a3"):
        return word + without_final
    final = (ord(last) - 0xAC00) % 28
    if with_final == "으로" and final == 8:  # ㄹ takes 로
        return word + without_final
    return word + (with_final if final else without_final)


def _ko_clause(rng: random.Random, step: Step, final: bool, ending: str = "") -> str:
    if not ending:
        ending = rng.choice(["한다", "합니다"] if final else ["하고", "한 다음", "한 뒤"])
    if step.type == "decision":
        ask = _KO_STATE_FORMS.get(step.state, (step.state + "인지", ""))[0]
        return f"{particle(step.obj, '이', '가')} {ask} 확인{ending}"
    if step.type == "db":
        return f"{particle(step.label, '에', '에')} 저장{ending}"
    if not step.verb:
        return f"{particle(step.label, '으로', '로')} 전달{ending}"
    if not final and ending != "하고" and rng.random() < 0.25:
        return f"{particle(step.obj, '이', '가')} {step.verb}되면"
    return f"{particle(step.obj, '을', '를')} {step.verb}{ending}"


def _tell_korean(rng: random.Random, g: Graph) -> str:
    """The Korean story: clauses joined by -하고 / -한 다음, each sentence ending in -한다."""
    decisions = {i for i, s in enumerate(g.steps) if s.type == "decision"}
    fan = _fan_in(g)
    sentences: list[str] = []
    clauses: list[str] = []
    prev, said = -1, set[tuple[int, int]]()

    def close() -> None:
        if clauses:
            sentences.append(" ".join(clauses))
            clauses.clear()

    for a, b, label in g.edges:
        if (a, b) in said:
            continue
        if b in fan:
            names = ", ".join(g.steps[s].label for s in fan[b])
            clauses.append(f"{names} 모두 {particle(g.steps[b].label, '으로', '로')} 들어가고")
            said |= {(s, b) for s in fan[b]}
            prev = b
            continue
        if prev != a:
            close()
            clauses.append(_ko_clause(rng, g.steps[a], final=False))
        elif not clauses:
            clauses.append(rng.choice(["그다음", "이후", "그리고", "그 후"]))
        if (a, b) in g.back:
            clauses.append(f"{particle(g.steps[b].label, '으로', '로')} 돌아간다")
            close()
            prev = -1
        else:
            clauses.append(_ko_clause(rng, g.steps[b], final=False))
            prev = b
        if label:
            clauses[-1] = f"'{label}' 화살표로 이어서 {clauses[-1]}"
        said.add((a, b))
        if b in decisions:
            said |= {(b, t) for s, t, _ in g.edges if s == b}
            prev = _ko_branches(rng, g, b, clauses)
            close()
    close()
    return ". ".join(_ko_finish(s) for s in sentences) + "."


def _ko_branches(rng: random.Random, g: Graph, q: int, clauses: list[str]) -> int:
    outs = [(t, lab) for s, t, lab in g.edges if s == q]
    on = outs[0][0]
    cond = _KO_STATE_FORMS.get(g.steps[q].state, ("", g.steps[q].state + "이면"))[1]
    clauses.append(f"{cond} {_ko_clause(rng, g.steps[on], False, ending='하고')},")
    if len(outs) > 1:
        side = outs[1][0]
        other = rng.choice(["아니면", "그렇지 않으면"])
        if (q, side) in g.back:
            clauses.append(f"{other} {particle(g.steps[side].label, '으로', '로')} 돌아간다")
        else:
            if any(s == side and t == on for s, t, _ in g.edges):
                rejoin = particle(g.steps[on].label, "으로", "로")
                clauses.append(f"{other} {_ko_clause(rng, g.steps[side], False)} {rejoin} 간다")
            else:
                clauses.append(f"{other} {_ko_clause(rng, g.steps[side], final=True)}")
    return on


def _ko_finish(sentence: str) -> str:
    """A sentence whose last clause ends in a connective gets a final ending instead."""
    sentence = sentence.rstrip(", ")
    for cont, done in (
        ("하고", "한다"),
        ("한 다음", "한다"),
        ("한 뒤", "한다"),
        ("들어가고", "들어간다"),
    ):
        if sentence.endswith(cont):
            return sentence[: -len(cont)] + done
    if sentence.endswith("되면"):
        return sentence[: -len("되면")] + "된다"
    return sentence
