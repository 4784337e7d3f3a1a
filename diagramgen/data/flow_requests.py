"""Flow requests composed from parts: a random graph built from motifs (a chain, a decision
with labelled branches, a loop back, parallel sources that fan in, labelled links, named
groups), its steps named from open word lists (English or Korean), and the graph said in one
of several ways (sentences with connectives, arrows, a numbered or bulleted list)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from diagramgen.data.example import Example, make_example
from diagramgen.data.flow_stories import plain_branch_labels, tell_flow
from diagramgen.data.phrasing import random_style
from diagramgen.data.wording import (
    ARROWS,
    add_wish,
    bullet_lines,
    direction_wish,
    join_items,
    polite,
    roughen,
)
from diagramgen.diagram import Kind, Orientation
from diagramgen.formats.plan import FlowEdge, FlowGroup, FlowNode, Plan
from diagramgen.layout import layout_plan
from diagramgen.quality.metrics import readability

STORY_SHARE = 0.45  # flows told as a story with verbs, the rest as lists, arrows and links
VERBS = ["collect", "clean", "validate", "parse", "fetch", "load", "store", "train", "evaluate", "deploy", "monitor", "review", "approve", "reject", "send", "receive", "pack", "ship", "invoice", "pay", "refund", "log", "notify", "index", "embed", "rank", "filter", "merge", "sort", "archive", "encrypt", "sign", "scan", "test", "build", "publish", "schedule", "assign", "diagnose", "treat", "measure", "record", "register", "upload", "download", "compress", "label", "summarize", "translate", "retrieve"]  # fmt: skip
OBJECTS = ["data", "order", "payment", "invoice", "ticket", "report", "image", "document", "request", "response", "user", "model", "results", "sample", "patient", "prescription", "application", "resume", "candidate", "contract", "email", "message", "record", "file", "batch", "query", "answer", "feedback", "package", "shipment", "claim", "form", "draft", "code", "release", "metrics", "logs", "features", "embeddings", "photos", "video", "transcript", "account", "password", "token", "booking", "visa"]  # fmt: skip
STORES = ["database", "Postgres", "Redis cache", "S3 bucket", "data warehouse", "vector DB", "user DB", "feature store", "MongoDB", "inventory DB", "archive", "log store"]  # fmt: skip
ACTORS = ["user", "customer", "client app", "browser", "mobile app", "API gateway", "load balancer", "web server", "worker", "scheduler", "LLM", "embedding model", "classifier", "manager", "reviewer", "doctor", "nurse", "warehouse", "support agent", "CI server", "sensor", "message queue", "Kafka", "auth service"]  # fmt: skip
STATES = ["valid", "approved", "in stock", "complete", "successful", "correct", "available", "found", "accepted", "paid", "converged", "good enough", "ok", "passing", "signed", "urgent"]  # fmt: skip
KO_OBJECTS = ["데이터", "주문", "결제", "송장", "티켓", "보고서", "이미지", "문서", "요청", "사용자 정보", "모델", "결과", "샘플", "환자", "처방", "지원서", "계약서", "이메일", "기록", "파일", "재고", "배송", "예약", "로그", "코드"]  # fmt: skip
KO_VERBS = ["수집", "정리", "검증", "확인", "저장", "학습", "평가", "배포", "모니터링", "검토", "승인", "전송", "접수", "포장", "발송", "결제", "환불", "등록", "업로드", "분석", "생성", "처리", "작성", "출력", "테스트"]  # fmt: skip
KO_STATES = ["유효", "승인됨", "재고 있음", "완료", "성공", "정상", "통과", "충분"]
EDGE_LABELS = ["writes to", "reads from", "over HTTP", "via gRPC", "publishes events", "sends results", "by email", "on failure", "on success", "async", "batch", "JSON", "requests", "streams", "approved", "rejected", "if urgent", "daily"]  # fmt: skip
KO_EDGE_LABELS = [
    "저장",
    "조회",
    "HTTP",
    "이메일로",
    "실패 시",
    "성공 시",
    "승인",
    "반려",
    "요청",
    "전송",
]
YES_NO = [("yes", "no"), ("yes", "no"), ("yes", "no"), ("Yes", "No"), ("y", "n"), ("valid", "invalid"), ("pass", "fail"), ("approved", "rejected"), ("true", "false")]  # fmt: skip
KO_YES_NO = [("예", "아니오"), ("네", "아니요"), ("yes", "no"), ("성공", "실패"), ("통과", "실패")]
GROUP_NAMES = ["Backend", "Frontend", "Data layer", "Cloud", "On-premise", "Client", "Server", "ML service", "Warehouse team", "Finance", "Review board", "Lab", "Storage", "Training", "Inference", "Support"]  # fmt: skip
KO_GROUP_NAMES = [
    "백엔드",
    "프론트엔드",
    "데이터 계층",
    "클라우드",
    "서버",
    "고객센터",
    "물류팀",
    "재무팀",
    "검토 단계",
    "학습 단계",
]


@dataclass
class Step:
    """A node of the sampled flow: label, plan type, group."""

    label: str
    type: str = "process"
    group: str = ""
    verb: str = ""  # what a step does, for telling it as a story ('validate' + 'order')
    obj: str = ""
    state: str = ""  # what a decision asks about its object ('valid')


@dataclass
class Graph:
    """The sampled flow: steps in the order a request mentions them, and labelled edges."""

    steps: list[Step] = field(default_factory=list)
    edges: list[tuple[int, int, str]] = field(default_factory=list)
    back: set[tuple[int, int]] = field(default_factory=set)  # edges that loop back

    def add(self, step: Step) -> int:
        """Append a step; its index."""
        self.steps.append(step)
        return len(self.steps) - 1

    def link(self, a: int, b: int, label: str = "") -> None:
        """An edge a -> b (no self-loops, no duplicates)."""
        if a != b and all((s, t) != (a, b) for s, t, _ in self.edges):
            self.edges.append((a, b, label))


class Namer:
    """Step names that never repeat within one flow."""

    def __init__(self, rng: random.Random, lang: str) -> None:
        self.rng, self.lang, self.used = rng, lang, set[str]()

    def _fresh(self, make: object) -> str:
        for _ in range(50):
            label = make()  # type: ignore[operator]
            if label.lower() not in self.used:
                self.used.add(label.lower())
                return str(label)
        raise RuntimeError("ran out of step names")

    def process(self) -> Step:
        """A step that does something ('validate order', '주문 검증')."""
        rng = self.rng
        parts: list[str] = []
        if self.lang == "ko":

            def make_ko() -> str:
                parts[:] = [rng.choice(KO_VERBS), rng.choice(KO_OBJECTS)]
                return f"{parts[1]} {parts[0]}"

            label = self._fresh(make_ko)
            return Step(label, verb=parts[0], obj=parts[1])
        if rng.random() < 0.15:
            return Step(self._fresh(lambda: rng.choice(ACTORS)))

        def make() -> str:
            parts[:] = [rng.choice(VERBS), rng.choice(OBJECTS)]
            label = " ".join(parts)
            return label[0].upper() + label[1:] if rng.random() < 0.5 else label

        label = self._fresh(make)
        return Step(label, verb=parts[0], obj=parts[1])

    def store(self) -> Step:
        """A database or store."""
        if self.lang == "ko":
            return Step(
                self._fresh(
                    lambda: self.rng.choice(["데이터베이스", "DB", "저장소", "캐시", "벡터 DB"])
                ),
                "db",
            )
        return Step(self._fresh(lambda: self.rng.choice(STORES)), "db")

    def question(self) -> Step:
        """A decision ('Payment successful?')."""
        rng = self.rng
        parts: list[str] = []
        if self.lang == "ko":

            def make_ko() -> str:
                parts[:] = [rng.choice(KO_OBJECTS), rng.choice(KO_STATES)]
                return f"{parts[0]} {parts[1]}?"

            label = self._fresh(make_ko)
            return Step(label, "decision", obj=parts[0], state=parts[1])
        forms = ["{O} {s}?", "Is the {o} {s}?", "{o} {s}?", "{S}?"]

        def make() -> str:
            form = rng.choice(forms)
            parts[:] = ["" if form == "{S}?" else rng.choice(OBJECTS), rng.choice(STATES)]
            o, st = parts
            return form.format(o=o, O=o.capitalize(), s=st, S=st.capitalize())

        label = self._fresh(make)
        return Step(label, "decision", obj=parts[0], state=parts[1])


def _sample_graph(rng: random.Random, namer: Namer, lang: str) -> tuple[Graph, list[str]]:
    """A chain with motifs spliced in; the motif names, for coverage statistics."""
    g, motifs = Graph(), []
    sources = rng.random() < 0.18
    if sources:  # parallel sources fanning into the first step
        ins = [
            g.add(namer.process() if rng.random() < 0.6 else namer.store())
            for _ in range(rng.choice([2, 2, 3]))
        ]
        first = g.add(namer.process())
        for i in ins:
            g.link(i, first)
        motifs.append("fan-in")
    else:
        first = g.add(namer.process())
    current = first
    length = rng.randint(2, 7)
    while len(g.steps) < length + (3 if sources else 1):
        r = rng.random()
        if r < 0.22 and "decision" not in motifs[-1:]:
            current = _decision(rng, g, namer, current, lang)
            motifs.append("decision")
            continue
        step = namer.store() if r < 0.3 else namer.process()
        nxt = g.add(step)
        label = ""
        if rng.random() < 0.12:
            label = rng.choice(KO_EDGE_LABELS if lang == "ko" else EDGE_LABELS)
            motifs.append("edge-label")
        g.link(current, nxt, label)
        current = nxt
    if rng.random() < 0.2 and len(g.steps) >= 3:  # a loop back from the last step
        target = rng.randrange(0, len(g.steps) - 1)
        if all(s != current or t != target for s, t, _ in g.edges):
            g.link(
                current,
                target,
                rng.choice(["", "", "retry", "again", "next batch"]) if lang == "en" else "",
            )
            g.back.add((current, target))
            motifs.append("loop")
    if rng.random() < 0.15 and len(g.steps) >= 4:
        _group(rng, g, lang)
        motifs.append("group")
    return g, motifs or ["chain"]


def _decision(rng: random.Random, g: Graph, namer: Namer, current: int, lang: str) -> int:
    """current -> question; the 'yes' branch goes on, the 'no' branch goes back, aside or out."""
    q = g.add(namer.question())
    g.link(current, q)
    yes, no = rng.choice(KO_YES_NO if lang == "ko" else YES_NO)
    on = g.add(namer.process())
    g.link(q, on, yes)
    r = rng.random()
    if r < 0.4 and current != q:  # back to the step before
        g.link(q, current, no)
        g.back.add((q, current))
    else:  # a side step that ends there or rejoins
        side = g.add(namer.process())
        g.link(q, side, no)
        if r < 0.65:
            g.link(side, on)
    return on


def _group(rng: random.Random, g: Graph, lang: str) -> None:
    start = rng.randrange(0, len(g.steps) - 2)
    size = rng.randint(2, min(4, len(g.steps) - start))
    name = rng.choice(KO_GROUP_NAMES if lang == "ko" else GROUP_NAMES)
    for i in range(start, start + size):
        g.steps[i].group = name


# ---------------------------------------------------------------- saying the graph
def _q(rng: random.Random, label: str, quote: bool) -> str:
    return f'"{label}"' if quote else label


def _say_edge(
    rng: random.Random, g: Graph, a: int, b: int, label: str, lang: str, quote: bool
) -> str:
    x, y = _q(rng, g.steps[a].label, quote), _q(rng, g.steps[b].label, quote)
    if lang == "ko":
        if (a, b) in g.back:
            return f"{x}에서 {y}(으)로 돌아감" + (f" ({label})" if label else "")
        if label:
            return rng.choice(
                [f"{x} -({label})-> {y}", f"{x}이(가) {y}에 {label}", f"{x} → {y} ({label})"]
            )
        return rng.choice([f"{x} 다음 {y}", f"{x} → {y}", f"{x} 후 {y}"])
    if (a, b) in g.back:
        text = rng.choice(
            [
                f"after {x}, go back to {y}",
                f"{x} loops back to {y}",
                f"from {x} return to {y}",
                f"{x} goes back to {y}",
            ]
        )
        return text + (f" ({label})" if label else "")
    if label:
        return rng.choice(
            [
                f"{x} {label} {y}" if " " in label else f"{x} -> {y} ({label})",
                f"{x} --{label}--> {y}",
                f"{x} → {y} [{label}]",
                f"{x} connects to {y} ({label})",
            ]
        )
    return rng.choice(
        [
            f"{x} goes to {y}",
            f"{x} feeds {y}",
            f"{x} then {y}",
            f"{x} -> {y}",
            f"{y} comes after {x}",
            f"{x} is followed by {y}",
        ]
    )


def _say_decision(rng: random.Random, g: Graph, q: int, lang: str, quote: bool) -> str:
    outs = [(b, label) for a, b, label in g.edges if a == q]
    name = _q(rng, g.steps[q].label, quote)
    if lang == "ko":
        joined = ", ".join(f"{label}이면 {_q(rng, g.steps[b].label, quote)}" for b, label in outs)
        return rng.choice([f"{name} 확인: {joined}", f"{name} ({joined})"])
    branches = [
        f"if {label}, {rng.choice(['go to ', 'then ', ''])}{_q(rng, g.steps[b].label, quote)}"
        for b, label in outs
    ]
    if rng.random() < 0.4:
        branches = [f"{label} → {_q(rng, g.steps[b].label, quote)}" for b, label in outs]
    return rng.choice(
        [f"check {name}: ", f"decision {name} - ", f"then ask {name} ", f"{name} "]
    ) + "; ".join(branches)


def _statements(rng: random.Random, g: Graph, lang: str, quote: bool) -> list[str]:
    """The graph as statements in order: chains of plain edges merged, decisions whole."""
    out, said = [], set[tuple[int, int]]()
    decisions = {i for i, s in enumerate(g.steps) if s.type == "decision"}
    ins: dict[int, list[int]] = {}
    for a, b, label in g.edges:
        if not label and (a, b) not in g.back:
            ins.setdefault(b, []).append(a)
    for b, sources in ins.items():  # fan-in said at once
        if len(sources) > 1 and rng.random() < 0.7:
            names = join_items(rng, [_q(rng, g.steps[a].label, quote) for a in sources], lang)
            target = _q(rng, g.steps[b].label, quote)
            if lang == "ko":
                out.append(rng.choice([f"{names} → {target}", f"{names} 모두 {target}(으)로"]))
            else:
                out.append(
                    rng.choice(
                        [
                            f"both {names} feed {target}",
                            f"{names} go into {target}",
                            f"{target} takes {names}",
                            f"{names} → {target}",
                        ]
                    )
                )
            said |= {(a, b) for a in sources}
    for a, b, label in g.edges:
        if (a, b) in said:
            continue
        if a in decisions:  # all its branches at once (none of them is said anywhere else)
            out.append(_say_decision(rng, g, a, lang, quote))
            said |= {(a, t) for s, t, _ in g.edges if s == a}
            continue
        chain = [a, b]
        said.add((a, b))
        while not label and (a, b) not in g.back and rng.random() < 0.8:
            nxt = [
                (t, lab)
                for s, t, lab in g.edges
                if s == chain[-1]
                and (s, t) not in said
                and not lab
                and (s, t) not in g.back
                and chain[-1] not in decisions
            ]
            if len(nxt) != 1 or len([1 for s, _, _ in g.edges if s == chain[-1]]) != 1:
                break
            chain.append(nxt[0][0])
            said.add((chain[-2], chain[-1]))
        if len(chain) > 2:
            arrow = (
                rng.choice(ARROWS)
                if lang == "ko" or rng.random() < 0.5
                else rng.choice([", then ", " then ", ", after that ", " → "])
            )
            out.append(arrow.join(_q(rng, g.steps[i].label, quote) for i in chain))
        else:
            out.append(_say_edge(rng, g, a, b, label, lang, quote))
    return out


def _groups_text(rng: random.Random, g: Graph, lang: str, quote: bool) -> str:
    groups: dict[str, list[str]] = {}
    for s in g.steps:
        if s.group:
            groups.setdefault(s.group, []).append(_q(rng, s.label, quote))
    parts = []
    for name, members in groups.items():
        joined = join_items(rng, members, lang)
        if lang == "ko":
            parts.append(rng.choice([f"{name}: {joined}", f"{name} 그룹에는 {joined}"]))
        else:
            parts.append(
                rng.choice(
                    [
                        f"the {name} has {joined}",
                        f"{name} group: {joined}",
                        f"put {joined} in a box called {name}",
                        f"{joined} belong to {name}",
                    ]
                )
            )
    return "; ".join(parts)


def _frame(rng: random.Random, g: Graph, lang: str) -> str:
    quote = rng.random() < 0.15
    statements = _statements(rng, g, lang, quote)
    groups = _groups_text(rng, g, lang, quote)
    what = rng.choice(["flowchart", "flow", "process", "pipeline", "workflow", "diagram"])
    r = rng.random()
    if r < 0.3:
        body = bullet_lines(rng, statements)
        if groups:
            body += "\n" + groups
        if lang == "ko":
            return (
                rng.choice(["다음 흐름도를 그려줘:\n", "플로우차트:\n", "순서도 그려주세요\n"])
                + body
            )
        return polite(rng, f"a {what}") + "\n" + body if rng.random() < 0.6 else f"{what}:\n{body}"
    sep = ". " if rng.random() < 0.6 else "; "
    body = sep.join(s[0].upper() + s[1:] if sep == ". " else s for s in statements)
    if groups:
        body += sep + groups
    if lang == "ko":
        return rng.choice(
            [f"{body} 흐름도를 그려줘", f"순서도: {body}", f"{body}. 플로우차트로 그려 주세요"]
        )
    return polite(rng, f"a {what}") + body + ("." if rng.random() < 0.5 else "")


def _story_frame(rng: random.Random, g: Graph, lang: str) -> str:
    """The flow told as a story, its groups said after it, in a frame."""
    body = tell_flow(rng, g, lang)
    groups = _groups_text(rng, g, lang, quote=False)
    if groups:
        body += " " + groups[0].upper() + groups[1:] + "."
    if lang == "ko":
        return rng.choice(["", "다음 과정을 순서도로 그려줘: ", "흐름도: "]) + body
    what = rng.choice(["flowchart", "flow", "process", "workflow", "diagram"])
    return polite(rng, f"a {what}") + body


def sample_flow_request(rng: random.Random) -> Example:
    """One flow request composed from parts, with its plan and the structure drawn from it;
    a graph our layout cannot draw cleanly (rare: a loop into a group) is drawn again, so
    every training answer is a clean drawing."""
    for _ in range(10):
        example, clean = _flow_example(rng)
        if clean:
            return example
    return example


def _flow_example(rng: random.Random) -> tuple[Example, bool]:
    lang = "ko" if rng.random() < 0.12 else "en"
    g, motifs = _sample_graph(rng, Namer(rng, lang), lang)
    if rng.random() < STORY_SHARE:
        plain_branch_labels(g, lang)
        request = _story_frame(rng, g, lang)
        motifs.append("story")
    else:
        request = _frame(rng, g, lang)
    wish, orientation = direction_wish(rng, lang)
    request = add_wish(rng, roughen(rng, request, lang), wish)
    style = random_style(rng, "flow")
    if orientation:
        style = replace(style, orientation=Orientation(orientation))
    ids = [chr(ord("a") + i) if i < 26 else f"n{i}" for i in range(len(g.steps))]
    plan = Plan(kind=Kind.FLOW, style=style)
    plan.nodes = [FlowNode(ids[i], s.label, s.type) for i, s in enumerate(g.steps)]
    plan.edges = [FlowEdge(ids[a], ids[b], None, label=label) for a, b, label in g.edges]
    names = list(dict.fromkeys(s.group for s in g.steps if s.group))
    plan.groups = [
        FlowGroup(n, [ids[i] for i, s in enumerate(g.steps) if s.group == n]) for n in names
    ]
    diagram = layout_plan(plan)
    measured = readability(diagram)
    clean = measured.clean and measured.edges_through_nodes == 0 and measured.score >= 3.5
    source = f"flow/{lang}+{'+'.join(sorted(set(motifs)))}"
    return make_example(request, plan, diagram.structure(), source), clean
