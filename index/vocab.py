"""What the indexed documents say about words: how rare each is, and what acronyms stand for.

"EHCP" or "de-delegation" in a question says far more about which sentence answers it
than "schools" does; a word no passage contains at all ("Nottinghamshire") is the
strongest sign that the documents cannot answer the question. Staff write "SEMH" where a
strategy writes "social, emotional and mental health", so a sentence that spells the
acronym out counts as containing it. Frequencies come from the index's FTS5 table
(cached per generation), expansions from the acronyms the ingest found.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Callable

_cache: dict[tuple[str, str], object] = {}  # per generation: counts, document sets
_sizes: dict[str, int] = {}

_lock = threading.Lock()


class Vocabulary:
    """Passage frequencies of words in one generation of the index."""

    def __init__(self, db, generation) -> None:
        self.db = db
        self.generation = str(generation)
        with _lock:
            if self.generation not in _sizes:
                _sizes[self.generation] = int(self.db.execute("SELECT count(*) FROM chunks").fetchone()[0])
        self.size = _sizes[self.generation]

    @classmethod
    def live(cls, searcher) -> Vocabulary:
        """The searcher's live generation's: after a re-ingest, its words count (and exist) at once."""
        searcher.refresh()
        return cls(searcher.db, searcher.generation)

    def passages_with(self, word: str) -> int:
        """How many passages contain the word (FTS5's porter stemming applies)."""
        phrase = '"' + word.rstrip("*").replace('"', " ") + '"' + ("*" if word.endswith("*") else "")
        return self._cached(
            word.lower(), 0,
            lambda: int(self.db.execute(
                "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (phrase,)
            ).fetchone()[0]),
        )

    def passages_starting(self, prefix: str) -> int:
        """How many passages have a word beginning with the prefix ("Sept" in "September")."""
        return self.passages_with(prefix.rstrip("'s") + "*")

    def idf(self, word: str) -> float:
        """Inverse passage frequency, smoothed; words in every passage weigh ~0.1."""
        return math.log((self.size + 1) / (self.passages_with(word) + 0.5)) + 0.1

    def expansion(self, acronym: str) -> str:
        """What the documents spell the acronym out as (ingest collects these), or ""."""
        row = self.db.execute(
            "SELECT expansion FROM acronyms WHERE acronym IN (?, ?)", (acronym, acronym.upper())
        ).fetchone()
        return row[0] if row else ""

    def in_document(self, word: str, doc: str) -> int:
        """In how many passages (or the title) of one document the word occurs, counting to 2:
        once may be by chance ("125 Norfolk Street" in a letter's address), twice is a subject."""
        return self._cached(
            f"{word.lower()}\0{doc}", 0,
            lambda: len(self.db.execute(
                "SELECT 1 FROM chunks_fts f JOIN chunks c ON c.chunk_id = f.rowid "
                "JOIN documents d ON d.doc_id = c.doc_id WHERE chunks_fts MATCH ? AND d.doc = ? LIMIT 2",
                (_phrase(word), doc),
            ).fetchall()),
        )

    def documents_with(self, word: str) -> frozenset[str]:
        """The file names of the documents with the word in some passage or title."""
        return self._cached(
            f"{word.lower()}\0*docs", frozenset(),
            lambda: frozenset(row[0] for row in self.db.execute(
                "SELECT DISTINCT d.doc FROM chunks_fts f JOIN chunks c ON c.chunk_id = f.rowid "
                "JOIN documents d ON d.doc_id = c.doc_id WHERE chunks_fts MATCH ?",
                (_phrase(word),),
            )),
        )

    def _cached(self, key: str, unparsable, lookup: Callable[[], object]):
        """One lookup per word and generation; a token FTS5 cannot parse counts as unseen
        (`unparsable`), not as an error."""
        key = (self.generation, key)
        with _lock:
            if key in _cache:
                return _cache[key]
        try:
            found = lookup()
        except sqlite3.OperationalError:
            found = unparsable
        with _lock:
            _cache[key] = found
        return found


def _phrase(word: str) -> str:
    """The word as one FTS5 phrase, its own quotes made inert."""
    return '"' + word.replace('"', " ") + '"'
