"""Evaluation: run generation over requests with a known structure and measure the answers.

Rows carry the wanted structure either in our schema (`structure`, as in our datasets) or in
the seed's (`intended`). Per request the top-ranked candidate is judged:
- nets (nn, cnn): exact structure = every layer's type and size, in order;
- flows: with labelled ground truth, exact labels and edges; with the seed's unlabelled
  ground truth, the node and edge counts, and whether every label is taken from the request.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from diagramgen.diagram import Diagram, Structure, net_structure
from diagramgen.errors import DiagramTextError
from diagramgen.formats.nodelist import node_list_to_diagram
from diagramgen.llm import Backend, Sampling
from diagramgen.pipeline import NOT_FAILURES, Candidate, rank_candidates, sample_candidates
from diagramgen.quality.match import compare_structures
from diagramgen.quality.metrics import readability
from diagramgen.request import read_request
from diagramgen.request.reading import share_from_request
from diagramgen.seedbench.intended import intended_to_structure
from diagramgen.seedbench.vocabulary import SEED_FLOW_TERMS
from diagramgen.vocabulary import normalize_label


def mentioned_terms(request: str) -> list[str]:
    """The seed vocabulary terms a request mentions, longest match first, each span once."""
    text = f" {normalize_label(request)} "
    found = []
    for term in SEED_FLOW_TERMS:
        key = f" {normalize_label(term)} "
        if key in text:
            found.append(normalize_label(term))
            text = text.replace(key, " | ")
    return found


@dataclass
class RowResult:
    """The evaluation of one benchmark request."""

    kind: str
    samples: int
    valid: int
    exact: bool | None  # None: not measurable (the seed's CNN blocks carry no sizes)
    counts_match: bool  # flows: node and edge counts as wanted
    labels_from_request: float  # flows: share of labels found in the request
    terms_recall: float  # seed flows: share of the things the request names that are labels
    readability: float
    clean: bool
    seconds: float
    tokens: float
    drop_reasons: list[str] = field(default_factory=list)  # samples that failed, and why


def reason_kind(reason: str) -> str:
    """A drop reason without its line number and values, so that alike ones count together."""
    return re.sub(r"\d+", "N", re.sub(r"^line \d+: ", "", reason))


@dataclass
class Report:
    """The results of an evaluation run, one row per request."""

    rows: list[RowResult] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Rates and means over the rows: parsing, exact matches, flows, latency, drop reasons."""

        def by(kind: str | None) -> list[RowResult]:
            return [r for r in self.rows if kind is None or r.kind == kind]

        out: dict[str, Any] = {"requests": len(self.rows)}
        total = sum(r.samples for r in self.rows)
        out["parse_rate"] = sum(r.valid for r in self.rows) / total if total else 0.0
        out["answered"] = sum(r.valid > 0 for r in self.rows) / max(1, len(self.rows))
        for kind in ("nn", "cnn", "flow"):
            rows = [r for r in by(kind) if r.exact is not None]
            if rows:
                out[f"exact_{kind}"] = sum(bool(r.exact) for r in rows) / len(rows)
        nets = [r for r in self.rows if r.kind in ("nn", "cnn") and r.exact is not None]
        if nets:
            out["exact_nets"] = sum(bool(r.exact) for r in nets) / len(nets)
        flows = by("flow")
        if flows:
            out["flow_counts_match"] = sum(r.counts_match for r in flows) / len(flows)
            out["flow_labels_from_request"] = statistics.mean(r.labels_from_request for r in flows)
            out["flow_terms_recall"] = statistics.mean(r.terms_recall for r in flows)
        answered = [r for r in self.rows if r.valid]
        if answered:
            out["readability"] = statistics.mean(r.readability for r in answered)
            out["clean"] = sum(r.clean for r in answered) / len(self.rows)
            out["tokens_per_answer"] = statistics.median(r.tokens for r in answered)
        seconds = sorted(r.seconds for r in self.rows if r.seconds == r.seconds)  # drop NaN
        if seconds:
            out["latency_median_s"] = statistics.median(seconds)
            out["latency_p95_s"] = seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))]
        reasons = Counter(reason_kind(r) for row in self.rows for r in row.drop_reasons)
        if reasons:
            out["drop_reasons"] = dict(reasons.most_common(5))
        return out


def gold_structure(row: dict[str, Any]) -> tuple[Structure, bool]:
    """(wanted structure, whether its flow labels are real labels)."""
    if "structure" in row:
        return row["structure"], True
    return intended_to_structure(row["intended"]), False


def judge(request: str, diagram: Diagram | None, gold: Structure, labelled: bool) -> dict[str, Any]:
    """Judge one request's top diagram against the wanted structure (all failing without one)."""
    if diagram is None:
        return {
            "exact": None if gold["kind"] == "flow" and not labelled else False,
            "counts_match": False,
            "labels_from_request": 0.0,
            "terms_recall": 0.0,
            "readability": 0.0,
            "clean": False,
        }
    pred = diagram.structure()
    r = readability(diagram)
    labels = [n["label"] for n in pred["nodes"] if n["label"]]
    from_request = share_from_request(labels, request)
    counts = len(pred["nodes"]) == len(gold["nodes"]) and len(pred["edges"]) == len(gold["edges"])
    if gold["kind"] == "flow" and not labelled:
        exact = None  # the seed's flowcharts have no labels to match exactly
    else:
        exact = compare_structures(pred, gold).exact
    terms = mentioned_terms(request) if gold["kind"] == "flow" else []
    have = {normalize_label(label) for label in labels}
    recall = sum(t in have for t in terms) / len(terms) if terms else 1.0
    return {
        "exact": exact,
        "counts_match": counts,
        "labels_from_request": from_request,
        "terms_recall": recall,
        "readability": r.score,
        "clean": r.clean,
    }


def run_evaluation(
    rows: list[dict[str, Any]],
    backend: Backend,
    sampling: Sampling,
    count_tokens: Callable[[list[str]], list[int]],
    progress: Callable[[], None] | None = None,
    by_request: bool = True,
) -> Report:
    """Sample candidates for each row, rank them (by fidelity to the request, or with
    `by_request` off by readability alone) and judge the top one."""
    report = Report()
    for row in rows:
        gold, labelled = gold_structure(row)
        started = time.perf_counter()
        spec = read_request(row["request"])
        candidates, dropped = sample_candidates(backend, spec, sampling, lambda _: None)
        seconds = time.perf_counter() - started
        ranked: list[Candidate] = rank_candidates(candidates, 1)
        if not by_request:
            ranked.sort(key=lambda c: (-(c.scores["readability"] or 0.0), c.text))
        top = ranked[0].diagram if ranked else None
        texts = [c.text for c in ranked] + [d["text"] for d in dropped]
        tokens = statistics.mean(count_tokens(texts)) if texts else 0.0
        samples = len(ranked) + sum(d["reason"] not in NOT_FAILURES for d in dropped)
        report.rows.append(
            RowResult(
                kind=gold["kind"],
                samples=samples,
                valid=len(ranked),
                seconds=seconds,
                tokens=tokens,
                drop_reasons=[d["reason"] for d in dropped if d["reason"] not in NOT_FAILURES],
                **judge(row["request"], top, gold, labelled),
            )
        )
        if progress:
            progress()
    return report


def seed_net_structure(diagram: Diagram, kind: str) -> Structure:
    """Read the seed's node-list dense nets back as layers: each layer is one row (same y)."""
    rows: dict[int, int] = {}
    for node in diagram.nodes:
        rows[round(node.y)] = rows.get(round(node.y), 0) + 1
    sizes = [rows[k] for k in sorted(rows)]
    types = ["input", *["dense"] * (len(sizes) - 2), "output"] if len(sizes) > 1 else ["output"]
    return net_structure(kind, zip(types[: len(sizes)], sizes, strict=True))


def evaluate_seed_outputs(
    rows: list[dict[str, Any]], count_tokens: Callable[[list[str]], list[int]]
) -> Report:
    """The seed system's recorded answers, judged by the same code (its latency is not ours to
    measure: its report says over 3 minutes per diagram on a 12 GB GPU)."""
    report = Report()
    for row in rows:
        gold, labelled = gold_structure(row)
        text = row["seed_system_output"]
        try:
            diagram: Diagram | None = node_list_to_diagram(text)[0]
        except DiagramTextError:
            diagram = None
        verdict = judge(row["request"], diagram, gold, labelled)
        if gold["kind"] == "cnn":
            verdict["exact"] = None
        elif diagram is not None and gold["kind"] == "nn":
            verdict["exact"] = compare_structures(seed_net_structure(diagram, "nn"), gold).exact
        report.rows.append(
            RowResult(
                kind=gold["kind"],
                samples=1,
                valid=int(diagram is not None),
                seconds=float("nan"),
                tokens=float(count_tokens([text])[0]),
                **verdict,
            )
        )
    return report


def _cell(value: object) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def summary_rows(results: dict[str, dict[str, Any]]) -> list[list[str]]:
    """Summaries of several systems side by side: one row per metric, one column per system,
    numbers to 3 decimals and '-' where a system has no value."""
    keys = sorted({k for summary in results.values() for k in summary if k != "drop_reasons"})
    rows = []
    for key in keys:
        cells = [summary.get(key) for summary in results.values()]
        shown = [
            "-" if c is None else f"{c:.3f}" if isinstance(c, float) else str(c) for c in cells
        ]
        rows.append([key, *shown])
    return rows


def drop_lines(results: dict[str, dict[str, Any]]) -> list[str]:
    """One line per system and kind of dropped sample: how many, and why."""
    return [
        f"{name}: {times} samples dropped: {reason}"
        for name, summary in results.items()
        for reason, times in summary.get("drop_reasons", {}).items()
    ]
