from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from diagramgen.personal.store import MIGRATIONS, Ranking, Store


def test_schema_is_versioned_and_reopens(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.sqlite3")
    assert store.schema_version == len(MIGRATIONS)
    again = Store(tmp_path / "r.sqlite3")  # migrating twice changes nothing
    assert again.schema_version == len(MIGRATIONS)
    mode = sqlite3.connect(tmp_path / "r.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_an_older_database_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 2")
    db.execute("INSERT INTO diagrams(request, text, created) VALUES ('old', 'nn', 0)")
    db.commit()
    db.close()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    old = store.diagram(1)
    assert old is not None and old.request == "old" and old.ranking is None
    made = Ranking(rank=2, recommended=True, scores={"readability": 4.5, "user": None})
    new = store.diagram(store.add_diagram("new", "nn", ranking=made))
    assert new is not None and new.ranking == made


def test_ratings_round_trip_with_latents_and_latest_wins(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.sqlite3")
    d = store.add_diagram("a net", "nn\ninput 2\nend\n", "x.png", np.arange(4, dtype=np.float32))
    store.rate("ana", d, 2)
    store.rate("ana", d, 4.5)
    store.rate("bo", d, 1)
    (rating,) = store.ratings("ana")
    assert (
        rating.score == 4.5 and rating.latent is not None and rating.latent.tolist() == [0, 1, 2, 3]
    )
    assert [r.score for r in store.ratings("bo")] == [1]  # users never see each other's ratings
    assert store.ratings("nobody") == []
    with pytest.raises(ValueError, match="between 0 and 5"):
        store.rate("ana", d, 6)
    with pytest.raises(KeyError):
        store.rate("ana", 999, 3)


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    store = Store(path)
    ids = [store.add_diagram("r", "t") for _ in range(5)]

    def writer(n: int) -> None:
        own = Store(path)  # each writer its own connection, as separate processes would
        for i in range(20):
            own.rate(f"user{n % 4}", ids[i % 5], (i % 6))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.count_ratings() == 8 * 20


def test_rate_and_import_commands(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from diagramgen.cli import app

    runner = CliRunner()
    db = str(tmp_path / "r.sqlite3")
    image = tmp_path / "candidate-1.png"
    image.write_bytes(b"\x89PNG")
    (tmp_path / "candidate-1.txt").write_text("nn\ninput 2\nend\n")
    result = runner.invoke(app, ["rate", str(image), "4", "--user", "ana", "--db", db])
    assert result.exit_code == 0, result.output
    assert Store(db).ratings("ana")[0].score == 4
    for score in (1, 5):
        (tmp_path / "seed" / str(score)).mkdir(parents=True)
        (tmp_path / "seed" / str(score) / f"d{score}.png").write_bytes(b"\x89PNG")
    result = runner.invoke(
        app, ["ratings", "import", str(tmp_path / "seed"), "--user", "bo", "--db", db]
    )
    assert result.exit_code == 0 and "imported 2 ratings" in result.stdout
    assert sorted(r.score for r in Store(db).ratings("bo")) == [1, 5]
    bad = runner.invoke(app, ["rate", "nope.png", "3", "--user", "ana", "--db", db])
    assert bad.exit_code == 2 and "neither a diagram id" in bad.stderr
    bad = runner.invoke(app, ["rate", str(image), "7", "--user", "ana", "--db", db])
    assert bad.exit_code == 2 and "between 0 and 5" in bad.stderr
