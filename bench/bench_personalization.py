"""Personalisation: a simulated user who likes one style rates 20 diagrams; on 30 new requests,
how often is the top recommendation in that style — with the k-NN user score vs without?

Candidates are the correct plan of each request drawn in 5 styles (one of them the preferred
one), standing in for the model's sampled variety. Also: scoring cost per candidate.

    .venv/bin/python bench/bench_personalization.py [--write-docs]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from common import write_section

from diagramgen.data import read_jsonl
from diagramgen.diagram import Orientation, Shape
from diagramgen.generate import Candidate, add_user_scores, rank_candidates
from diagramgen.layout import layout_plan
from diagramgen.metrics import readability
from diagramgen.plan import Plan, Style, parse_plan, plan_to_text
from diagramgen.scoring import encode, thumbnail
from diagramgen.store import Store
from diagramgen.style import PALETTES

LIKED = Style(Orientation.VERTICAL, "dark", Shape.CIRCLE)


def liked_features(style: Style) -> int:
    return (
        (style.orientation == LIKED.orientation)
        + (style.palette == LIKED.palette)
        + (style.shape == LIKED.shape)
    )


def user_rating(style: Style) -> float:
    return 1.0 + 4.0 * liked_features(style) / 3  # 5 for the liked style, 1 for none of it


def random_style(rng: random.Random) -> Style:
    return Style(rng.choice(list(Orientation)), rng.choice(list(PALETTES)), rng.choice(list(Shape)))


def restyled(plan: Plan, style: Style) -> Plan:
    return replace(plan, style=style)


def candidates_for(plan: Plan, rng: random.Random) -> list[Candidate]:
    styles = [LIKED] + [random_style(rng) for _ in range(4)]
    rng.shuffle(styles)
    out = []
    for style in styles:
        p = restyled(plan, style)
        diagram = layout_plan(p)
        score = readability(diagram).score
        out.append(
            Candidate(
                plan_to_text(p), diagram, {"readability": score, "user": None, "final": score}
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--val", type=Path, default=Path("data/sft/val.jsonl"))
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    rng = random.Random(0)
    plans = [parse_plan(r["answer"]) for r in read_jsonl(args.val)]
    rng.shuffle(plans)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "ratings.sqlite3")
        for plan in plans[:20]:  # the user rates 20 diagrams
            style = LIKED if rng.random() < 0.3 else random_style(rng)
            diagram = layout_plan(restyled(plan, style))
            latent = encode(thumbnail(diagram)[None])
            assert latent is not None, "no shipped auto-encoder: run 'diagramgen train autoencoder'"
            store.rate(
                "sim",
                store.add_diagram("bench", plan_to_text(plan), None, latent[0]),
                user_rating(style),
            )
        hits_with, hits_without, costs = 0, 0, []
        for plan in plans[20:50]:
            plain = rank_candidates(candidates_for(plan, random.Random(rng.random())), 1)
            hits_without += (
                plain[0].text.split("\n", 1)[0]
                == plan_to_text(restyled(plan, LIKED)).split("\n", 1)[0]
            )
            personal = candidates_for(plan, random.Random(rng.random()))
            started = time.perf_counter()
            add_user_scores(personal, "sim", store)
            costs.append((time.perf_counter() - started) / len(personal))
            top = rank_candidates(personal, 1)[0]
            hits_with += (
                top.text.split("\n", 1)[0] == plan_to_text(restyled(plan, LIKED)).split("\n", 1)[0]
            )
    body = (
        "Simulated user: likes vertical, dark palette, circles (rating 5), 1 + 4/3 per matching "
        "feature otherwise; rates 20 diagrams. 30 new requests, 5 candidates each (one in the "
        "liked style).\n\n"
        "| ranking | top recommendation in the liked style |\n|---|---|\n"
        f"| readability only (no personalisation) | {hits_without}/30 ({100 * hits_without / 30:.0f}%) |\n"
        f"| 0.5 readability + 0.5 k-NN user score | **{hits_with}/30 ({100 * hits_with / 30:.0f}%)** |\n\n"
        f"Scoring cost per candidate (thumbnail + encoder + k-NN, CPU): median "
        f"{1000 * statistics.median(costs):.1f} ms (target < 30 ms)."
    )
    print(body)
    if args.write_docs:
        write_section("bench_personalization", body)


if __name__ == "__main__":
    main()
