"""Numbered schema migrations, applied in order when a database is created or opened."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []


def migration(function: Callable[[sqlite3.Connection], None]):
    MIGRATIONS.append(function)
    return function


def migrate(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    for function in MIGRATIONS:
        if function.__name__ not in done:
            function(db)
            db.execute("INSERT INTO _migrations VALUES (?)", (function.__name__,))
    db.commit()


@migration
def m001_create_tables(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE documents (
            doc_id INTEGER PRIMARY KEY,
            doc TEXT NOT NULL,              -- file name, the citation key
            path TEXT NOT NULL UNIQUE,      -- absolute path when ingested
            title TEXT, kind TEXT, date TEXT,
            sha256 TEXT NOT NULL UNIQUE,
            pages INTEGER, size INTEGER, source_format TEXT,
            aliases TEXT NOT NULL DEFAULT '[]'  -- JSON: paths of byte-identical copies
        );
        CREATE TABLE chunks (
            chunk_id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(doc_id),
            ordinal INTEGER NOT NULL,
            text TEXT NOT NULL,
            page_start INTEGER, page_end INTEGER,
            section TEXT,
            embed_hash TEXT NOT NULL        -- hash of the text the vector was made from
        );
        CREATE INDEX chunks_doc ON chunks(doc_id);
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            text, section, title, tokenize = 'porter unicode61'
        );
        CREATE TABLE embeddings (embed_hash TEXT PRIMARY KEY, vector BLOB NOT NULL);
        CREATE TABLE commitments (
            commitment_id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(doc_id),
            strategy TEXT, priority INTEGER, priority_title TEXT,
            year TEXT, year_label TEXT, themes TEXT, text TEXT NOT NULL, page INTEGER
        );
        CREATE TABLE decisions (
            decision_id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(doc_id),
            body TEXT, date TEXT, item TEXT, item_title TEXT, text TEXT NOT NULL,
            votes TEXT, presenter TEXT, outcome TEXT, page INTEGER
        );
        """
    )


@migration
def m002_acronyms(db: sqlite3.Connection) -> None:
    """Acronyms the indexed documents define, for query expansion."""
    db.execute("CREATE TABLE acronyms (acronym TEXT PRIMARY KEY, expansion TEXT NOT NULL)")


@migration
def m003_units_and_names(db: sqlite3.Connection) -> None:
    """Vectors are of a passage's quotable units (text.units), which now carry the embedding
    hash a passage did, and each document records whose it is (ingest.identity)."""
    db.executescript(
        """
        CREATE TABLE units (
            unit_id INTEGER PRIMARY KEY,    -- the unit's id in vectors.faiss
            chunk_id INTEGER NOT NULL REFERENCES chunks(chunk_id),
            position INTEGER NOT NULL,      -- the unit's place among text.units.passage_units(text)
            embed_hash TEXT NOT NULL
        );
        CREATE INDEX units_chunk ON units(chunk_id);
        ALTER TABLE chunks DROP COLUMN embed_hash;
        ALTER TABLE documents ADD COLUMN names TEXT NOT NULL DEFAULT '[]';  -- JSON: ingest.identity
        """
    )


@migration
def m004_document_access(db: sqlite3.Connection) -> None:
    """Who may see each document (ingest.access, index.audience), and the path the rules matched."""
    db.executescript(
        """
        ALTER TABLE documents ADD COLUMN relpath TEXT NOT NULL DEFAULT '';  -- relative to the ingested folder
        ALTER TABLE documents ADD COLUMN access TEXT NOT NULL DEFAULT '[]';  -- JSON: principals; [] is public
        """
    )


@migration
def m005_actions(db: sqlite3.Connection) -> None:
    """The actions of improvement and action plans (ingest.actions)."""
    db.executescript(
        """
        CREATE TABLE actions (
            action_id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(doc_id),
            plan TEXT, ref TEXT, area TEXT, action TEXT NOT NULL, owner TEXT,
            due TEXT, due_date TEXT,        -- as printed; the last date it names, ISO
            status TEXT, progress TEXT,     -- status as stated ('' when the plan states none)
            page INTEGER
        );
        """
    )


@migration
def m006_history(db: sqlite3.Connection) -> None:
    """When each version of a document was first indexed, and how an updated plan's actions moved
    against its previous version (ingest.actions.changed_actions): what a digest reports."""
    db.executescript(
        """
        ALTER TABLE documents ADD COLUMN ingested TEXT NOT NULL DEFAULT '';  -- ISO time this version came in
        CREATE TABLE action_changes (
            change_id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(doc_id),
            plan TEXT, ref TEXT, action TEXT NOT NULL,
            change TEXT NOT NULL,           -- status | added | removed
            was TEXT, now TEXT, page INTEGER
        );
        """
    )
