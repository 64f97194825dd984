"""Hybrid search: unit vectors (FAISS), keywords (SQLite FTS5) and the documents a question names.

Officers type acronyms and exact phrases (EHCP, DSG, "Safety Valve") that a small
embedding model blurs, and plain questions that keywords miss. Candidates come from both
rankings (and from the documents the question names, index.names); each is described by
a few signals and ordered by the model index.ranking fits on the blind dev questions.
A passage is as near the question as its nearest unit (sentence, item, row). Ties are
broken by passage id, so results are deterministic.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from errors import IndexOutdated
from index.audience import EVERYONE, Audience, usergroups_named
from index.embedders import VECTORS_OF, get_embedder
from index.models import Hit, IndexedDocument
from index.names import DocumentNames
from index.ranking import passage_model, scaled
from index.store import CURRENT, VECTORS_NAME, current_generation, open_readonly, read_meta
from index.vocab import Vocabulary
from settings import Settings, get_settings
from text.acronyms import SEND_ACRONYMS
from text.units import passage_units
from text.words import content_terms, term_set

CANDIDATES = 200  # passages taken from the keyword ranking, and from the vector ranking
UNIT_CANDIDATES = 1000  # units taken from the vector ranking, grouped into their passages
NAMED_CANDIDATES = 50  # passages of the documents a question names, from each ranking
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
    """Narrow a search to some documents, kinds or a date range (ISO dates, inclusive). The
    audience is who the results are for (index.audience): access is not a filter a caller
    chooses, so it lives on the searcher's view (`Searcher.seen_by`), not here."""

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


@dataclass
class Candidate:
    """A passage search considered, with the signals index.ranking weighs (PASSAGE_FEATURES)."""

    chunk_id: int
    features: np.ndarray
    unit_scores: tuple[float, ...]
    named: float


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
        self._check_built(db)
        vectors = faiss.read_index(str(generation / VECTORS_NAME))
        acronyms = QueryExpander(dict(db.execute("SELECT acronym, expansion FROM acronyms").fetchall()))
        copy_passages = _format_copy_passages(db)
        rows = db.execute("SELECT unit_id, chunk_id FROM units ORDER BY chunk_id, position").fetchall()
        unit_passage = np.zeros(max((r[0] for r in rows), default=0) + 1, dtype=np.int64)
        passage_units: dict[int, list[int]] = {}  # each passage's unit ids, in unit order
        for unit_id, chunk_id in rows:
            unit_passage[unit_id] = chunk_id
            passage_units.setdefault(chunk_id, []).append(unit_id)
        names = DocumentNames(db.execute("SELECT doc_id, names FROM documents").fetchall())
        doc_access = _document_access(db)
        documents = [
            IndexedDocument(row[0], row[1], row[2] or "", row[3] or "", Path(row[4]), row[5],
                            tuple(names.names.get(row[0], ())))
            for row in db.execute(
                "SELECT d.doc_id, d.doc, d.title, d.date, d.path, count(c.chunk_id) FROM documents d "
                "LEFT JOIN chunks c USING (doc_id) GROUP BY d.doc_id ORDER BY d.doc"
            )
        ]
        passage_doc = dict(db.execute("SELECT chunk_id, doc_id FROM chunks").fetchall())
        doc_passages: dict[int, list[int]] = {}
        for chunk_id, doc_id in passage_doc.items():
            doc_passages.setdefault(doc_id, []).append(chunk_id)
        with self._lock:
            self.db, self.vectors, self.generation, self.expander = db, vectors, generation, acronyms
            self.copy_passages, self.unit_passage, self.names = copy_passages, unit_passage, names
            self.passage_units, self.passage_doc, self.doc_passages = passage_units, passage_doc, doc_passages
            self.doc_access, self.documents_held = doc_access, documents
            self._words: dict[int, tuple[set[str], list[set[str]]]] = {}  # this generation's, by _passage_words
            self._visible: dict[Audience, frozenset[int] | None] = {}  # this generation's, by _visible_docs

    def _check_built(self, db) -> None:
        """Questions must be embedded by the model the units were, and an index from before
        unit vectors cannot be searched by them: say what to do instead."""
        meta = read_meta(db)
        built_with, configured = meta.get("embedding_model", ""), self.settings.embedding.model_id
        if built_with and built_with != configured:
            db.close()
            raise IndexOutdated(
                f"The index was embedded with {built_with}, but the embedding model is now {configured}: "
                "run `python bot.py ingest` to re-embed it."
            )
        if not meta.get("embedding_signature", "").endswith(f"|{VECTORS_OF}"):
            db.close()
            raise IndexOutdated(
                "The index was built by an older version that embedded whole passages: "
                "run `python bot.py ingest` to rebuild it."
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

    def seen_by(self, audience: Audience) -> Searcher | AudienceView:
        """This searcher as `audience` sees it: only the documents it may see are searched,
        listed or counted. The view shares the searcher (model, index, generations)."""
        return self if audience == EVERYONE else AudienceView(self, audience)

    def snapshot(self, audience: Audience = EVERYONE) -> tuple[object, frozenset[int] | None]:
        """The live generation's db and the ids of the documents `audience` may see in it (None
        when it may see them all, so nothing needs filtering), read together."""
        self.refresh()
        with self._lock:
            return self.db, self._visible_docs(self.doc_access, self._visible, audience)

    def usergroups(self) -> set[str]:
        """The Slack user groups some document is open to: the only ones worth asking Slack about."""
        self.refresh()
        with self._lock:
            return usergroups_named(self.doc_access.values())

    def documents(self, audience: Audience = EVERYONE, hidden: bool = False) -> list[IndexedDocument]:
        """The documents `audience` may see, by file name; with `hidden`, those it may not."""
        self.refresh()
        with self._lock:
            held, visible = self.documents_held, self._visible_docs(self.doc_access, self._visible, audience)
        return [d for d in held if (visible is None or d.doc_id in visible) != hidden]

    @staticmethod
    def _visible_docs(doc_access, cache, audience: Audience) -> frozenset[int] | None:
        if audience not in cache:
            visible = frozenset(d for d, access in doc_access.items() if audience.sees(access))
            cache[audience] = None if len(visible) == len(doc_access) else visible
        return cache[audience]

    # -- search --------------------------------------------------------------------------

    def search(
        self, query: str, k: int = 10, filters: SearchFilters | None = None, audience: Audience = EVERYONE
    ) -> list[Hit]:
        """The k best passages for the query that `audience` may see, by index.ranking's fitted model."""
        db, candidates = self._candidates(query, filters, audience)
        if not candidates:
            return []
        scores = passage_model().scores(np.stack([c.features for c in candidates]))
        order = sorted(range(len(candidates)), key=lambda i: (-scores[i], candidates[i].chunk_id))
        ranked = [(candidates[i], float(scores[i])) for i in order[: k * 2]]
        return distinct(_hits(db, ranked))[:k]

    def candidates(
        self, query: str, filters: SearchFilters | None = None, audience: Audience = EVERYONE
    ) -> list[Candidate]:
        """Every passage the keywords, the unit vectors or the question's names bring up, with
        the signals index.ranking weighs. Access, filters and format copies apply before anything
        is ranked, so a passage the audience may not see never takes an allowed one's place."""
        return self._candidates(query, filters, audience)[1]

    def _candidates(
        self, query: str, filters: SearchFilters | None, audience: Audience
    ) -> tuple[object, list[Candidate]]:
        """The candidates, and the generation's db they were read from: one snapshot per query,
        so an ingest switching generations mid-query never mixes two."""
        self.refresh()
        with self._lock:
            db, vectors, expander, copies = self.db, self.vectors, self.expander, self.copy_passages
            unit_passage, passage_units, names = self.unit_passage, self.passage_units, self.names
            passage_doc, doc_passages = self.passage_doc, self.doc_passages
            generation, words = self.generation, self._words
            visible = self._visible_docs(self.doc_access, self._visible, audience)
        allowed = self._allowed_ids(db, filters) if filters else None
        if visible is not None:
            seen = {c for d in visible for c in doc_passages.get(d, ())}
            allowed = seen if allowed is None else allowed & seen
        if allowed is not None and not allowed:
            return db, []
        shares = {d: share for d, share in names.shares(query).items() if visible is None or d in visible}
        # The words that name documents choose the documents, not the passages in them (blind dev
        # recall@5 with them kept in the query: other areas 0.789, Kent 0.844, Leicester 0.796;
        # taken out: 0.868, 0.867, 0.815).
        content = names.without_names(query)
        if not fts_query(content):  # "what is the Quillfeather Fund?": the name is all it asks about
            content = query
        with self._lock:
            query_vector = self.embedder.embed([content])[0]
        match = fts_query(content, expander.alternatives(content))
        lexical = _lexical(db, match, allowed, CANDIDATES)
        dense = _dense(vectors, unit_passage, passage_units, query_vector, allowed, UNIT_CANDIDATES)
        if shares:  # the named documents' own best passages join the candidates
            named = {c for d in shares for c in doc_passages.get(d, ()) if allowed is None or c in allowed}
            lexical += [hit for hit in _lexical(db, match, named, NAMED_CANDIDATES) if hit not in lexical]
            dense.update(_dense(vectors, unit_passage, passage_units, query_vector, named, NAMED_CANDIDATES * 5))
        if copies and not (filters and filters.docs):  # a copy named in a filter is searched as asked
            lexical = [hit for hit in lexical if hit[0] not in copies]
            dense = {c: scores for c, scores in dense.items() if c not in copies}
        pool = list(dict.fromkeys([c for c, _ in lexical] + sorted(dense, key=lambda c: -max(dense[c]))[:CANDIDATES]))
        if not pool:
            return db, []
        unit_scores = _unit_scores(vectors, passage_units, query_vector, pool)
        coverage = _coverage(Vocabulary(db, generation), _passage_words(db, words, pool), content)
        return db, _described(pool, lexical, unit_scores, shares, passage_doc, coverage)

    def passage(self, chunk_id: int) -> tuple[str, str]:
        """A passage's document file name and text."""
        row = self.db.execute(
            "SELECT d.doc, c.text FROM chunks c JOIN documents d USING (doc_id) WHERE c.chunk_id = ?", (chunk_id,)
        ).fetchone()
        return row[0], row[1]

    def _allowed_ids(self, db, filters: SearchFilters) -> set[int]:
        where, params = filters.sql()
        sql = f"SELECT c.chunk_id FROM chunks c JOIN documents d USING (doc_id) WHERE {where}"
        return {row[0] for row in db.execute(sql, params)}


class AudienceView:
    """A searcher as one audience sees it (`Searcher.seen_by`): what the answer layer and the
    record lists call, with the audience applied inside search and to every record."""

    def __init__(self, searcher: Searcher, audience: Audience) -> None:
        self.searcher, self.audience = searcher, audience

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        return self.searcher.search(query, k, filters, self.audience)

    def candidates(self, query: str, filters: SearchFilters | None = None) -> list[Candidate]:
        return self.searcher.candidates(query, filters, self.audience)

    def snapshot(self) -> tuple[object, frozenset[int] | None]:
        return self.searcher.snapshot(self.audience)

    def documents(self, hidden: bool = False) -> list[IndexedDocument]:
        return self.searcher.documents(self.audience, hidden)

    def refresh(self) -> bool:
        return self.searcher.refresh()

    @property
    def db(self):
        return self.searcher.db

    @property
    def generation(self) -> Path | None:
        return self.searcher.generation

    @property
    def settings(self) -> Settings:
        return self.searcher.settings


def _document_access(db) -> dict[int, frozenset[str]]:
    """Each document's principals (ingest.access); an index from before access rules is public."""
    try:
        rows = db.execute("SELECT doc_id, access FROM documents").fetchall()
    except sqlite3.OperationalError:
        return {doc_id: frozenset() for (doc_id,) in db.execute("SELECT doc_id FROM documents")}
    return {doc_id: frozenset(json.loads(access or "[]")) for doc_id, access in rows}


def _dense(vectors, unit_passage, passage_units, query_vector, allowed, n: int) -> dict[int, list[float]]:
    """Passages of the n units nearest the question, with those units' cosines."""
    import faiss

    if vectors.ntotal == 0:
        return {}
    params = None
    if allowed is not None:
        if not allowed:
            return {}
        units = [u for chunk_id in allowed for u in passage_units.get(chunk_id, ())]
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.array(units, dtype=np.int64)))
    scores, ids = vectors.search(query_vector[None, :], min(n, vectors.ntotal), params=params)
    found: dict[int, list[float]] = {}
    for unit_id, score in zip(ids[0], scores[0], strict=True):
        if unit_id >= 0:
            found.setdefault(int(unit_passage[unit_id]), []).append(float(score))
    return found


def _unit_scores(vectors, passage_units, query_vector, pool: list[int]) -> dict[int, tuple[float, ...]]:
    """Each pooled passage's units' cosines to the question, in unit order."""
    owned = [(chunk_id, passage_units.get(chunk_id, [])) for chunk_id in pool]
    ids = np.array([u for _, units in owned for u in units], dtype=np.int64)
    if not len(ids):
        return {}
    cosines = (vectors.reconstruct_batch(ids) @ query_vector).tolist()
    found, start = {}, 0
    for chunk_id, units in owned:
        if units:
            found[chunk_id] = tuple(cosines[start : start + len(units)])
            start += len(units)
    return found


def _lexical(db, match: str, allowed: set[int] | None, n: int) -> list[tuple[int, float]]:
    if not match or (allowed is not None and not allowed):
        return []
    rows = db.execute(
        f"SELECT rowid, bm25(chunks_fts, {FTS_WEIGHTS}) AS rank FROM chunks_fts "
        "WHERE chunks_fts MATCH ? ORDER BY rank, rowid LIMIT ?",
        (match, n * (4 if allowed is not None else 1)),
    ).fetchall()
    ranked = [(int(r[0]), -float(r[1])) for r in rows]
    if allowed is not None:
        ranked = [(i, s) for i, s in ranked if i in allowed]
    return ranked[:n]


def _hits(db, ranked: list[tuple[Candidate, float]]) -> list[Hit]:
    if not ranked:
        return []
    ids = [candidate.chunk_id for candidate, _ in ranked]
    rows = db.execute(
        "SELECT c.chunk_id, c.text, c.page_start, c.page_end, c.section, d.doc, d.title, d.kind, d.date "
        f"FROM chunks c JOIN documents d USING (doc_id) WHERE c.chunk_id IN ({','.join('?' * len(ids))})",
        ids,
    ).fetchall()
    by_id = {row["chunk_id"]: row for row in rows}
    return [
        Hit(
            chunk_id=candidate.chunk_id,
            score=score,
            text=by_id[candidate.chunk_id]["text"],
            doc=by_id[candidate.chunk_id]["doc"],
            title=by_id[candidate.chunk_id]["title"],
            page=by_id[candidate.chunk_id]["page_start"],
            page_end=by_id[candidate.chunk_id]["page_end"],
            section=by_id[candidate.chunk_id]["section"],
            kind=by_id[candidate.chunk_id]["kind"],
            date=by_id[candidate.chunk_id]["date"],
            unit_scores=candidate.unit_scores,
            named=candidate.named,
        )
        for candidate, score in ranked
        if candidate.chunk_id in by_id
    ]


def _coverage(
    vocabulary: Vocabulary, words: dict[int, tuple[set[str], list[set[str]]]], query: str
) -> dict[int, tuple[float, float]]:
    """Per passage, the rarity-weighted share of the question's words in its best-covering unit
    and in the whole passage: the words of an answer tend to stand in one sentence (blind dev
    recall@5 of the candidates as ranked: 0.861 without these, 0.898 with them)."""
    terms = content_terms(query)
    if not terms:
        return {}
    weights = {term: vocabulary.idf(word) for term, word in terms.items()}
    total = sum(weights.values()) or 1.0
    found = {}
    for chunk_id, (passage, units) in words.items():
        best = max((sum(w for t, w in weights.items() if t in unit) for unit in units), default=0.0)
        found[chunk_id] = (best / total, sum(w for t, w in weights.items() if t in passage) / total)
    return found


def _passage_words(
    db, known: dict[int, tuple[set[str], list[set[str]]]], pool: list[int]
) -> dict[int, tuple[set[str], list[set[str]]]]:
    """The stemmed words of each pooled passage and of each of its units, from `known` (one
    generation's cache, filled here from that generation's db) or read once."""
    missing = [c for c in pool if c not in known]
    for start in range(0, len(missing), 900):  # SQLite's limit on bound parameters
        part = missing[start : start + 900]
        rows = db.execute(
            f"SELECT chunk_id, text FROM chunks WHERE chunk_id IN ({','.join('?' * len(part))})", part
        ).fetchall()
        for chunk_id, text in rows:
            units = [term_set(u.text) for u in passage_units(text)]
            known[chunk_id] = (set().union(*units), units)
    return {c: known.get(c, (set(), [])) for c in pool}


def _described(
    pool: list[int],
    lexical: list[tuple[int, float]],
    unit_scores: dict[int, tuple[float, ...]],
    shares: dict[int, float],
    passage_doc: dict[int, int],
    coverage: dict[int, tuple[float, float]],
) -> list[Candidate]:
    """The pooled passages with their PASSAGE_FEATURES, in the order that tuple names them."""
    keyword = dict(lexical)
    keyword_rank = {chunk_id: rank for rank, (chunk_id, _) in enumerate(lexical)}
    keyword_scaled = dict(zip(keyword, scaled(np.array(list(keyword.values()))).tolist(), strict=True))
    best = np.array([max(unit_scores.get(c, (0.0,))) for c in pool])
    second = np.array([sorted(unit_scores.get(c, (0.0,)), reverse=True)[1:2] or [0.0] for c in pool])[:, 0]
    vector_scaled = scaled(best)
    candidates = []
    for i, chunk_id in enumerate(pool):
        named = shares.get(passage_doc.get(chunk_id, -1), 0.0)
        features = np.array([
            keyword_scaled.get(chunk_id, 0.0),
            1.0 / (1.0 + keyword_rank[chunk_id] / 10) if chunk_id in keyword_rank else 0.0,
            best[i],
            vector_scaled[i],
            second[i],
            named,
            1.0 if shares and named == 0 else 0.0,
            *coverage.get(chunk_id, (0.0, 0.0)),
        ])
        candidates.append(Candidate(chunk_id, features, unit_scores.get(chunk_id, ()), named))
    return candidates


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
