"""Personalisation: a simulated user who likes one style rates 20 diagrams; on 30 new requests,
how often is the top recommendation in that style — with the k-NN user score vs without?

Three simulated users, each liking a different style. Candidates are the correct plan of each
request drawn in 5 styles (one of them the preferred one), standing in for the model's sampled
variety. Also: scoring cost per candidate.

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

from diagramgen.diagram import Orientation, Shape
from diagramgen.formats.plan import Plan, Style, parse_plan
from diagramgen.formats.plan_writer import plan_to_text
from diagramgen.jsonl import read_jsonl
from diagramgen.layout import layout_plan
from diagramgen.personal.autoencoder import encode, encoder_id
from diagramgen.personal.store import Store
from diagramgen.pipeline import Candidate, add_user_scores, rank_candidates
from diagramgen.quality.metrics import readability
from diagramgen.render.raster import thumbnail
from diagramgen.train.scorers import random_style

USERS = {  # what each simulated user likes
    "vertical, dark palette, circles": Style(Orientation.VERTICAL, "dark", Shape.CIRCLE),
    "horizontal, warm palette, rectangles": Style(Orientation.HORIZONTAL, "warm", Shape.RECTANGLE),
    "vertical, green palette, rounded boxes": Style(
        Orientation.VERTICAL, "green", Shape.ROUND_RECTANGLE
    ),
}


def user_rating(style: Style, liked: Style) -> float:
    """5 for the liked style, 1 for none of it, 1 + 4/3 per matching feature in between."""
    matches = (
        (style.orientation == liked.orientation)
        + (style.palette == liked.palette)
        + (style.shape == liked.shape)
    )
    return 1.0 + 4.0 * matches / 3


def restyled(plan: Plan, style: Style) -> Plan:
    return replace(plan, style=style)


def candidates_for(plan: Plan, liked: Style, rng: random.Random) -> list[Candidate]:
    styles = [liked] + [random_style(rng) for _ in range(4)]
    rng.shuffle(styles)
    out = []
    for style in styles:
        diagram = layout_plan(restyled(plan, style))
        score = readability(diagram).score
        text = plan_to_text(restyled(plan, style))
        out.append(Candidate(text, diagram, {"readability": score, "user": None, "final": score}))
    return out


def header(text: str) -> str:
    return text.split("\n", 1)[0]


def simulate(
    liked: Style, plans: list[Plan], rng: random.Random, store: Store, user: str
) -> tuple[int, int, list[float]]:
    """The user rates 20 diagrams (about 30 % in their style); then 30 new requests are ranked
    with and without their ratings. Returns (hits without, hits with, seconds per candidate)."""
    for plan in plans[:20]:
        style = liked if rng.random() < 0.3 else random_style(rng)
        diagram = layout_plan(restyled(plan, style))
        latent = encode(thumbnail(diagram)[None])
        assert latent is not None, "no shipped auto-encoder: run 'diagramgen train autoencoder'"
        made = store.add_diagram(
            "bench", plan_to_text(plan), None, latent[0], latent_model=encoder_id()
        )
        store.rate(user, made, user_rating(style, liked))
    hits_with, hits_without, costs = 0, 0, []
    for plan in plans[20:50]:
        wanted = header(plan_to_text(restyled(plan, liked)))
        plain = rank_candidates(candidates_for(plan, liked, random.Random(rng.random())), 1)
        hits_without += header(plain[0].text) == wanted
        personal = candidates_for(plan, liked, random.Random(rng.random()))
        started = time.perf_counter()
        add_user_scores(personal, user, store)
        costs.append((time.perf_counter() - started) / len(personal))
        hits_with += header(rank_candidates(personal, 1)[0].text) == wanted
    return hits_without, hits_with, costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--val", type=Path, default=Path("data/sft/val.jsonl"))
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    plans = [parse_plan(r["answer"]) for r in read_jsonl(args.val)]
    lines, total_with, total_without, costs = [], 0, 0, []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "ratings.sqlite3")
        for n, (name, liked) in enumerate(USERS.items()):
            rng = random.Random(n)
            shuffled = plans[:]
            rng.shuffle(shuffled)
            without, with_, cost = simulate(liked, shuffled, rng, store, f"user{n}")
            total_with, total_without, costs = (
                total_with + with_,
                total_without + without,
                costs + cost,
            )
            lines.append(
                f"| {name} | {without}/30 ({100 * without / 30:.0f}%) | **{with_}/30 ({100 * with_ / 30:.0f}%)** |"
            )
    runs = 30 * len(USERS)
    lines.append(
        f"| all | {total_without}/{runs} ({100 * total_without / runs:.0f}%) "
        f"| **{total_with}/{runs} ({100 * total_with / runs:.0f}%)** |"
    )
    body = (
        f"{len(USERS)} simulated users, each liking one style (rating 5; 1 + 4/3 per matching "
        "feature otherwise), rate 20 diagrams each. Then 30 new requests per user, 5 candidates "
        "each (one in the liked style, four in random styles).\n\n"
        "| simulated user likes | top recommendation in the liked style: readability only "
        "| 0.5 readability + 0.5 k-NN user score |\n|---|---|---|\n"
        + "\n".join(lines)
        + "\n\nScoring cost per candidate (thumbnail + encoder + k-NN, CPU): median "
        f"{1000 * statistics.median(costs):.1f} ms (target < 30 ms)."
    )
    print(body)
    if args.write_docs:
        write_section("bench_personalization", body)


if __name__ == "__main__":
    main()
