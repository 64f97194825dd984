"""Hybrid search: dense vectors (FAISS) and keywords (SQLite FTS5), fused by score.

Officers type acronyms and exact phrases (EHCP, DSG, "Safety Valve") that a small
embedding model blurs, and plain questions that keywords miss; a weighted sum of the two
scores, each scaled to its own range, keeps what either finds. Ties are broken by passage
id, so results are deterministic.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from errors import IndexOutdated
from index.embedders import get_embedder
from index.store import CURRENT, VECTORS_NAME, current_generation, open_readonly, read_meta
from ingest.acronyms import SEND_ACRONYMS
from ingest.models import Hit
from settings import Settings, get_settings

CANDIDATES = 200  # taken from each ranking before fusion
# Keyword matches carry more weight than the small embedding model's neighbours. Scoring
# bench/questions.jsonl in-process (Leicester / Kent, K33 still scored by its old fact,
# so a miss everywhere): keywords alone gave recall@5
# 0.839 / 0.915; these weights 0.903 / 0.957, MRR 0.720 / 0.864; keyword weight 0.5 or 0.7,
# 0.887 / 0.957 or 0.903 / 0.936. Reciprocal rank fusion (dense at 0.2) gave 0.887 / 0.957,
# MRR 0.693 / 0.842: it counts only ranks, so a passage the keywords put far ahead of the
# rest gained nothing for it, and one the vectors missed lost to every neighbour they found.
# bench/results/retrieval.md has the product.
DENSE_WEIGHT = 0.4
LEXICAL_WEIGHT = 0.6
# Keyword weights of a passage's text, section path and document title (with its date).
# Every passage carries its title, so a title match says little about the passage: at 0.3,
# "Who chaired Kent Cabinet on 30 January 2025?" ranked the agenda's passages, titled with
# that meeting, above the minutes' list of who was present (in-process scoring of
# bench/questions.jsonl: 0.2 gave recall@5 0.887 / 0.957, 0.3 gave 0.887 / 0.936).
FTS_WEIGHTS = "1.0, 0.5, 0.2"
STOPWORDS = frozenset(
    """a an and are as at be by can could did do does for from had has have how i in is it
    its me my of on or our so than that the their them there these they this to us was we
    were what when where which who whom why will with would you your about any all into
    also been being many much more most other some such tell give show list please""".split()
)


@dataclass
class SearchFilters:
    """Narrow a search to some documents, kinds or a date range (ISO dates, inclusive)."""

    docs: list[str] = field(default_factory=list)  # file names, or parts of them
    kinds: list[str] = field(default_factory=list)
    date_from: str = ""
    date_to: str = ""

    def __bool__(self) -> bool:
        return bool(self.docs or self.kinds or self.date_from or self.date_to)

    def sql(self) -> tuple[str, list]:
        clauses, params = [], []
        if self.docs:
            clauses.append("(" + " OR ".join("d.doc LIKE ?" for _ in self.docs) + ")")
            params += [f"%{d}%" for d in self.docs]
        if self.kinds:
            clauses.append("(" + " OR ".join("d.kind = ?" for _ in self.kinds) + ")")
            params += list(self.kinds)
        if self.date_from:
            clauses.append("d.date >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("d.date <= ?")
            params.append(self.date_to)
        return " AND ".join(clauses) or "1", params


class Searcher:
    """Reads the live generation; after an ingest switches a new one in, the next
    search moves to it, so a long-running process never serves a stale index."""

    def __init__(self, index_dir: Path, settings: Settings | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.settings = settings or get_settings()
        self._lock = threading.RLock()
        self.generation: Path | None = None
        self._load()

    @classmethod
    def open(cls, index_dir: Path, settings: Settings | None = None) -> Searcher:
        return cls(index_dir, settings)

    def _load(self) -> None:
        import faiss

        generation = current_generation(self.index_dir)
        db = open_readonly(generation)
        self._check_model(db)
        vectors = faiss.read_index(str(generation / VECTORS_NAME))
        acronyms = QueryExpander(dict(db.execute("SELECT acronym, expansion FROM acronyms").fetchall()))
        copy_passages = _format_copy_passages(db)
        with self._lock:
            self.db, self.vectors, self.generation, self.expander = db, vectors, generation, acronyms
            self.copy_passages = copy_passages

    def _check_model(self, db) -> None:
        """Questions must be embedded by the model the passages were: another one's vectors
        are meaningless beside them (or of another size), so say what to do instead."""
        built_with, configured = read_meta(db).get("embedding_model", ""), self.settings.embedding.model_id
        if built_with and built_with != configured:
            db.close()
            raise IndexOutdated(
                f"The index was embedded with {built_with}, but the embedding model is now {configured}: "
                "run `python bot.py ingest` to re-embed it."
            )

    def refresh(self) -> bool:
        """Switch to a newer generation if an ingest made one; True if it did."""
        try:
            target = os.readlink(self.index_dir / CURRENT)
        except OSError:
            return False
        if self.generation is not None and target == self.generation.name:
            return False
        self._load()
        return True

    @property
    def embedder(self):
        return get_embedder(self.settings.embedding)

    # -- search --------------------------------------------------------------------------

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        self.refresh()
        with self._lock:
            db, vectors, expander, copies = self.db, self.vectors, self.expander, self.copy_passages
        allowed = self._allowed_ids(db, filters) if filters else None
        if allowed is not None and not allowed:
            return []
        alternatives = expander.alternatives(query)
        dense = self._dense(vectors, query, allowed)
        lexical = self._lexical(db, fts_query(query, alternatives), allowed)
        if not (filters and filters.docs):  # a copy named in a filter is searched as asked
            dense, lexical = ([r for r in ranking if r[0] not in copies] for ranking in (dense, lexical))
        fused = fuse([(dense, DENSE_WEIGHT), (lexical, LEXICAL_WEIGHT)])
        return distinct(self._hits(db, fused[: k * 2]))[:k]

    def _allowed_ids(self, db, filters: SearchFilters) -> set[int]:
        where, params = filters.sql()
        sql = f"SELECT c.chunk_id FROM chunks c JOIN documents d USING (doc_id) WHERE {where}"
        return {row[0] for row in db.execute(sql, params)}

    def _dense(self, vectors, query: str, allowed: set[int] | None) -> list[tuple[int, float]]:
        import faiss

        if vectors.ntotal == 0:
            return []
        with self._lock:
            query_vector = self.embedder.embed([query])
        params = None
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.array(sorted(allowed), dtype=np.int64)))
        scores, ids = vectors.search(query_vector, min(CANDIDATES, vectors.ntotal), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def _lexical(self, db, match: str, allowed: set[int] | None) -> list[tuple[int, float]]:
        if not match:
            return []
        rows = db.execute(
            f"SELECT rowid, bm25(chunks_fts, {FTS_WEIGHTS}) AS rank FROM chunks_fts "
            "WHERE chunks_fts MATCH ? ORDER BY rank, rowid LIMIT ?",
            (match, CANDIDATES * (4 if allowed is not None else 1)),
        ).fetchall()
        ranked = [(int(r[0]), -float(r[1])) for r in rows]
        if allowed is not None:
            ranked = [(i, s) for i, s in ranked if i in allowed]
        return ranked[:CANDIDATES]

    def _hits(self, db, fused: list[tuple[int, float]]) -> list[Hit]:
        if not fused:
            return []
        ids = [chunk_id for chunk_id, _ in fused]
        rows = db.execute(
            "SELECT c.chunk_id, c.text, c.page_start, c.page_end, c.section, d.doc, d.title, d.kind, d.date "
            f"FROM chunks c JOIN documents d USING (doc_id) WHERE c.chunk_id IN ({','.join('?' * len(ids))})",
            ids,
        ).fetchall()
        by_id = {row["chunk_id"]: row for row in rows}
        return [
            Hit(
                chunk_id=chunk_id,
                score=score,
                text=by_id[chunk_id]["text"],
                doc=by_id[chunk_id]["doc"],
                title=by_id[chunk_id]["title"],
                page=by_id[chunk_id]["page_start"],
                page_end=by_id[chunk_id]["page_end"],
                section=by_id[chunk_id]["section"],
                kind=by_id[chunk_id]["kind"],
                date=by_id[chunk_id]["date"],
            )
            for chunk_id, score in fused
            if chunk_id in by_id
        ]


class QueryExpander:
    """The other spelling of each acronym the documents define or every SEND officer uses:
    the expansion of an acronym in the query, the acronym of an expansion. Searched as exact
    phrases, so a common acronym's expansion does not flood the query with common words."""

    def __init__(self, defined: dict[str, str]) -> None:
        self.acronyms = {**SEND_ACRONYMS, **{key.upper(): value for key, value in defined.items()}}
        self.expansions = {value: key for key, value in self.acronyms.items()}

    def alternatives(self, query: str) -> list[str]:
        additions = []
        for token in re.findall(r"[A-Za-z&]{2,10}", query):
            expansion = self.acronyms.get(token.upper().rstrip("S")) or self.acronyms.get(token.upper())
            if expansion and (token.isupper() or len(token) >= 4):
                additions.append(expansion)
        lowered = " ".join(re.findall(r"[a-z&']+", query.lower()))
        additions += [acronym for expansion, acronym in self.expansions.items() if f" {expansion} " in f" {lowered} "]
        return [a for a in dict.fromkeys(additions) if a.lower() not in query.lower()]


def _format_copy_passages(db) -> frozenset[int]:
    """Passages of Word, web or text copies of an indexed PDF (ingest.duplicates.format_copies):
    the PDF's own passages show the same words with their pages."""
    row = db.execute("SELECT value FROM meta WHERE key = 'format_copies'").fetchone()
    copies = list(json.loads(row[0])) if row else []
    if not copies:
        return frozenset()
    sql = f"SELECT c.chunk_id FROM chunks c JOIN documents d USING (doc_id) WHERE d.doc IN ({','.join('?' * len(copies))})"
    return frozenset(r[0] for r in db.execute(sql, copies))


def distinct(hits: list[Hit]) -> list[Hit]:
    """Drop a passage whose text a better-ranked one already shows (the same paragraph
    in two published copies of a document): one slot, one piece of evidence."""
    seen: set[str] = set()
    kept = []
    for hit in hits:
        key = " ".join(hit.text.lower().split())
        if key not in seen:
            seen.add(key)
            kept.append(hit)
    return kept


def fts_query(text: str, phrases: list[str] = ()) -> str:
    """Any of the question's words or the given phrases, quoted so that FTS5 syntax
    typed in a question is inert."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", text) if w.lower() not in STOPWORDS]
    terms = list(dict.fromkeys(w.lower() for w in words))
    terms += [" ".join(re.findall(r"[A-Za-z0-9]+", p.lower())) for p in phrases]
    return " OR ".join(f'"{t}"' for t in terms if t)


def fuse(rankings: list[tuple[list[tuple[int, float]], float]]) -> list[tuple[int, float]]:
    """The weighted sum of each (ranking, weight)'s scores, scaled from 0 at its worst
    candidate to 1 at its best; a passage a ranking did not return counts as its worst.
    Ties go to the lower passage id."""
    scaled = [(_min_max(ranking), weight) for ranking, weight in rankings]
    ids = {chunk_id for scores, _ in scaled for chunk_id in scores}
    fused = {i: sum(weight * scores.get(i, 0.0) for scores, weight in scaled) for i in ids}
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def _min_max(ranking: list[tuple[int, float]]) -> dict[int, float]:
    if not ranking:
        return {}
    low = min(score for _, score in ranking)
    spread = max(score for _, score in ranking) - low or 1.0
    return {chunk_id: (score - low) / spread for chunk_id, score in ranking}
