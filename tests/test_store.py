from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
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
        (tmp_path / "seed" / str(score) / f"d{score}.png").write_bytes(b"\x89PNG%d" % score)
    result = runner.invoke(
        app, ["ratings", "import", str(tmp_path / "seed"), "--user", "bo", "--db", db]
    )
    assert result.exit_code == 0 and "imported 2 ratings" in result.stdout
    assert sorted(r.score for r in Store(db).ratings("bo")) == [1, 5]
    bad = runner.invoke(app, ["rate", "nope.png", "3", "--user", "ana", "--db", db])
    assert bad.exit_code == 2 and "neither a diagram id" in bad.stderr
    bad = runner.invoke(app, ["rate", str(image), "7", "--user", "ana", "--db", db])
    assert bad.exit_code == 2 and "between 0 and 5" in bad.stderr


def _rated_images(folder: Path, count: int) -> Path:
    """`count` distinct small PNGs spread over folder/0 .. folder/5."""
    from PIL import Image

    for i in range(count):
        sub = folder / str(i % 6)
        sub.mkdir(parents=True, exist_ok=True)
        image = Image.new("RGB", (48, 32), (i * 7 % 256, i * 13 % 256, i * 29 % 256))
        image.putpixel((i % 48, i // 48), (0, 0, 0))
        image.save(sub / f"img{i}.png")
    return folder


def _import(folder: Path, db: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "diagramgen", "ratings", "import", str(folder)]
    return subprocess.Popen(
        [*command, "--user", "ana", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )


def _consistent(db: Path) -> tuple[int, int]:
    """Check the database as SQLite's crash tests do; returns ana's (diagrams, ratings)."""
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = con.execute(
            "SELECT COUNT(*) FROM diagrams d WHERE d.image_hash IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM ratings r WHERE r.diagram_id = d.id AND r.user_id = d.owner_id)"
        ).fetchone()[0]
        assert orphans == 0
        diagrams = con.execute("SELECT COUNT(*) FROM diagrams").fetchone()[0]
        ratings = con.execute("SELECT COUNT(*) FROM ratings").fetchone()[0]
    assert ratings == diagrams  # one rating per image, never two
    return diagrams, ratings


def test_imports_are_idempotent_and_concurrent_imports_add_each_image_once(
    tmp_path: Path,
) -> None:
    from diagramgen.personal.ratings import import_rating_folders

    folder = _rated_images(tmp_path / "rated", 24)
    db = tmp_path / "r.sqlite3"
    runs = [_import(folder, db) for _ in range(3)]
    assert [run.wait(120) for run in runs] == [0, 0, 0]
    assert _consistent(db) == (24, 24)
    again = import_rating_folders(Store(db), folder, "ana")
    assert (again.images, again.added) == (24, 0)
    (folder / "0" / "img0.png").rename(folder / "5" / "img0.png")  # re-rated: one new rating
    assert import_rating_folders(Store(db), folder, "ana").added == 1
    assert {r.score for r in Store(db).ratings("ana") if r.image_path.endswith("img0.png")} == {5.0}


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=30) as con:
        try:
            return int(con.execute("SELECT COUNT(*) FROM ratings").fetchone()[0])
        except sqlite3.OperationalError:  # not created yet
            return 0


def test_killing_an_import_at_random_moments_never_corrupts_the_store(tmp_path: Path) -> None:
    """SQLite-crash-test style: 20 imports killed at a random moment while they write, each
    leaving a database that passes integrity_check with no orphan and no duplicate."""
    folder = _rated_images(tmp_path / "rated", 120)
    db, rng, kills, partial = tmp_path / "r.sqlite3", random.Random(0), 0, 0
    for _ in range(20):
        before = _count(db)
        # The moment is a random number of rows into what is left, not a random delay: a
        # delay let fast imports finish before it ran out, so too few were killed.
        target = before + rng.randint(1, max(1, (120 - before) // 4))
        run = _import(folder, db)
        while run.poll() is None and _count(db) < target:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.005))
        if run.poll() is None:
            run.send_signal(signal.SIGKILL)
            kills += 1
        run.wait(30)
        diagrams, _ = _consistent(db)
        assert diagrams >= before
        partial += 0 < diagrams < 120
    assert kills >= 10 and partial >= 5  # most kills landed while it was writing
    assert _import(folder, db).wait(120) == 0
    assert _consistent(db) == (120, 120)
