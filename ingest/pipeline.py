"""Ingest files and folders into the index, incrementally and all-or-nothing.

Files are compared with the live generation by content hash: unchanged ones are carried
over (passages, records and vectors copied, nothing re-read or re-embedded), changed and
new ones are read in worker processes, removed ones are dropped. The result is written
as a new generation and switched in atomically, with documents and passages numbered in
the same order a clean ingest would use, so both give the same index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from errors import DocumentUnreadable, IndexWriteFailed
from index.embedders import get_embedder
from index.models import Action, ActionChange
from index.store import GenerationWriter, PreviousGeneration, ingest_lock, now_iso, write_last_run
from ingest.access import AccessRules
from ingest.actions import changed_actions
from ingest.describe import date_words
from ingest.duplicates import format_copies, near_duplicates
from ingest.identity import identity_names
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.models import Chunk
from ingest.reader import READER_VERSION, DocumentContent, limit_worker_memory, read_document
from ingest.vectors import UnitVectors, unit_texts
from settings import Settings, get_settings
from text.acronyms import find_acronyms

# A README or MANIFEST in a documents folder describes the files beside it; searched, it
# would answer questions about every paper in the words of its one-line summaries.
FOLDER_NOTES = frozenset(f"{name}.{suffix}" for name in ("readme", "manifest") for suffix in ("md", "txt"))


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (copy, indexed as)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)  # (doc, like doc, similarity)
    format_copies: dict[str, str] = field(default_factory=dict)  # Word/web/text copy -> the PDF searched instead
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason): a folder's own notes
    re_embedded: bool = False  # the embedding model or its settings changed: every passage embedded anew
    re_read: bool = False  # the way documents are read changed (READER_VERSION): every file read anew
    access_changed: bool = False  # the access rules (SENDBOT_ACCESS_FILE) differ from the index's
    documents: int = 0
    pages_read: int = 0
    passages: int = 0
    seconds: float = 0.0
    generation: str = ""

    @property
    def changed(self) -> bool:
        return bool(
            self.added or self.updated or self.removed or self.renamed or self.re_embedded or self.re_read
            or self.access_changed
        )

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.renamed)} renamed, {len(self.removed)} removed, "
            f"{len(self.duplicates)} duplicates, {len(self.near_duplicates)} near-duplicates, "
            f"{len(self.failed)} failed"
        )

    def without(self, hidden: dict[str, int]) -> IngestReport:
        """The report as told where the `hidden` documents (file name -> passages) may not be seen:
        their names gone from every list and from every count."""
        if not hidden:
            return self

        def shown(*names: str) -> bool:
            return not any(name in hidden for name in names)

        return replace(
            self,
            added=[n for n in self.added if shown(n)],
            updated=[n for n in self.updated if shown(n)],
            unchanged=[n for n in self.unchanged if shown(n)],
            renamed=[r for r in self.renamed if shown(*r.split(" -> "))],
            removed=[n for n in self.removed if shown(n)],
            duplicates=[(c, o) for c, o in self.duplicates if shown(c, o)],
            near_duplicates=[(n, o, s) for n, o, s in self.near_duplicates if shown(n, o)],
            format_copies={c: o for c, o in self.format_copies.items() if shown(c, o)},
            failed=[(n, r) for n, r in self.failed if shown(n)],
            documents=self.documents - len(hidden),
            passages=self.passages - sum(hidden.values()),
        )

    def summary_lines(self) -> list[str]:
        lines = [f"Ingest finished in {self.seconds:.1f}s: {self.summary()}."]
        for title, names in (("Added", self.added), ("Updated", self.updated),
                             ("Renamed", self.renamed), ("Removed", self.removed)):
            if names:
                lines.append(f"{title}: " + ", ".join(names))
        for copy, original in self.duplicates:
            lines.append(f"Duplicate: {copy} is byte-identical to {original} (indexed once)")
        for name, other, similarity in self.near_duplicates:
            searched = self.format_copies.get(name) or self.format_copies.get(other)
            lines.append(
                f"Near-duplicate: {name} repeats {similarity:.0%} of {other} (both indexed"
                + (f"; searched through {searched}, whose pages can be cited)" if searched else ")")
            )
        for name, reason in self.failed:
            lines.append(f"Failed: {name}: {reason}")
        for name, reason in self.skipped:
            lines.append(f"Skipped: {name}: {reason}")
        if self.re_read:
            lines.append("Read every document again: this version reads documents differently")
        if self.re_embedded:
            lines.append("Re-embedded every passage: the embedding model or its settings changed")
        if self.access_changed:
            lines.append("Applied the changed access rules")
        lines.append(
            f"Index now holds {self.documents} documents, {self.passages} passages"
            + (f" ({self.generation})." if self.generation else ".")
        )
        return lines

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class Progress:
    """What a progress display needs after each file."""

    done: int
    total: int
    name: str
    pages: int
    stage: str  # reading | embedding | writing


@dataclass
class _Source:
    path: Path
    sha256: str
    size: int


@dataclass
class _StoredDocument:
    """A document of the new generation: read now, or carried over from the last one."""

    path: Path
    sha256: str
    size: int
    aliases: list[str]
    content: DocumentContent | None = None  # freshly read
    previous_doc_id: int | None = None  # carried over from the previous generation
    locations: list[str] = field(default_factory=list)  # its paths as access rules match them, first stored
    reported: bool = False  # already counted as renamed or copied


def ingest_paths(
    paths: list[Path],
    index_dir: Path,
    settings: Settings | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> IngestReport:
    settings = settings or get_settings()
    index_dir = Path(index_dir)
    started = time.monotonic()
    report = IngestReport()
    rules = AccessRules.load(settings.paths.access_path)  # a bad rules file stops the ingest before anything
    with ingest_lock(index_dir):
        previous = PreviousGeneration.open(index_dir)
        try:
            sources = _discover(paths, report, settings.ingest.max_file_mb)
            built = previous.meta() if previous is not None else None
            report.re_read = built is not None and built.get("reader_version") != READER_VERSION
            plan, to_read = _plan(sources, previous, paths, report)
            _locate(plan, previous, paths, settings.paths.documents_dir)
            rules.check_all_match(location for stored in plan for location in stored.locations)
            report.access_changed = built is not None and not rules.same_as(built.get("access_rules", "[]"))
            vectors = UnitVectors(settings.embedding, previous)
            report.re_embedded = built is not None and built.get("embedding_signature") != vectors.signature
            if to_read:
                _read_all(to_read, plan, previous, vectors, report, settings, progress)
                report.near_duplicates = _near_duplicates(plan, previous)
            if report.changed or previous is None:
                report.generation, report.format_copies = _write_generation(
                    index_dir, plan, previous, vectors, settings, rules, progress
                )
            _count(report, plan, previous)
        finally:
            if previous is not None:
                previous.close()
        report.seconds = time.monotonic() - started
        write_last_run(
            index_dir,
            {"finished": now_iso(), "summary": report.summary(), "failed": report.failed},
        )
    return report


def _discover(paths: list[Path], report: IngestReport, max_file_mb: float) -> list[_Source]:
    """Every supported file under the given paths; the rest is reported, not skipped silently."""
    found: list[Path] = []
    notes: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)):
                (notes if file.name.lower() in FOLDER_NOTES else found).append(file)
        elif path.is_file():
            found.append(path)
        else:
            report.failed.append((str(path), "no such file or folder"))
    named = {p.resolve() for p in found}
    for note in sorted({p.resolve() for p in notes} - named):
        report.skipped.append((note.name, "a folder's notes on its files, not a document: name it to ingest it"))
    sources = []
    for path in sorted(named):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            report.failed.append((path.name, f"unsupported file type '{path.suffix or 'none'}'"))
            continue
        size = path.stat().st_size
        if size > max_file_mb * 1024 * 1024:
            report.failed.append((path.name, f"{size / 1e6:.0f} MB is over the {max_file_mb:.0f} MB limit"))
            continue
        sources.append(_Source(path, _sha256(path), size))
    return sources


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _plan(sources, previous, roots, report) -> tuple[list[_StoredDocument], list[_StoredDocument]]:
    """Decide, file by file, what the new generation holds and what must be read."""
    old_rows = previous.documents() if previous else []
    old_by_sha = {row["sha256"]: row for row in old_rows}
    resolved_roots = [Path(r).resolve() for r in roots]

    plan: dict[str, _StoredDocument] = {}  # by sha256
    to_read = []
    for source in sources:
        if source.sha256 in plan:
            original = plan[source.sha256]
            original.aliases.append(str(source.path))
            report.duplicates.append((source.path.name, original.path.name))
            continue
        stored = _StoredDocument(source.path, source.sha256, source.size, aliases=[])
        old = old_by_sha.get(source.sha256)
        if old is not None and old["path"] == str(source.path):
            report.unchanged.append(source.path.name)
            _carry_over(stored, old["doc_id"], report, to_read)
        else:
            # Known content under a new name is read again: its title, kind and date may
            # come from the name, and a clean ingest would read it. Vectors are reused.
            if old is not None:
                stored.reported = True
                if old["path"] in {str(s.path) for s in sources}:
                    report.added.append(source.path.name)  # a copy of a file that is still there
                else:
                    report.renamed.append(f"{Path(old['path']).name} -> {source.path.name}")
            to_read.append(stored)
        plan[source.sha256] = stored

    seen_paths = {str(s.path) for s in sources}
    for row in old_rows:
        path = Path(row["path"])
        if row["sha256"] in plan or str(path) in seen_paths:
            continue
        under_roots = any(path == root or root in path.parents for root in resolved_roots)
        if under_roots or not path.exists():
            if not any(r.startswith(f"{path.name} -> ") for r in report.renamed):
                report.removed.append(path.name)
        else:  # indexed from elsewhere and still there: keep it
            kept = _StoredDocument(path, row["sha256"], row["size"], json.loads(row["aliases"]))
            _carry_over(kept, row["doc_id"], report, to_read)
            plan[row["sha256"]] = kept
    return list(plan.values()), to_read


def _locate(plan: list[_StoredDocument], previous, roots: list[Path], documents_dir: Path) -> None:
    """Each document's paths as access rules see them: relative to the folder ingested, to the
    documents folder (where Slack uploads land), as stored when it was first read, then every
    tail of its full path down to its file name. A rule matching any of them covers it: a rule
    must not miss a file because an admin ingested its folder, or the file alone, by another path
    ("restricted/**" covers /papers/restricted/plan.pdf however it was named). The first is shown."""
    folders = [Path(r).resolve() for r in roots if Path(r).is_dir()] + [Path(documents_dir).resolve()]
    stored_relpaths = previous.relpaths() if previous else {}
    for stored in plan:
        path = Path(stored.path).resolve()
        found = [path.relative_to(folder).as_posix() for folder in folders if folder in path.parents]
        tails = ["/".join(path.parts[i:]) for i in range(len(path.parts) - 1, 0, -1)]  # name, folder/name, ...
        first_read = stored_relpaths.get(str(stored.path), "")
        candidates = [*found, first_read, *tails]  # the first is the one shown
        stored.locations = [location for location in dict.fromkeys(candidates) if location]


def _carry_over(stored: _StoredDocument, doc_id: int, report: IngestReport, to_read: list) -> None:
    """An unchanged file keeps its passages from the last generation, unless this version
    reads documents differently: then it is read again (still reported as unchanged)."""
    if report.re_read:
        stored.reported = True
        to_read.append(stored)
    else:
        stored.previous_doc_id = doc_id


def _read_all(to_read, plan, previous, vectors: UnitVectors, report, settings: Settings, progress) -> None:
    """Read new and changed files in worker processes, each under its own bounds, and embed
    each one's passages as soon as it is read, while the workers read on. The largest files
    go first, so that no long read is left running alone at the end."""
    import multiprocessing

    from pebble import ProcessPool
    from pebble.common import ProcessExpired

    limits = settings.ingest
    old_by_path = (
        {row["path"]: row for row in previous.documents()} if previous else {}
    )
    to_read = sorted(to_read, key=lambda stored: -stored.size)
    workers = max(1, min(len(to_read), os.cpu_count() or 1, 2))
    pages = 0
    with ProcessPool(
        max_workers=workers,
        max_tasks=20,
        initializer=limit_worker_memory,
        initargs=(limits.max_memory_mb_per_document,),
        context=multiprocessing.get_context("spawn"),
    ) as pool:
        futures = {
            pool.schedule(
                read_document,
                args=(str(stored.path), limits.max_pages, limits.max_text_chars, limits.max_file_mb),
                timeout=limits.max_seconds_per_document,
            ): stored
            for stored in to_read
        }
        for done, future in enumerate(as_completed(futures), start=1):
            stored = futures[future]
            name = stored.path.name
            try:
                stored.content = future.result()
                pages += stored.content.pages
                if not stored.reported:
                    (report.updated if str(stored.path) in old_by_path else report.added).append(name)
            except DocumentUnreadable as exc:
                _failed(stored, str(exc), plan, old_by_path, report)
            except FutureTimeout:
                _failed(stored, f"took longer than {limits.max_seconds_per_document:.0f}s to read", plan, old_by_path, report)
            except ProcessExpired as exc:
                reason = _expired_reason(exc.exitcode)
                _failed(stored, f"{reason} (limit {limits.max_memory_mb_per_document} MB)", plan, old_by_path, report)
            except MemoryError:
                _failed(stored, f"ran out of memory (limit {limits.max_memory_mb_per_document} MB)", plan, old_by_path, report)
            except Exception as exc:  # a reader bug on one file must not stop the others
                _failed(stored, f"could not be read ({type(exc).__name__}: {str(exc)[:120]})", plan, old_by_path, report)
            if stored.content is not None:
                vectors.embed_missing(vectors.texts(stored.content.chunks))
            if progress:
                progress(Progress(done, len(to_read), name, pages, "reading"))
    report.pages_read = pages
    report.added.sort(key=str.lower)
    report.updated.sort(key=str.lower)
    report.failed.sort(key=lambda failure: failure[0].lower())


def _expired_reason(exitcode: int | None) -> str:
    """Why a reader process died. Under its address-space cap, Python raises MemoryError
    (exit 1) or is killed (-9), but native parsers such as libxml2 may instead crash on
    the allocation they were refused (SIGSEGV, SIGBUS, SIGABRT)."""
    if exitcode in (-9, 1, None):
        return "ran out of memory"
    if exitcode in (-11, -7, -6):
        return f"reader crashed (exit {exitcode}), most likely out of memory"
    return f"reader crashed (exit {exitcode})"


def _near_duplicates(plan: list[_StoredDocument], previous) -> list[tuple[str, str, float]]:
    def text_of(stored: _StoredDocument) -> str:
        if stored.content is not None:
            return "\n".join(chunk.text for chunk in stored.content.chunks)
        return "\n".join(row["text"] for row in previous.passages(stored.previous_doc_id))

    new = {s.path.name: text_of(s) for s in plan if s.content is not None}
    existing = {s.path.name: text_of(s) for s in plan if s.content is None and s.previous_doc_id is not None}
    return near_duplicates(new, existing)


def _failed(stored, reason, plan, old_by_path, report) -> None:
    """Report the file; keep its previous version, if any, rather than lose it."""
    report.failed.append((stored.path.name, reason))
    old = old_by_path.get(str(stored.path))
    if old is not None:
        stored.previous_doc_id = old["doc_id"]
        stored.sha256 = old["sha256"]
        if stored.path.name not in report.unchanged:
            report.unchanged.append(stored.path.name)
    else:
        plan.remove(stored)


def _count(report: IngestReport, plan, previous) -> None:
    if report.generation or previous is None:
        report.documents = len(plan)
        report.passages = sum(len(s.content.chunks) for s in plan if s.content) + sum(
            previous.passage_count(s.previous_doc_id)
            for s in plan if s.content is None and previous is not None
        )
    else:
        report.documents = previous.document_count()
        report.passages = previous.passage_count()


# --- writing the new generation ------------------------------------------------------


def _write_generation(
    index_dir, plan, previous, vectors: UnitVectors, settings: Settings, rules: AccessRules, progress
) -> tuple[str, dict[str, str]]:
    """Write and switch in the new generation; its name, and the format copies it found."""
    writer = GenerationWriter(index_dir)
    try:
        writer.set_meta("embedding_model", vectors.model_id)
        writer.set_meta("embedding_weights", vectors.settings.weights)
        writer.set_meta("embedding_signature", vectors.signature)
        writer.set_meta("reader_version", READER_VERSION)
        documents = sorted(
            (s for s in plan if s.content is not None or s.previous_doc_id is not None),
            key=lambda s: (s.path.name.lower(), str(s.path)),
        )
        writer.set_meta("access_rules", rules.as_json(s.locations for s in documents))
        chunk_id = unit_id = 0
        embed_texts: dict[str, str] = {}
        history = _History(previous)
        for doc_id, stored in enumerate(documents, start=1):
            meta, chunks, commitments, decisions, actions = _document_rows(stored, previous)
            ingested, changes = history.of(stored, actions)
            opening = chunks[0].text if chunks else ""
            names = identity_names(stored.path.name, meta["title"], opening, "\n".join(c.text for c in chunks))
            writer.add_document(
                doc_id, doc=stored.path.name, path=str(stored.path), title=meta["title"], kind=meta["kind"],
                date=meta["date"], sha256=stored.sha256, pages=meta["pages"], size=stored.size,
                source_format=meta["source_format"], aliases=json.dumps(stored.aliases), names=json.dumps(names),
                relpath=stored.locations[0], access=json.dumps(sorted(rules.access_of(stored.locations))),
                ingested=ingested,
            )  # fmt: skip
            for chunk in chunks:
                chunk_id += 1
                writer.add_passage(
                    chunk_id, doc_id, ordinal=chunk.ordinal, text=chunk.text, page_start=chunk.page_start,
                    page_end=chunk.page_end, section=chunk.section,
                    searchable_title=f"{meta['title']} {date_words(meta['date'])}",
                )  # fmt: skip
                for position, text in enumerate(unit_texts(chunk)):
                    unit_id += 1
                    embed_hash = vectors.key(text)
                    embed_texts.setdefault(embed_hash, text)
                    writer.add_unit(unit_id, chunk_id, position, embed_hash)
            writer.add_records(doc_id, commitments, decisions, actions)
            writer.add_action_changes(doc_id, changes)
        writer.add_acronyms(find_acronyms(writer.passage_texts()))
        copies = _store_format_copies(writer)
        _store_embeddings(writer, vectors, embed_texts, progress)
        ids, matrix = writer.unit_vectors()
        dimension = matrix.shape[1] if len(matrix) else _model_dimension(settings)
        writer.write_vectors(ids, matrix, dimension)
        return writer.commit().name, copies
    except sqlite3.Error as exc:
        writer.abandon()
        raise IndexWriteFailed(
            f"Could not write the new index in {index_dir} ({exc}); the previous index is unchanged."
        ) from exc
    except BaseException:
        writer.abandon()
        raise


class _History:
    """When each document's version first came in, and how an updated plan's actions moved: the
    previous generation keeps both for an unchanged file; a changed file is new now, and its actions
    are compared with those of the version it replaces (the same path, or the same content)."""

    def __init__(self, previous: PreviousGeneration | None) -> None:
        self.previous = previous
        rows = previous.documents() if previous is not None else []
        self.by_sha = {row["sha256"]: row for row in rows}
        self.by_path = {row["path"]: row for row in rows}
        # to the microsecond, so two ingests in one second are still told apart
        self.now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")

    def of(self, stored: _StoredDocument, actions: list[Action]) -> tuple[str, list[ActionChange]]:
        if self.previous is None:
            return self.now, []
        same = self.by_sha.get(stored.sha256)
        if same is not None:  # unchanged (or re-read, or renamed): its history carries over
            return _ingested(same) or self.now, self.previous.action_changes(same["doc_id"])
        replaced = self.by_path.get(str(stored.path))
        if replaced is None:
            return self.now, []
        return self.now, changed_actions(self.previous.actions(replaced["doc_id"]), actions)


def _ingested(row) -> str:
    try:
        return row["ingested"]
    except IndexError:  # a generation from before the column
        return ""


def _store_format_copies(writer: GenerationWriter) -> dict[str, str]:
    """Find the Word, web and text copies of PDFs among the new generation's documents and
    record them for search. Texts are read back only when both kinds are indexed."""
    copies: dict[str, str] = {}
    if writer.source_formats() == {False, True}:
        texts: dict[bool, dict[str, str]] = {True: {}, False: {}}
        for doc, is_pdf, text in writer.document_texts():
            texts[is_pdf][doc] = text
        copies = format_copies(texts[True], texts[False])
    writer.set_meta("format_copies", json.dumps(copies, sort_keys=True))
    return copies


def _document_rows(stored: _StoredDocument, previous: PreviousGeneration | None):
    """Metadata, passages and records of one document, fresh or from the last generation."""
    if stored.content is not None:
        c = stored.content
        meta = {"title": c.title, "kind": c.kind, "date": c.date, "pages": c.pages,
                "source_format": c.source_format}
        return meta, c.chunks, c.commitments, c.decisions, c.actions
    doc_id = stored.previous_doc_id
    row = previous.document(doc_id)
    meta = {k: row[k] for k in ("title", "kind", "date", "pages", "source_format")}
    chunks = [
        Chunk(r["text"], r["page_start"], r["page_end"], r["section"], r["ordinal"]) for r in previous.passages(doc_id)
    ]
    return meta, chunks, previous.commitments(doc_id), previous.decisions(doc_id), previous.actions(doc_id)


def _store_embeddings(writer: GenerationWriter, vectors: UnitVectors, embed_texts: dict[str, str], progress) -> None:
    """Every unit text's vector: reused, embedded while reading, or embedded now."""

    def embedded(done: int, total: int) -> None:
        if progress:
            progress(Progress(done, total, "units", 0, "embedding"))

    vectors.embed_missing(embed_texts, embedded)
    writer.add_embeddings((key, vectors.vector(key)) for key in embed_texts)


def _model_dimension(settings: Settings) -> int:
    return get_embedder(settings.embedding).dimension
