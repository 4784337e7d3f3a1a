from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from diagramgen.diagram import Diagram, Node
from diagramgen.formats.plan import parse_plan
from diagramgen.layout import layout_plan
from diagramgen.personal.autoencoder import encoder_id
from diagramgen.personal.knn import final_score, knn_score, user_scores
from diagramgen.personal.store import Store
from diagramgen.pipeline import Candidate, add_user_scores, rank_candidates
from diagramgen.render.raster import thumbnail


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
    for latent, score in ((np.eye(32)[0], 5), (-np.eye(32)[0], 1)):
        made = store.add_diagram(
            "r", "t", None, latent.astype(np.float32), latent_model=encoder_id()
        )
        store.rate("ana", made, score)
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
    from diagramgen.personal.autoencoder import load_encoder

    if load_encoder() is None:
        return  # no shipped encoder in this checkout: nothing to personalise with
    store = Store(tmp_path / "r.sqlite3")
    diagram = layout_plan(parse_plan("nn vertical palette=dark\ninput 3\ndense 4\noutput 2\nend\n"))
    from diagramgen.personal.autoencoder import encode

    latent = encode(thumbnail(diagram)[None])
    assert latent is not None
    store.rate("ana", store.add_diagram("r", "t", None, latent[0], latent_model=encoder_id()), 5)
    c = Candidate("t", diagram, {"readability": 5.0, "user": None, "final": 5.0})
    add_user_scores([c], "ana", store)
    assert c.scores["user"] is not None and c.scores["final"] == round(
        final_score(5.0, c.scores["user"]), 3
    )


def test_latents_of_an_older_encoder_are_re_encoded_or_left_out(tmp_path: Path) -> None:
    from diagramgen.personal.autoencoder import encode, load_encoder
    from diagramgen.render import save

    if load_encoder() is None:
        return
    store = Store(tmp_path / "r.sqlite3")
    diagram = layout_plan(parse_plan("nn vertical palette=dark\ninput 3\ndense 4\noutput 2\nend\n"))
    png = save(diagram, tmp_path / "liked.png")
    stale = np.ones(7, dtype=np.float32)  # another encoder's latent, not even the same size
    with_image = store.add_diagram("r", "t", str(png), stale, latent_model="ae-old")
    without_image = store.add_diagram("r", "t", None, stale, latent_model="ae-old")
    store.rate("ana", without_image, 0)
    assert user_scores(np.zeros((1, 32), dtype=np.float32), "ana", store) == [None]
    store.rate("ana", with_image, 5)
    latent = encode(thumbnail(diagram)[None])
    assert latent is not None
    assert user_scores(latent, "ana", store) == [pytest.approx(5.0)]
    (fresh,) = [r for r in store.ratings("ana") if r.diagram_id == with_image]
    assert fresh.latent_model == encoder_id() and fresh.latent is not None
    assert fresh.latent.shape == latent[0].shape


def test_scorer_training_smoke_run_saves_loadable_models(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    from diagramgen.data import make_sft_dataset
    from diagramgen.personal.autoencoder import LATENT_DIM, AutoEncoder
    from diagramgen.quality.readability_cnn import ReadabilityCNN
    from diagramgen.train.scorers import build_images, train_autoencoder, train_readability

    make_sft_dataset(tmp_path / "sft", 60)
    data = build_images(tmp_path / "sft", None, 48)
    assert data.images.shape == (48, 3, 64, 64) and data.large.shape == (48, 3, 128, 128)
    assert data.styles.min() >= 0 and len(set(data.style_names())) > 10  # restyled at random
    assert data.scores.min() < 4.0 < data.scores.max()  # clean and degraded images
    out = tmp_path / "weights"
    metrics = train_readability(data, folds=2, epochs=1, out=out)
    assert 0 <= metrics["mae"] <= 5 and metrics["held_out"] == 7
    cnn = ReadabilityCNN()
    cnn.load_state_dict(load_file(out / "readability-fold1.safetensors"))
    assert cnn.eval()(torch.from_numpy(data.large[:2])).shape == (2,)
    ae_metrics = train_autoencoder(data, epochs=1, out=out)
    assert ae_metrics["test_mse"] < 0.5
    encoder = AutoEncoder()
    encoder.load_state_dict(load_file(out / "autoencoder.safetensors"))  # no training-only heads
    assert encoder.eval().encode(torch.from_numpy(data.images[:3])).shape == (3, LATENT_DIM)


def test_shipped_cnn_tells_a_clean_diagram_from_a_cluttered_one(tmp_path: Path) -> None:
    import copy
    import random

    from diagramgen.quality.readability_image import image_readability, load_readability_layers
    from diagramgen.render import save
    from diagramgen.train.scorers import _cramp, _shuffle

    if not load_readability_layers():
        return
    from diagramgen.quality.metrics import readability

    clean = layout_plan(parse_plan("nn\ninput 4\ndense 6\ndense 10\noutput 1\nend\n"))
    cluttered = copy.deepcopy(clean)
    _shuffle(random.Random(10), cluttered, 0)
    _cramp(random.Random(11), cluttered, 0)  # overlapping neurons: the metric gives 2.1
    good = image_readability(save(clean, tmp_path / "clean.png"))
    bad = image_readability(save(cluttered, tmp_path / "cluttered.png"))
    assert good is not None and bad is not None and good > bad + 1.0
    for image_score, diagram in ((good, clean), (bad, cluttered)):
        assert abs(image_score - readability(diagram).score) < 1.0


def test_the_numpy_cnn_scores_as_the_torch_model_it_was_trained_as(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    from diagramgen.assets import WEIGHTS
    from diagramgen.quality.readability_cnn import ReadabilityCNN
    from diagramgen.quality.readability_image import load_readability_layers, predict_readability
    from diagramgen.render.raster import READABILITY_SIDE, thumbnail

    if not load_readability_layers():
        return
    models = []
    for path in sorted(WEIGHTS.glob("readability-fold*.safetensors")):
        models.append(ReadabilityCNN())
        models[-1].load_state_dict(load_file(path))
        models[-1].eval()
    diagram = layout_plan(parse_plan("nn\ninput 4\ndense 6\noutput 1\nend\n"))
    thumbs = [thumbnail(diagram, READABILITY_SIDE)]
    thumbs.append(np.random.default_rng(0).random((3, 128, 128), dtype=np.float32))
    images = np.stack(thumbs)
    with torch.inference_mode():
        x = torch.from_numpy(images)
        expected = torch.stack([torch.sigmoid(m(x)) for m in models]).mean(0).numpy() * 5
    assert np.allclose(predict_readability(images), expected, atol=1e-4)
