"""The bot's own SQLite database in the data folder: thread memory, feedback and seen events.

It lives in `data_dir`, never in the index folder, so an ingest (which swaps index
generations) never loses a conversation or a verdict. Each caller opens a short-lived
connection, so worker threads never share one.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

DB_NAME = "slackbot.sqlite"


def m001_create_turns(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            thread TEXT NOT NULL,
            user TEXT NOT NULL,
            question TEXT NOT NULL,
            resolved_question TEXT NOT NULL,
            answer TEXT NOT NULL,
            found INTEGER NOT NULL,
            sources TEXT NOT NULL,
            created REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX turns_by_thread ON turns (thread, id)")


def m002_create_feedback(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            turn_id INTEGER NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            sources TEXT NOT NULL,
            user TEXT NOT NULL,
            verdict TEXT NOT NULL,
            created REAL NOT NULL,
            UNIQUE (turn_id, user)
        )"""
    )


def m003_create_seen_events(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE seen_events (event_id TEXT PRIMARY KEY, seen REAL NOT NULL)")
    db.execute("CREATE INDEX seen_events_by_time ON seen_events (seen)")


def m004_turn_messages(db: sqlite3.Connection) -> None:
    """The Slack message ("C123:1712345678.000100") each turn answered, so deleting it in Slack
    deletes the turn (slackbot.retention)."""
    db.execute("ALTER TABLE turns ADD COLUMN message TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX turns_by_message ON turns (message)")
    db.execute("CREATE INDEX turns_by_user ON turns (user)")


def m005_feedback_reasons(db: sqlite3.Connection) -> None:
    """Why an answer was not helpful (slackbot.blocks.FEEDBACK_REASONS), and what the person added."""
    db.execute("ALTER TABLE feedback ADD COLUMN reason TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE feedback ADD COLUMN detail TEXT NOT NULL DEFAULT ''")


def m006_uploaded_files(db: sqlite3.Connection) -> None:
    """The Slack file each uploaded document came from, so its sources can link to it."""
    db.execute("CREATE TABLE uploaded_files (name TEXT PRIMARY KEY, link TEXT NOT NULL)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_create_turns,
    m002_create_feedback,
    m003_create_seen_events,
    m004_turn_messages,
    m005_feedback_reasons,
    m006_uploaded_files,
]


def database_path(data_dir: Path) -> Path:
    return Path(data_dir).resolve() / DB_NAME


def _migrate(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for migration in MIGRATIONS[version:]:
        migration(db)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")


_prepared: set[Path] = set()
_preparing = threading.Lock()


def _prepare(path: Path) -> None:
    """Once per process and database: WAL mode (so readers never wait for a writer) and migrations.

    Done under a lock because SQLite refuses, rather than waits, when two connections
    switch a new database to WAL at the same moment.
    """
    with _preparing:
        if path in _prepared:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("BEGIN IMMEDIATE")  # another process may be migrating the same file
            try:
                _migrate(db)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        finally:
            db.close()
        _prepared.add(path)


@contextmanager
def opened(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the migrated database that commits on success and is always closed."""
    path = database_path(data_dir)
    if path not in _prepared:
        _prepare(path)
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        db.execute("BEGIN")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    finally:
        db.close()
