from __future__ import annotations

from pathlib import Path

import numpy as np

from diagramgen.diagram import Diagram, Node
from diagramgen.generate import Candidate, add_user_scores, rank_candidates
from diagramgen.layout import layout_plan
from diagramgen.plan import parse_plan
from diagramgen.scoring import final_score, knn_score, thumbnail, user_scores
from diagramgen.store import Store


def test_knn_scores_a_diagram_near_high_rated_ones_higher() -> None:
    rng = np.random.default_rng(0)
    liked = rng.normal(loc=3.0, scale=0.3, size=(6, 8))
    disliked = rng.normal(loc=-3.0, scale=0.3, size=(6, 8))
    rated = np.vstack([liked, disliked]).astype(np.float32)
    scores = np.array([5.0] * 6 + [0.5] * 6, dtype=np.float32)
    near_liked = knn_score(np.full(8, 2.9, dtype=np.float32), rated, scores)
    near_disliked = knn_score(np.full(8, -2.9, dtype=np.float32), rated, scores)
    assert near_liked > 4.5 > 1.0 > near_disliked


def test_cold_start_gives_no_invented_numbers(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.sqlite3")
    latents = np.zeros((3, 32), dtype=np.float32)
    assert user_scores(latents, "new user", store) == [None, None, None]
    assert final_score(4.0, None) == 4.0


def test_ranking_follows_the_formula(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.sqlite3")
    # Two rated diagrams: the user loves latent (1, 0, ...) and dislikes (-1, 0, ...).
    store.rate("ana", store.add_diagram("r", "t", "a.png", np.eye(32, dtype=np.float32)[0]), 5)
    store.rate("ana", store.add_diagram("r", "t", "b.png", -np.eye(32, dtype=np.float32)[0]), 1)
    scores = user_scores(np.stack([np.eye(32)[0], -np.eye(32)[0]]).astype(np.float32), "ana", store)
    assert scores[0] > 4.5 and scores[1] < 1.5
    blank = Diagram(nodes=[Node("a", 100, 100, 50, 50, label="a")])
    candidates = [
        Candidate("x", blank, {"readability": 5.0, "user": 1.0, "final": final_score(5.0, 1.0)}),
        Candidate("y", blank, {"readability": 4.0, "user": 5.0, "final": final_score(4.0, 5.0)}),
        Candidate("z", blank, {"readability": 4.0, "user": 5.0, "final": final_score(4.0, 5.0)}),
    ]
    ranked = rank_candidates(candidates, 2)
    assert [c.text for c in ranked] == ["y", "z", "x"]  # 4.5, 4.5 (tie: by text), 3.0
    assert [c.recommended for c in ranked] == [True, True, False]


def test_thumbnails_are_small_normalised_images() -> None:
    image = thumbnail(layout_plan(parse_plan("nn\ninput 3\ndense 4\noutput 2\nend\n")))
    assert image.shape == (3, 64, 64) and image.dtype == np.float32
    assert 0.0 <= image.min() < 0.5 < image.max() <= 1.0


def test_user_scores_enter_generation_when_the_user_has_ratings(tmp_path: Path) -> None:
    from diagramgen.scoring import load_scorers

    if load_scorers().encoder is None:
        return  # no shipped encoder in this checkout: nothing to personalise with
    store = Store(tmp_path / "r.sqlite3")
    diagram = layout_plan(parse_plan("nn vertical palette=dark\ninput 3\ndense 4\noutput 2\nend\n"))
    from diagramgen.scoring import encode

    latent = encode(thumbnail(diagram)[None])
    assert latent is not None
    store.rate("ana", store.add_diagram("r", "t", "a.png", latent[0]), 5)
    c = Candidate("t", diagram, {"readability": 5.0, "user": None, "final": 5.0})
    add_user_scores([c], "ana", store)
    assert c.scores["user"] is not None and c.scores["final"] == round(
        final_score(5.0, c.scores["user"]), 3
    )
