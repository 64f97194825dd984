"""Reading for a question: what it asks, the passages to read, and every unit of them scored.

    question -> question.analyse (acronyms spelled out from the index's own definitions)
      -> timewords.scope -> search (the asked-for period's passages first)
      -> evidence units, each scored by the fitted unit model (answer.evidence)

The answer (answer.compose), the progress of commitments (answer.progress) and the model
fitting (bench/fit.py) all read this way, so they weigh evidence alike.
"""

from __future__ import annotations

from dataclasses import replace

from answer import timewords
from answer.evidence import Unit, score_units, split_units
from answer.question import QuestionInfo, analyse
from answer.refuse import QuestionSignals, question_signals
from index.models import Hit
from index.search import SearchFilters
from index.vocab import Vocabulary
from text.acronyms import SEND_ACRONYMS

PASSAGES = 40  # passages read for evidence; the answer quotes a handful of their sentences
IN_PERIOD = 10  # passages taken from the asked-for period, when the question names one


def understood(searcher, question: str) -> tuple[QuestionInfo, Vocabulary]:
    """The question analysed, its acronyms spelled out as the documents (or SEND usage) spell them."""
    info = analyse(question)
    vocabulary = Vocabulary.live(searcher)
    info.expand({a: vocabulary.expansion(a) or SEND_ACRONYMS.get(a.upper(), "") for a in info.acronyms})
    return info, vocabulary


def scored_units(
    searcher,
    question: str,
    info: QuestionInfo | None = None,
    vocabulary: Vocabulary | None = None,
    filters: SearchFilters | None = None,
    passages: int = PASSAGES,
) -> tuple[list[Hit], list[Unit], QuestionSignals]:
    """The passages read for a question (of the documents `filters` allows), every unit of them
    scored by the unit model, and what the index says of the question's words (what bench/fit.py
    fits the models on)."""
    if info is None or vocabulary is None:
        info, vocabulary = understood(searcher, question)
    when = timewords.scope(question)
    hits = _retrieve(searcher, info, when, filters or SearchFilters(), passages)
    weights = {stem: vocabulary.idf(word) for stem, word in info.terms.items()}
    units = [unit for rank, hit in enumerate(hits) for unit in split_units(hit, rank)]
    signals = question_signals(info, weights, units, vocabulary)
    score_units(info, units, weights, timewords.boosts(hits, when), signals.per_unit)
    return hits, units, signals


def _retrieve(
    searcher, info: QuestionInfo, when: timewords.TimeScope, filters: SearchFilters, passages: int
) -> list[Hit]:
    """The passages to read; a named period brings its own best passages in first."""
    query = info.search_text()
    hits = searcher.search(query, k=passages, filters=filters if filters else None)
    if not when.has_range:
        return hits
    date_to = min(d for d in (filters.date_to, when.date_to) if d) if filters.date_to or when.date_to else ""
    narrowed = replace(filters, date_from=max(filters.date_from, when.date_from), date_to=date_to)
    in_period = searcher.search(query, k=IN_PERIOD, filters=narrowed)
    seen = {hit.chunk_id for hit in in_period}
    return (in_period + [hit for hit in hits if hit.chunk_id not in seen])[:passages]
