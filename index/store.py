"""The index on disk: immutable generations, switched atomically.

    INDEX_DIR/
      current -> gen-000007      symlink, replaced in one rename when an ingest finishes
      gen-000007/index.sqlite    documents, passages, records, FTS5 table, embedding cache
      gen-000007/vectors.faiss   unit vectors keyed by unit_id (units table: unit -> passage)
      .ingest.lock               held (flock) by the one running ingest
      last_run.json              summary of the latest ingest, even a no-op one

A generation is never modified after it is switched in, so a reader never sees a
half-written index and an ingest killed at any moment leaves `current` as it was.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from errors import IndexMissing, IndexWriteFailed, IngestBusy
from index.audience import EVERYONE, Audience
from index.migrations import migrate
from index.models import Action, ActionChange, Commitment, Decision

CURRENT = "current"
DB_NAME = "index.sqlite"
VECTORS_NAME = "vectors.faiss"
LOCK_NAME = ".ingest.lock"
LAST_RUN = "last_run.json"
KEEP_GENERATIONS = 2  # the live one and the one before it, for readers still on it


def current_generation(index_dir: Path) -> Path:
    """The live generation folder; `IndexMissing` when nothing was ingested yet."""
    link = Path(index_dir) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        raise IndexMissing(
            f"No index at {index_dir}. Run `python bot.py ingest documents/` first."
        ) from None
    generation = Path(index_dir) / target
    if not (generation / DB_NAME).exists():
        raise IndexMissing(f"The index at {index_dir} is damaged: {target} has no database.")
    return generation


def open_readonly(generation: Path) -> sqlite3.Connection:
    """Generations never change, so readers may open them immutable (no locking at all)."""
    uri = f"file:{generation / DB_NAME}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    return connection


def read_meta(db: sqlite3.Connection) -> dict[str, str]:
    """What a generation records about how it was built (embedding model, weights, signature,
    reader version)."""
    return dict(db.execute("SELECT key, value FROM meta").fetchall())


class PreviousGeneration:
    """The live generation as the ingest building the next one reads it: what to carry over."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    @classmethod
    def open(cls, index_dir: Path) -> PreviousGeneration | None:
        """The live generation, or None before the first ingest."""
        try:
            return cls(open_readonly(current_generation(Path(index_dir))))
        except IndexMissing:
            return None

    def close(self) -> None:
        self.db.close()

    def meta(self) -> dict[str, str]:
        return read_meta(self.db)

    def documents(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM documents").fetchall()

    def document(self, doc_id: int) -> sqlite3.Row:
        return self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()

    def relpaths(self) -> dict[str, str]:
        """Each document's path as access rules matched it (an index from before them has none)."""
        try:
            return dict(self.db.execute("SELECT path, relpath FROM documents").fetchall())
        except sqlite3.OperationalError:
            return {}

    def passages(self, doc_id: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM chunks WHERE doc_id=? ORDER BY chunk_id", (doc_id,)).fetchall()

    def passage_count(self, doc_id: int | None = None) -> int:
        if doc_id is None:
            return int(self.db.execute("SELECT count(*) FROM chunks").fetchone()[0])
        return int(self.db.execute("SELECT count(*) FROM chunks WHERE doc_id=?", (doc_id,)).fetchone()[0])

    def document_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def commitments(self, doc_id: int) -> list[Commitment]:
        rows = self.db.execute("SELECT * FROM commitments WHERE doc_id=? ORDER BY commitment_id", (doc_id,))
        return [
            Commitment(r["strategy"], r["priority"], r["priority_title"], r["year"], json.loads(r["themes"]),
                       r["text"], r["page"], r["year_label"])
            for r in rows
        ]  # fmt: skip

    def decisions(self, doc_id: int) -> list[Decision]:
        rows = self.db.execute("SELECT * FROM decisions WHERE doc_id=? ORDER BY decision_id", (doc_id,))
        return [
            Decision(r["body"], r["date"], r["item"], r["item_title"], r["text"], r["page"],
                     json.loads(r["votes"]) if r["votes"] else None, r["presenter"], r["outcome"])
            for r in rows
        ]  # fmt: skip

    def actions(self, doc_id: int) -> list[Action]:
        try:
            rows = self.db.execute("SELECT * FROM actions WHERE doc_id=? ORDER BY action_id", (doc_id,)).fetchall()
        except sqlite3.OperationalError:  # a generation from before actions were read
            return []
        return [Action.from_row(r) for r in rows]

    def action_changes(self, doc_id: int) -> list[ActionChange]:
        try:
            rows = self.db.execute("SELECT * FROM action_changes WHERE doc_id=? ORDER BY change_id", (doc_id,))
            return [ActionChange.from_row(r) for r in rows]
        except sqlite3.OperationalError:  # a generation from before changes were kept
            return []

    def vector(self, embed_hash: str) -> bytes | None:
        row = self.db.execute("SELECT vector FROM embeddings WHERE embed_hash=?", (embed_hash,)).fetchone()
        return row[0] if row else None


@contextmanager
def ingest_lock(index_dir: Path):
    """Only one ingest at a time. The kernel drops a flock when its process dies,
    so a lock left by a killed ingest never blocks the next one."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / LOCK_NAME, "a+")
    except OSError as exc:  # a read-only or full disk, or a folder we may not write to
        raise IndexWriteFailed(_write_failure(index_dir, exc)) from exc
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise IngestBusy(
            f"Another ingest is running on {index_dir} ({holder}); try again when it finishes."
        ) from None
    try:  # unbuffered, so a failed write cannot resurface when the handle is closed
        os.ftruncate(handle.fileno(), 0)
        os.write(handle.fileno(), f"pid {os.getpid()}".encode())
    except OSError:
        pass  # a full disk: the flock holds all the same, only the note of who holds it is lost
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


class GenerationWriter:
    """Builds the next generation in a scratch folder, then switches it in."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._remove_abandoned_builds()
        number = 1 + max((_generation_number(p) for p in self.index_dir.glob("gen-*")), default=0)
        self.name = f"gen-{number:06d}"
        self.scratch = self.index_dir / f".building-{self.name}"
        try:
            self.scratch.mkdir(parents=True)
            self.db = sqlite3.connect(self.scratch / DB_NAME)
            self.db.execute("PRAGMA journal_mode=OFF")
            self.db.execute("PRAGMA synchronous=OFF")
            migrate(self.db)
        except (OSError, sqlite3.Error) as exc:  # sqlite reports a full disk as its own error
            self.abandon()
            raise IndexWriteFailed(_write_failure(self.index_dir, exc)) from exc

    def _remove_abandoned_builds(self) -> None:
        """Scratch folders of killed ingests (we hold the lock, so none is live)."""
        for scratch in self.index_dir.glob(".building-*"):
            shutil.rmtree(scratch, ignore_errors=True)

    # -- what a generation holds, written by the ingest that builds it -------------------------

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta VALUES (?, ?)", (key, value))

    def add_document(self, doc_id: int, **columns: object) -> None:
        """One document's row: doc, path, title, kind, date, sha256, pages, size, source_format,
        aliases, names, relpath, access (see index.migrations)."""
        names = ", ".join(["doc_id", *columns])
        self.db.execute(
            f"INSERT INTO documents({names}) VALUES ({', '.join('?' * (len(columns) + 1))})", (doc_id, *columns.values())
        )

    def add_passage(
        self, chunk_id: int, doc_id: int, *, ordinal: int, text: str, page_start: int, page_end: int, section: str,
        searchable_title: str,
    ) -> None:  # fmt: skip
        """A passage, and its row in the keyword index (with its document's title and date words)."""
        self.db.execute(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?)", (chunk_id, doc_id, ordinal, text, page_start, page_end, section)
        )
        self.db.execute(
            "INSERT INTO chunks_fts(rowid, text, section, title) VALUES (?,?,?,?)", (chunk_id, text, section, searchable_title)
        )

    def add_unit(self, unit_id: int, chunk_id: int, position: int, embed_hash: str) -> None:
        self.db.execute("INSERT INTO units VALUES (?,?,?,?)", (unit_id, chunk_id, position, embed_hash))

    def add_records(
        self, doc_id: int, commitments: list[Commitment], decisions: list[Decision], actions: list[Action]
    ) -> None:
        self.db.executemany(
            "INSERT INTO commitments(doc_id, strategy, priority, priority_title, year, year_label, themes, text, page)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            [(doc_id, c.strategy, c.priority, c.priority_title, c.year, c.year_label, json.dumps(c.themes),
              c.text, c.page) for c in commitments],
        )  # fmt: skip
        self.db.executemany(
            "INSERT INTO decisions(doc_id, body, date, item, item_title, text, votes, presenter, outcome, page)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(doc_id, d.body, d.date, d.item, d.item_title, d.text, json.dumps(d.votes) if d.votes else None,
              d.presenter, d.outcome, d.page) for d in decisions],
        )  # fmt: skip
        self.db.executemany(
            "INSERT INTO actions(doc_id, plan, ref, area, action, owner, due, due_date, status, progress, page)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(doc_id, a.plan, a.ref, a.area, a.action, a.owner, a.due, a.due_date, a.status, a.progress, a.page)
             for a in actions],
        )  # fmt: skip

    def add_action_changes(self, doc_id: int, changes: list[ActionChange]) -> None:
        self.db.executemany(
            "INSERT INTO action_changes(doc_id, plan, ref, action, change, was, now, page) VALUES (?,?,?,?,?,?,?,?)",
            [(doc_id, c.plan, c.ref, c.action, c.change, c.was, c.now, c.page) for c in changes],
        )

    def source_formats(self) -> set[bool]:
        """Whether the documents written so far are PDFs: {True}, {False} or both."""
        return {bool(row[0]) for row in self.db.execute("SELECT DISTINCT source_format = 'pdf' FROM documents")}

    def document_texts(self) -> list[tuple[str, bool, str]]:
        """(file name, is a PDF, all its passages' text) of each document written so far."""
        return [
            (doc, bool(is_pdf), text)
            for doc, is_pdf, text in self.db.execute(
                "SELECT d.doc, d.source_format = 'pdf', group_concat(c.text, char(10)) FROM documents d "
                "JOIN chunks c USING (doc_id) GROUP BY d.doc_id ORDER BY d.doc_id"
            )
        ]

    def passage_texts(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT text FROM chunks ORDER BY chunk_id")]

    def add_acronyms(self, found: dict[str, str]) -> None:
        self.db.executemany("INSERT INTO acronyms VALUES (?,?)", found.items())

    def add_embeddings(self, vectors) -> None:
        """(embed_hash, vector bytes) pairs."""
        self.db.executemany("INSERT INTO embeddings VALUES (?,?)", vectors)

    def unit_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Every unit's id and vector, in unit order (for vectors.faiss)."""
        rows = self.db.execute(
            "SELECT u.unit_id, e.vector FROM units u JOIN embeddings e USING (embed_hash) ORDER BY u.unit_id"
        ).fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        return ids, np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])

    def write_vectors(self, ids: np.ndarray, vectors: np.ndarray, dimension: int) -> None:
        import faiss

        index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        if len(ids):
            index.add_with_ids(vectors.astype(np.float32), ids.astype(np.int64))
        try:
            faiss.write_index(index, str(self.scratch / VECTORS_NAME))
        except RuntimeError as exc:
            raise IndexWriteFailed(_write_failure(self.index_dir, exc)) from exc

    def commit(self) -> Path:
        """Make the generation durable, then point `current` at it in one rename."""
        try:
            self.db.commit()
            self.db.close()
            for name in (DB_NAME, VECTORS_NAME):
                _fsync(self.scratch / name)
            final = self.index_dir / self.name
            os.rename(self.scratch, final)
            temporary_link = self.index_dir / f".{CURRENT}.{os.getpid()}"
            if temporary_link.is_symlink():
                temporary_link.unlink()
            os.symlink(self.name, temporary_link)
            os.replace(temporary_link, self.index_dir / CURRENT)
            _fsync(self.index_dir)
        except (OSError, sqlite3.Error) as exc:
            self.abandon()
            raise IndexWriteFailed(_write_failure(self.index_dir, exc)) from exc
        self._remove_old_generations()
        return final

    def abandon(self) -> None:
        try:
            self.db.close()
        except Exception:
            pass
        shutil.rmtree(self.scratch, ignore_errors=True)

    def _remove_old_generations(self) -> None:
        generations = sorted(self.index_dir.glob("gen-*"), key=_generation_number)
        for old in generations[:-KEEP_GENERATIONS]:
            shutil.rmtree(old, ignore_errors=True)


def _generation_number(path: Path) -> int:
    try:
        return int(path.name.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return 0


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_failure(index_dir: Path, exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None) or str(exc)
    if isinstance(exc, RuntimeError):  # faiss: "Error in void faiss::write_index(...) ... (No space left on device)"
        found = re.search(r"\(([^()]*)\)\s*$", reason)
        reason = found.group(1) if found else "the vectors could not be written"
    return f"Could not write the new index in {index_dir} ({reason}); the previous index is unchanged."


def write_last_run(index_dir: Path, summary: dict) -> None:
    """Atomically record the latest ingest's summary (a no-op run writes nothing else)."""
    temporary = Path(index_dir) / f".{LAST_RUN}.{os.getpid()}"
    try:
        temporary.write_text(json.dumps(summary, indent=1))
        os.replace(temporary, Path(index_dir) / LAST_RUN)
    except OSError:
        temporary.unlink(missing_ok=True)


@dataclass
class IndexStatus:
    index_dir: str
    generation: str
    documents: int
    pages: int
    passages: int
    commitments: int
    decisions: int
    actions: int
    embedding_model: str
    embedding_weights: str
    last_ingest: dict = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    access_rules: list[dict] = field(default_factory=list)  # ingest.access's rules, each with what it covers

    def as_lines(self) -> list[str]:
        last = self.last_ingest
        when = last.get("finished", "never")
        lines = [
            f"Index: {self.index_dir} ({self.generation})",
            f"Documents: {self.documents}  Pages: {self.pages}  Passages: {self.passages}",
            f"Commitments: {self.commitments}  Decisions: {self.decisions}  Actions: {self.actions}",
            "Kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(self.by_kind.items())),
            f"Embedding model: {self.embedding_model} ({self.embedding_weights or 'float32'} weights)",
            f"Last ingest: {when}" + (f" ({last.get('summary', '')})" if last.get("summary") else ""),
        ]
        if self.access_rules:
            lines.append(f"Access rules: {len(self.access_rules)}")
        for n, rule in enumerate(self.access_rules, start=1):
            who = "; ".join(f"{key} {', '.join(rule[key])}" for key in ("channels", "users", "usergroups") if rule[key])
            lines.append(f"  Rule {n}: {', '.join(rule['documents'])} -> {who or 'nobody in Slack'}")
            lines.append(f"    covers {len(rule['covers'])}: " + (", ".join(rule["covers"]) or "none"))
        return lines

    def as_json(self) -> dict:
        return self.__dict__.copy()


def index_status(index_dir: Path, audience: Audience = EVERYONE) -> IndexStatus:
    """What is indexed, as `audience` may know it: an audience that may not see every document
    gets the counts of those it may see, and neither the access rules nor the last ingest's
    summary (whose counts include the rest)."""
    generation = current_generation(Path(index_dir))
    db = open_readonly(generation)
    try:
        documents = [row for row in db.execute("SELECT * FROM documents") if audience.sees(_access(row))]
        visible = {row["doc_id"] for row in documents}

        def count(table: str) -> int:
            try:
                return sum(1 for (doc_id,) in db.execute(f"SELECT doc_id FROM {table}") if doc_id in visible)
            except sqlite3.OperationalError:  # a generation from before the table existed
                return 0

        kinds: dict[str, int] = {}
        for row in documents:
            kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
        meta = read_meta(db)
        last_path = Path(index_dir) / LAST_RUN
        last = json.loads(last_path.read_text()) if last_path.exists() else {}
        if not audience.everything:
            last = {"finished": last["finished"]} if "finished" in last else {}
        return IndexStatus(
            index_dir=str(index_dir),
            generation=generation.name,
            documents=len(documents),
            pages=sum(row["pages"] or 0 for row in documents),
            passages=count("chunks"),
            commitments=count("commitments"),
            decisions=count("decisions"),
            actions=count("actions"),
            embedding_model=meta.get("embedding_model", ""),
            embedding_weights=meta.get("embedding_weights", "float32"),
            last_ingest=last,
            by_kind=kinds,
            access_rules=json.loads(meta.get("access_rules", "[]")) if audience.everything else [],
        )
    finally:
        db.close()


def _access(row: sqlite3.Row) -> frozenset[str]:
    return frozenset(json.loads(row["access"])) if "access" in row.keys() else frozenset()


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
