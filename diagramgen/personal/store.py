"""The ratings store: users, diagrams and their 0-5 ratings in SQLite (WAL, safe for several
writers), with a schema version and forward-only migrations.

Plain values in and out; the ranking stage reads ratings and latents from here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from diagramgen.errors import InputFileError

MIGRATIONS = [
    # 1: the first schema
    """
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE diagrams (
        id INTEGER PRIMARY KEY,
        request TEXT NOT NULL,
        text TEXT NOT NULL,
        image_path TEXT,
        latent BLOB,
        created REAL NOT NULL
    );
    CREATE TABLE ratings (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        diagram_id INTEGER NOT NULL REFERENCES diagrams(id),
        score REAL NOT NULL CHECK (score >= 0 AND score <= 5),
        created REAL NOT NULL
    );
    CREATE INDEX ratings_by_user ON ratings(user_id, diagram_id);
    """,
    # 2: diagrams made for a user (the web app shows each user only their own)
    """
    ALTER TABLE diagrams ADD COLUMN owner_id INTEGER REFERENCES users(id);
    CREATE INDEX diagrams_by_owner ON diagrams(owner_id, created);
    """,
    # 3: which encoder made each latent (a retrained encoder makes old latents meaningless), and
    # the rank and scores a generated diagram got when it was made
    """
    ALTER TABLE diagrams ADD COLUMN latent_model TEXT;
    ALTER TABLE diagrams ADD COLUMN ranking TEXT;
    """,
    # 4: an image a user rated is one diagram of theirs, however often or concurrently its
    # folder is imported (keyed by the image's content, not its path)
    """
    ALTER TABLE diagrams ADD COLUMN image_hash TEXT;
    CREATE UNIQUE INDEX diagrams_by_owner_image ON diagrams(owner_id, image_hash);
    """,
]


def default_path() -> Path:
    """$DIAGRAMGEN_DB, else diagramgen.sqlite3 in the user's data directory."""
    if env := os.environ.get("DIAGRAMGEN_DB"):
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "diagramgen" / "diagramgen.sqlite3"


@dataclass(frozen=True)
class Ranking:
    """Where a generated diagram stood among its request's candidates."""

    rank: int
    recommended: bool
    scores: dict[str, float | None]
    parts: dict[str, float] = field(default_factory=dict)  # what each readability part cost
    fidelity: dict[str, float] = field(default_factory=dict)  # agreement with the request


@dataclass(frozen=True)
class StoredDiagram:
    """A stored diagram: its id, request, text, owner, creation time and ranking."""

    id: int
    request: str
    text: str
    owner: str | None
    created: float
    ranking: Ranking | None = None


@dataclass(frozen=True)
class Rating:
    """A user's latest score for a diagram, with the diagram's latent and image path."""

    diagram_id: int
    score: float
    latent: np.ndarray | None
    latent_model: str | None = None  # the encoder that made the latent
    image_path: str | None = None


def _stored(row: tuple[Any, ...]) -> StoredDiagram:
    diagram_id, request, text, owner, created, ranking = row
    return StoredDiagram(diagram_id, request, text, owner, created, _ranking(ranking))


@dataclass(frozen=True)
class ImageRecord:
    """An image file a user rates: its path, content hash, the text beside it and its latent."""

    path: str
    hash: str
    text: str = ""
    latent: np.ndarray | None = None
    latent_model: str | None = None


def _user_id(db: sqlite3.Connection, name: str) -> int:
    name = name.strip()
    if not name or len(name) > 64:
        raise ValueError("a user name is 1 to 64 characters")
    db.execute("INSERT OR IGNORE INTO users(name) VALUES (?)", (name,))
    return int(db.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()[0])


def _check_score(score: float) -> None:
    if not 0 <= score <= 5:  # NaN fails too
        raise ValueError(f"a rating is between 0 and 5, got {score}")


def _ranking(blob: str | None) -> Ranking | None:
    return None if blob is None else Ranking(**json.loads(blob))


class Store:
    """The SQLite store of users, diagrams and ratings (its schema migrated on open)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                self._migrate(db)
        except (OSError, sqlite3.DatabaseError) as exc:
            raise InputFileError(f"{self.path}: not a usable ratings database ({exc})") from None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA foreign_keys=ON")
            yield db
        finally:
            db.close()

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")  # one migrator at a time
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        """The database's schema version (its SQLite user_version)."""
        with self._connect() as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])

    def user_id(self, name: str) -> int:
        """The id of the user with this name, added if new (a name is 1 to 64 characters)."""
        with self._connect() as db:
            return _user_id(db, name)

    def add_diagram(
        self,
        request: str,
        text: str,
        image_path: str | None = None,
        latent: np.ndarray | None = None,
        owner: str | None = None,
        latent_model: str | None = None,
        ranking: Ranking | None = None,
    ) -> int:
        """Store a diagram and return its id."""
        blob = None if latent is None else np.asarray(latent, dtype=np.float32).tobytes()
        owner_id = self.user_id(owner) if owner is not None else None
        made = None if ranking is None else json.dumps(asdict(ranking))
        with self._connect() as db:
            cur = db.execute(
                "INSERT INTO diagrams(request, text, image_path, latent, created, owner_id, "
                "latent_model, ranking) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (request, text, image_path, blob, time.time(), owner_id, latent_model, made),
            )
            return int(cur.lastrowid or 0)

    def set_latent(self, diagram_id: int, latent: np.ndarray, latent_model: str) -> None:
        """Replace a diagram's latent (re-encoded by a newer encoder)."""
        blob = np.asarray(latent, dtype=np.float32).tobytes()
        with self._connect() as db:
            db.execute(
                "UPDATE diagrams SET latent = ?, latent_model = ? WHERE id = ?",
                (blob, latent_model, diagram_id),
            )

    def set_image(self, diagram_id: int, image_path: str) -> None:
        """Record where a diagram's image is."""
        with self._connect() as db:
            db.execute("UPDATE diagrams SET image_path = ? WHERE id = ?", (image_path, diagram_id))

    _SELECT = (
        "SELECT d.id, d.request, d.text, u.name, d.created, d.ranking FROM diagrams d "
        "LEFT JOIN users u ON u.id = d.owner_id"
    )

    def diagram(self, diagram_id: int) -> StoredDiagram | None:
        """The diagram with this id, or None."""
        with self._connect() as db:
            row = db.execute(f"{self._SELECT} WHERE d.id = ?", (diagram_id,)).fetchone()
        return _stored(row) if row else None

    def owned_diagrams(self, owner: str, limit: int = 200) -> list[StoredDiagram]:
        """The diagrams made for this user, newest first."""
        with self._connect() as db:
            rows = db.execute(
                f"{self._SELECT} WHERE u.name = ? ORDER BY d.created DESC, d.id DESC LIMIT ?",
                (owner.strip(), limit),
            ).fetchall()
        return [_stored(row) for row in rows]

    def rated_image(self, user: str, image_hash: str) -> tuple[int, float | None] | None:
        """The id of this user's diagram with this image content and their latest rating of it,
        or None if they have none."""
        with self._connect() as db:
            row = db.execute(
                "SELECT d.id, (SELECT score FROM ratings WHERE diagram_id = d.id "
                "AND user_id = d.owner_id ORDER BY id DESC LIMIT 1) FROM diagrams d "
                "JOIN users u ON u.id = d.owner_id WHERE u.name = ? AND d.image_hash = ?",
                (user.strip(), image_hash),
            ).fetchone()
        return None if row is None else (int(row[0]), row[1])

    def rate_image(
        self, user: str, image: ImageRecord, score: float, again: bool = False
    ) -> tuple[int, bool]:
        """In one transaction: this user's diagram of the image (added on first sight) and
        their rating of it, added unless the latest already has this score (`again`: always).
        Returns the diagram's id and whether a rating was added."""
        _check_score(score)
        blob = None if image.latent is None else image.latent.astype(np.float32).tobytes()
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                uid = _user_id(db, user)
                db.execute(
                    "INSERT OR IGNORE INTO diagrams(request, text, image_path, latent, created, "
                    "owner_id, latent_model, image_hash) VALUES ('', ?, ?, ?, ?, ?, ?, ?)",
                    (
                        image.text,
                        image.path,
                        blob,
                        time.time(),
                        uid,
                        image.latent_model,
                        image.hash,
                    ),
                )
                diagram_id = int(
                    db.execute(
                        "SELECT id FROM diagrams WHERE owner_id = ? AND image_hash = ?",
                        (uid, image.hash),
                    ).fetchone()[0]
                )
                latest = db.execute(
                    "SELECT score FROM ratings WHERE user_id = ? AND diagram_id = ? "
                    "ORDER BY id DESC LIMIT 1",
                    (uid, diagram_id),
                ).fetchone()
                added = again or latest is None or latest[0] != float(score)
                if added:
                    db.execute(
                        "INSERT INTO ratings(user_id, diagram_id, score, created) "
                        "VALUES (?, ?, ?, ?)",
                        (uid, diagram_id, float(score), time.time()),
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return diagram_id, added

    def rate(self, user: str, diagram_id: int, score: float) -> None:
        """Record a user's 0-5 score for a diagram (KeyError if there is no such diagram)."""
        _check_score(score)
        uid = self.user_id(user)
        with self._connect() as db:
            if db.execute("SELECT 1 FROM diagrams WHERE id = ?", (diagram_id,)).fetchone() is None:
                raise KeyError(f"no diagram {diagram_id}")
            db.execute(
                "INSERT INTO ratings(user_id, diagram_id, score, created) VALUES (?, ?, ?, ?)",
                (uid, diagram_id, float(score), time.time()),
            )

    def ratings(self, user: str) -> list[Rating]:
        """This user's latest rating of each diagram they rated."""
        with self._connect() as db:
            rows = db.execute(
                """
                SELECT r.diagram_id, r.score, d.latent, d.latent_model, d.image_path
                FROM ratings r
                JOIN users u ON u.id = r.user_id JOIN diagrams d ON d.id = r.diagram_id
                WHERE u.name = ? AND r.id = (
                    SELECT MAX(id) FROM ratings
                    WHERE user_id = r.user_id AND diagram_id = r.diagram_id)
                ORDER BY r.diagram_id
                """,
                (user.strip(),),
            ).fetchall()
        return [
            Rating(
                int(d),
                float(s),
                None if blob is None else np.frombuffer(blob, dtype=np.float32),
                model,
                image,
            )
            for d, s, blob, model, image in rows
        ]

    def count_ratings(self) -> int:
        """How many ratings are stored, over all users."""
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM ratings").fetchone()[0])
