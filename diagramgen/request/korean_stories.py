"""Flows told as a story in Korean sentences ("먼저 요구사항을 정의하고 화면을 설계합니다.
구현 후 테스트가 통과했는지 확인합니다. 통과하면 배포하고, 실패하면 다시 구현 단계로
돌아갑니다."), read without a model.

A sentence is split into clauses at its connective endings (-고, -ㄴ 다음 / 뒤 / 후, -는데, -며,
-해서) and its conditions (-면). What a clause may be:
- a step said with a 하 / 되 / 시키 verb, whose noun is the label ("모델을 학습시키고" is
  "모델 학습", "상품이 포장되고" "상품 포장"), the actor before it dropped ("서버에서",
  "직원이 ...를"), or a list item's noun phrase;
- a check that opens a decision: "X인지 확인합니다", "X 여부를 판단합니다", a question
  "합이 7인가요?", or a step that reviews (검토, 확인) followed by two conditions;
- a branch: a condition labelled with its own noun ("승인되면" 승인, "불만족이면" 불만족,
  "범위 안이면" 범위 안, "그렇다면" 예, "아니면" 아니오), then its steps; two conditions in one
  sentence with no check before them make the first condition the decision;
- a loop back to a step already named ("다시 학습 단계로 돌아갑니다", "다시 확인합니다");
- a trigger that restates the step before it is no step of its own.
An arrow's label said in words ("(화살표에 'REST' 표시)", "이 화살표에는 '재보정'이라고 써 주세요")
labels the edge the text before it ended on.

What is read is held exactly, so the reader refuses rather than guesses. It refuses a step or a
condition said with a native verb ("이미지를 만들고", "맞으면"): its label would be coined
("이미지 만들기" or "이미지 생성"? "맞음" or "예"?), and people label such steps either way.
Anything else (steps side by side, "각각", a verb form not listed here) leaves the request to
the model too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from diagramgen.limits import MAX_PLAN_LABEL_CHARS
from diagramgen.request.chains import ARROW, FlowChain, _edge_label, _Flow, _Unread

_HANGUL = re.compile(r"[가-힣]")
# Sentences that ask for the drawing or greet, not steps.
_ABOUT = re.compile(
    r"그려|그림|플로우\s*차트|순서도|다이어그램|도식|흐름도|안녕하세요|감사합니다|감사해요|방향|"
    r"세로로|가로로|위에서\s*아래|왼쪽에서|배치"
)
_ASKING = re.compile(
    r"(?:주세요|주십시오|드립니다|드려요|부탁해요|해줘|그려줘|싶습니다|싶어요|까요\??)$"
)
_LABEL_NOTE = re.compile(
    r"[(（][^()（）]*?['‘’\"“”](?P<label>[^'‘’\"“”]{1,30})['‘’\"“”][^()（）]*[)）]"
)
_LABEL_SENTENCE = re.compile(
    r"(?:화살표|라벨)[^'‘’\"“”]*['‘’\"“”](?P<label>[^'‘’\"“”]{1,30})['‘’\"“”]"
)
# Words that open a clause and say only that it comes next.
_LEADS = {
    "먼저", "우선", "처음에", "그다음", "그다음에", "다음으로", "이후", "이후에", "그리고", "그후",
    "그 후", "마지막으로", "끝으로", "이어서", "그러면", "그럼", "최종적으로", "그다음으로",
    "그 다음", "그 다음에", "마지막에", "마지막에는", "그런", "다음",
}  # fmt: skip
# Words a label leaves out: hedges and adverbs of manner.
_DROPPED = {"정도", "약", "대략", "쯤", "바로", "그냥", "일단", "한번", "좀", "아직"}
# Nouns that end like a connective or a condition.
_NOT_ENDINGS = {
    "재고", "창고", "광고", "사고", "신고", "보고", "경고", "최고", "참고", "원고", "공고",
    "화면", "측면", "표면", "정면", "단면", "전면", "후면", "장면", "라면", "이면", "면",
}  # fmt: skip
_AFTER = {"다음", "다음에", "뒤", "뒤에", "후", "후에", "다음에는"}
_LIGHT = {"진행", "수행", "실시"}  # "평가를 진행하고" is the step "평가"
_CHECKS = {"확인", "판단", "체크", "검사", "검토", "점검", "심사", "결정"}
_SIDE_BY_SIDE = re.compile(
    r"각각|동시에|둘\s*다|모두|함께|병렬|순서대로|두\s*(?:가지|경로|군데|곳|작업)"
)
_GO = re.compile(r"^(?:되?돌아)?(?:갑니다|간다|가고|감|가요|갈|가|가는데|옵니다|온다|와요)$")
_TOPIC = re.compile(r"(?:에는|에서는|으로는|로는)$")
_YES = re.compile(r"^(?:그렇다면|그렇으면|맞다면|예이면|네이면|만약\s+그렇다면)$")
_NO = re.compile(r"^(?:아니면|아니라면|아닐\s*경우|그렇지\s*않으면|그렇지\s*않다면|아니요면)$")
_BOTH = re.compile(r"^(?:두\s*경우\s*모두|어느\s*경우든|어느\s*쪽이든|어느\s*경우에도)\s*")


_LISTED = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+", re.MULTILINE)


def read_korean_story(request: str) -> FlowChain | None:
    """The flow a request tells in Korean sentences, or None where it says anything more."""
    if ARROW.search(request) or not _HANGUL.search(request) or _LISTED.search(request):
        return None  # a list's items ("3. 실패하면 ... 2번으로") say more than sentences do
    story = _Story()
    try:
        for sentence in _sentences(request):
            story.read(sentence)
        return story.finish()
    except _Unread:
        return None


def _sentences(request: str) -> list[str]:
    """The request's sentences, a title line ending in a colon left out (a request with list
    items never gets here: `_LISTED`)."""
    out = []
    for line in request.splitlines():
        line = line.strip()
        head, colon, rest = line.partition(":")
        if colon and len(head.split()) <= 5 and "'" not in head:
            line = rest.strip()  # "흐름도: ...", "다음 과정을 그려줘: ..."
        for raw in re.split(r"(?<=[.!?])\s+", line):
            sentence = raw.strip().rstrip(".!").strip()
            pieces = [p for p in sentence.split(", ") if not _is_about(p, short=3)]
            sentence = ", ".join(pieces)  # "..., 세로 방향으로"
            if sentence and (not _is_about(sentence, short=5) or _LABEL_SENTENCE.search(raw)):
                out.append(sentence)
    return out


def _is_about(sentence: str, short: int) -> bool:
    """A sentence about the drawing or a greeting: one that asks, or a short one."""
    bare = sentence.rstrip("?").strip()
    if not _ABOUT.search(bare):
        return False
    return len(bare.split()) <= short or bool(_ASKING.search(bare))


@dataclass
class _Clause:
    words: list[str]
    ending: str  # "then", "after" (-ㄴ 다음 / 뒤 / 후), "if" or "end"


def _clauses(sentence: str) -> list[_Clause]:
    """A sentence cut at its connective endings and conditions."""
    out: list[_Clause] = []
    words: list[str] = []
    raws = sentence.split()
    for k, raw in enumerate(raws):
        word = raw.rstrip(",")
        after = raws[k + 1] if k + 1 < len(raws) else ""
        if word in _AFTER and words and words != ["그"]:
            # "기다린 다음" follows a verb, "구현 후" mostly a noun
            out.append(_Clause(words, "then" if word.startswith("후") else "after"))
            words = []
            continue
        words.append(word)
        if word in _NOT_ENDINGS or len(word) < 2 or word in _LEADS:
            if raw.endswith(",") and after.rstrip(",").endswith("면"):
                out.append(_Clause(words, "then"))  # "그렇다면 승리, 아니면 ..."
                words = []
            continue
        if word.endswith("면"):
            out.append(_Clause(words, "if"))
        elif word.endswith("고") and after.startswith(("있", "싶")):
            continue  # "줄고 있으면": one verb
        elif word.endswith(("고", "는데", "며", "해서", "하여", "되어")) or (
            raw.endswith(",") and after.rstrip(",").endswith("면")
        ):
            out.append(_Clause(words, "then"))
        else:
            continue
        words = []
    if words:
        out.append(_Clause(words, "end"))
    return out


# ------------------------------------------------------------------ words


def _final(syllable: str) -> int:
    """The final consonant's index (0: none), -1 for a character that is not a syllable."""
    code = ord(syllable) - 0xAC00
    return code % 28 if 0 <= code < 11172 else -1


def _with_final(syllable: str, final: int) -> str:
    code = ord(syllable) - 0xAC00
    return chr(0xAC00 + code - code % 28 + final)


_N, _B = 4, 17  # ㄴ, ㅂ


@dataclass(frozen=True)
class _Verb:
    base: str  # the noun of a 하/되 verb ("확인"), or a native verb's stem ("끓이": refused)
    native: bool


_HA = re.compile(
    r"(.*?)(?:합니다|한다|하고|하면|한|해서|하여|했고|했다|했습니다|해요|하며|했으면|하는데|했는지|"
    r"하는지|할|했던|했을|하기|해|하세요|해라|해줘)$"
)
_DOE = re.compile(
    r"(.*?)(?:됩니다|된다|되고|되면|된|돼서|되어|되며|됐고|됐다|되었고|되었다|되는데|됐으면|되었으면)$"
)
_SIKI = re.compile(r"(.*?)시(?:킵니다|킨다|키고|키면|킨)$")


def _verb(word: str, attributive: bool = False) -> _Verb | None:
    """The verb a clause ends on, its endings taken off, or None for a word that is no verb
    (an attributive -ㄴ / -은 only before 다음 / 뒤 / 후: '클론' is a noun)."""
    for pattern in (_SIKI, _HA, _DOE):
        found = pattern.fullmatch(word)
        if found:
            return _Verb(found.group(1), native=False)
    stem = _native_stem(word, attributive)
    if stem is None:
        return None
    if stem[-1:] in ("었", "았", "였") and len(stem) > 1:
        stem = stem[:-1]
    return _Verb(stem, native=True) if stem else None


def _native_stem(word: str, attributive: bool) -> str | None:
    for ending in ("습니다", "는다", "는데", "으면", "으며", "고", "면", "며", "은"):
        if word.endswith(ending) and len(word) > len(ending):
            if ending == "은" and not attributive:
                return None
            return word[: -len(ending)]
    last = word[-1]
    if word.endswith("니다") and len(word) > 2 and _final(word[-3]) == _B:
        return word[:-3] + _with_final(word[-3], 0)
    if word.endswith("다") and len(word) > 1 and _final(word[-2]) == _N:
        return word[:-2] + _with_final(word[-2], 0)
    if _final(last) == _N and attributive:  # "기다린 (다음)"
        return word[:-1] + _with_final(last, 0)
    return None


def _particle_off(word: str, particles: tuple[str, ...] = ("을", "를")) -> str:
    for particle in particles:
        if word.endswith(particle) and len(word) > len(particle):
            return word[: -len(particle)]
    return word


def _subject_off(word: str) -> str:
    """'상품이' -> '상품', '데이터가' -> '데이터': the subject particle its last syllable takes."""
    if len(word) < 2 or not word.endswith(("이", "가", "은", "는")):
        return word
    final = _final(word[-2])
    takes = ("이", "은") if final > 0 else ("가", "는")
    return word[:-1] if word[-1] in takes or final < 0 else word


def _checked(label: str) -> str:
    words = label.split()
    if not words or len(words) > 6 or len(label) > MAX_PLAN_LABEL_CHARS:
        raise _Unread(label)
    if re.search(r"[()\[\]{}|,:;\"\\<>=&/'‘’“”]", label):
        raise _Unread(label)
    if any(_TOPIC.search(w) or _is_topic(w) for w in words):
        raise _Unread(label)  # "원두는 선별": who or what the sentence is about, not a step
    return label


def _is_topic(word: str) -> bool:
    """'원두는', '요청은': a word with the topic particle its last syllable takes."""
    if len(word) < 2 or not word.endswith(("은", "는")):
        return False
    final = _final(word[-2])
    return final >= 0 and (final > 0) == (word[-1] == "은")


def _plain(words: list[str]) -> list[str]:
    """The clause's words, without the words that open it and the hedges."""
    out = [w for w in words if w not in _DROPPED]
    while out and (out[0] in _LEADS or " ".join(out[:2]) in _LEADS):
        out = out[2:] if " ".join(out[:2]) in _LEADS else out[1:]
    return out


def _without_actor(words: list[str]) -> list[str]:
    """'서버에서 X를 ...', '직원이 X를 ...': who does the step is not part of it."""
    while len(words) > 1 and words[0].endswith("에서"):
        words = words[1:]
    objects = [i for i, w in enumerate(words[:-1]) if w.endswith(("을", "를"))]
    if objects and objects[0] > 0 and _subject_off(words[0]) != words[0]:
        words = words[1:]
    return words


def _step_label(words: list[str], attributive: bool = False) -> tuple[str, _Verb | None]:
    """A step clause as a label, and the verb it ends on (None: a noun phrase)."""
    words = _without_actor(_plain(words))
    if not words:
        raise _Unread("an empty clause")
    verb = _verb(words[-1], attributive)
    if verb is None:
        return _checked(" ".join(words)), None
    if verb.native:
        raise _Unread(words[-1])  # a label we would coin ("만들기"): see the module docstring
    head = words[:-1]
    if head:
        head[-1] = _subject_off(_particle_off(head[-1]))
    if verb.base and verb.base not in _LIGHT:
        said = [*head, verb.base]
    elif head:
        said = head  # "전처리를 합니다", "평가를 진행합니다"
    else:
        raise _Unread(words[-1])
    return _checked(" ".join(said)), verb


def _answer(words: list[str], decision: str) -> str:
    """A condition as its branch's label: 승인되면 -> 승인, 불만족이면 -> 불만족, 범위 안이면 ->
    범위 안, 그렇다면 -> 예; a native verb's ("맞으면") is refused."""
    said = " ".join(_plain(words))
    if _YES.match(said):
        return "예"
    if _NO.match(said):
        return "아니오"
    words = _plain(words)
    last = words[-1].removesuffix("면")
    before = words[-2] if len(words) > 1 else ""
    if last.endswith("이") and len(last) > 1 and _final(last[-2]) > 0:  # copula: 불만족이면
        noun = last[:-1]
        joined = before and _particle_off(before) == before and not before.endswith(("가", "이"))
        return f"{before} {noun}" if joined else noun
    verb = _verb(words[-1])
    if verb is None:
        raise _Unread(said)
    if verb.native and not (verb.base + "인지" in decision or verb.base + "이" in decision):
        raise _Unread(said)  # "맞으면": 맞음, or yes? a label we would coin
    answer = verb.base  # 승인되면 -> 승인; 이상치면, with "이상치인지 판단": a noun and its copula
    if before in ("안", "못"):
        answer = f"{before} {answer}"
    if not answer:
        raise _Unread(said)
    return answer


# ------------------------------------------------------------------ the story


class _Story:
    """A flow read clause by clause: the steps so far, the open decision and its branches."""

    def __init__(self) -> None:
        self.flow = _Flow()
        self.branches: dict[str, tuple[int, bool]] = {}  # label -> (last step, looped back)
        self.branch = ""  # the branch being told
        self.closed = False  # the branch being told looped back
        self.last_verb: _Verb | None = None

    def read(self, sentence: str) -> None:
        note = _LABEL_NOTE.search(sentence)
        if note:  # "... 호출하고(화살표에 'REST' 표시), ...": the label of the edge before it
            self._read_text(sentence[: note.start()])
            self._label_last_edge(note.group("label"))
            return self._read_text(sentence[note.end() :])
        said = _LABEL_SENTENCE.search(sentence)
        if not said:
            return self._read_text(sentence)
        head, _, asked = sentence[: said.start()].rpartition(",")
        if not re.fullmatch(r"\s*(?:이|그|거기|이\s*)?(?:되?돌아가는)?\s*", asked):
            raise _Unread(sentence)
        self._read_text(head)
        self._label_last_edge(said.group("label"))

    def _read_text(self, text: str) -> None:
        text = text.strip().rstrip(",").strip()
        if not text:
            return
        clauses = _clauses(text)
        if self.branch and clauses[0].ending != "if":
            self._end_branch()  # a sentence after a branch goes on after both
        if text.endswith("?"):
            if len(clauses) > 1:
                raise _Unread(text)  # "A 후 B?": a question is one clause
            return self._question(text.rstrip("?").strip())
        conditions = sum(c.ending == "if" for c in clauses)
        for i, clause in enumerate(clauses):
            if clause.ending == "if":
                self._condition(clause, pair=conditions >= 2 and i == 0)
            else:
                self._clause(clause)

    def _label_last_edge(self, label: str) -> None:
        checked = _edge_label(label.strip())
        if not self.flow.edges or checked is None:
            raise _Unread(label)
        last = list(self.flow.edges)[-1]
        self.flow.edges[last] = checked

    # -- clauses

    def _question(self, text: str) -> None:
        words = _plain(text.split())
        if not words:
            raise _Unread(text)
        last = re.sub(
            r"(?:인가요|인가|입니까|인지|일까요|일까|나요|니|까요|습니까)$", "", words[-1]
        )
        verb = _verb(last + "다") if last.endswith(("했", "됐", "되었")) else None
        if verb and verb.base:  # "테스트가 통과했나요?" -> "테스트 통과?"
            head = [*words[:-2], _subject_off(words[-2])] if len(words) > 1 else []
            last, words = verb.base, [*head, ""]
        self._decision(_checked(" ".join([*words[:-1], last]).strip()) + "?")

    def _clause(self, clause: _Clause) -> None:
        words = _plain(clause.words)
        if not words:
            return
        both = _BOTH.match(" ".join(words))
        if both:
            self._join_branches()
            words = " ".join(words)[both.end() :].split()
        elif self.branches and not self.branch:
            self._after_branches()
        if words and words[0] == "다시":
            return self._loop(words[1:])
        if len(words) > 1 and _GO.match(words[-1]) and words[-1].startswith(("돌아", "되돌아")):
            return self._loop(words)
        check = self._check(words)
        if check:
            return self._decision(check)
        label, verb = _step_label(words, attributive=clause.ending == "after")
        if _SIDE_BY_SIDE.search(" ".join(words)):
            raise _Unread(label)
        self._add(self._node(label))
        self.last_verb = verb

    def _check(self, words: list[str]) -> str:
        """A clause that asks, as the decision's label ('비밀번호가 맞는지 확인?'), else ''."""
        verb = _Verb(words[-1], native=False) if words[-1] in _CHECKS else _verb(words[-1])
        if verb is None or verb.native or verb.base not in _CHECKS or len(words) < 2:
            return ""
        asked = words[-2]
        if not (asked.endswith("지") or _particle_off(asked, ("를", "가")) == "여부"):
            return ""
        words = _without_actor(words)
        head = [*words[:-2], _particle_off(words[-2], ("를", "가"))]
        return _checked(" ".join([*head, verb.base])) + "?"

    def _condition(self, clause: _Clause, pair: bool) -> None:
        """A condition: a branch of the open decision, the decision itself (two conditions in
        one sentence), or a trigger restating the step before it."""
        words = _plain(clause.words)
        if not words:
            raise _Unread("an empty condition")
        if self.flow.decision is None and pair:
            self._implicit_decision(words)
        if self.flow.decision is None:
            return self._trigger(words)
        decision = self.flow.names[self.flow.decision]
        label = _answer(words, decision)
        if label in self.branches or len(self.branches) >= 2 or _edge_label(label) is None:
            raise _Unread(label)
        self._end_branch()
        if label == "아니오" and len(self.branches) == 1:
            self._relabel_yes()  # "충분하면 ..., 아니면 ...": the pair is yes and no
        self.flow.branch(label)
        self.branch, self.closed = label, False

    def _relabel_yes(self) -> None:
        decision = self.flow.decision
        ((said, end),) = self.branches.items()
        if said == "예":
            return
        for edge, label in self.flow.edges.items():
            if edge[0] == decision and label == said:
                self.flow.edges[edge] = "예"
        self.branches = {"예": end}

    def _implicit_decision(self, words: list[str]) -> None:
        """'A하고 B합니다. 팀장이 승인하면 ..., 반려하면 ...': a step that reviews is the decision;
        after any other step, the first condition is."""
        last = self.flow.current[-1] if len(self.flow.current) == 1 else None
        verb = self.last_verb
        if last is not None and verb and not verb.native and verb.base in _CHECKS:
            name = self.flow.names[last]
            self.flow.names[last] = name + "?"
            self.flow.keys[name.casefold() + "?"] = last
            self.flow.decision, self.flow.ends = last, []
            return
        said = " ".join(words)
        if _YES.match(said) or _NO.match(said):
            raise _Unread(said)
        label, _ = _step_label(words)
        answer = _answer(words, "")
        head = label.rsplit(" ", 1)[0] if " " in label else ""
        self._decision(_checked(f"{head} {answer}".strip()) + "?")

    def _trigger(self, words: list[str]) -> None:
        """'주문이 접수되면 ...' is the step 주문 접수, unless it restates the step before it
        ('주문을 접수합니다. 주문이 접수되면 ...')."""
        if _SIDE_BY_SIDE.search(" ".join(words)):
            raise _Unread(" ".join(words))
        label, _ = _step_label(words)
        if self.flow.current and len(self.flow.current) == 1:
            before = self.flow.names[self.flow.current[0]].split()
            said = label.split()
            if said[0] == before[0] and said[-1][:1] == before[-1][:1]:
                return
        self._add(self._node(label))

    def _decision(self, label: str) -> None:
        if self.branches or self.branch:
            raise _Unread(label)  # a decision inside a branch
        target = self._node(label)
        self._add(target)
        self.flow.decision, self.branches = target, {}

    def _loop(self, words: list[str]) -> None:
        """A loop back to a step already named ('다시 학습 단계로 돌아갑니다',
        '다시 확인합니다')."""
        if words and _GO.match(words[-1]):
            words = words[:-1]
        if not words:
            raise _Unread("back to what")
        verb = _verb(words[0]) if len(words) == 1 else None
        if verb and verb.base in _CHECKS:
            if self.flow.decision is None:
                raise _Unread("check again")
            target = self.flow.decision
        else:
            *head, last = words
            if last.endswith(("로", "으로")):
                said = [*head, last.removesuffix("으로").removesuffix("로")]
                said = [w for w in said if w not in ("단계", "과정", "스텝")]
            else:
                said = _step_label(words)[0].split()
            target = self._existing(said)
        self._add(target)
        self.closed = True

    def _existing(self, said: list[str]) -> int:
        """The step whose words hold all these words."""
        if not said:
            raise _Unread("back to what")
        words = set(said)
        same = [
            i
            for i, name in enumerate(self.flow.names)
            if words <= set(name.rstrip("?").split()) or name.rstrip("?") == " ".join(said)
        ]
        if len(same) != 1:
            raise _Unread(" ".join(said))
        return same[0]

    # -- branches

    def _end_branch(self) -> None:
        if self.branch:
            self.branches[self.branch] = (self.flow.current[0], self.closed)
            self.branch, self.closed = "", False

    def _open_ends(self) -> list[int]:
        self._end_branch()
        if len(self.branches) < 2:
            raise _Unread("a decision with one branch")
        return [end for end, back in self.branches.values() if not back]

    def _join_branches(self) -> None:
        ends = self._open_ends()
        if len(ends) < 2:
            raise _Unread("both ways")
        self._leave(ends)

    def _after_branches(self) -> None:
        ends = self._open_ends()
        if len(ends) != 1:
            raise _Unread("which branch")
        self._leave(ends)

    def _leave(self, ends: list[int]) -> None:
        self.flow.current, self.flow.pending, self.branches = ends, "", {}
        self.flow.decision = None

    # -- steps

    def _node(self, label: str) -> int:
        known = len(self.flow.names)
        node = self.flow.node(label)
        if node < known:
            raise _Unread(label)  # said again: a loop, which must say 다시
        return node

    def _add(self, target: int) -> None:
        if self.closed:
            raise _Unread("a step after a loop back")
        if self.branches and not self.branch:
            self._after_branches()
        if self.flow.current:
            self.flow.connect(target, self.flow.pending)
        else:
            self.flow.current = [target]

    def finish(self) -> FlowChain:
        if self.branch or self.branches:
            self._open_ends()
        if len(self.flow.names) < 3:
            raise _Unread("too short to be sure")
        return self.flow.chain()
