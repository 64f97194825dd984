"""From a question to a cited answer: resolve, retrieve, select evidence, then quote or generate.

    question + history -> followup.resolve -> split into parts ("who ... and how ...?")
      -> per part: records (commitment/vote questions)
      -> timewords.scope -> search -> evidence units scored (fitted model) -> refuse.judge
      -> extractive quote (default) or a checked model answer (if an endpoint is configured)

`answer_question` is the one entry point: the CLI's `ask` and the Slack bot both call it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from answer import timewords
from answer.cite import MARKER, quote_units, strip_markers
from answer.evidence import Unit, score_units, select, split_units
from answer.followup import resolve, second_part
from answer.generate import generate
from answer.llm import ChatClient
from answer.models import Answer, Citation, Turn
from answer.prompts import CANNOT_ANSWER
from answer.question import QuestionInfo, analyse, split_parts
from answer.records import answer_from_records
from answer.refuse import QuestionSignals, judge, question_signals
from index.models import Hit
from index.search import SearchFilters
from index.vocab import Vocabulary
from text.acronyms import SEND_ACRONYMS

log = logging.getLogger(__name__)

PASSAGES = 40  # passages read for evidence; the answer quotes a handful of their sentences
IN_PERIOD = 10  # passages taken from the asked-for period, when the question names one
CLOSEST = 3  # passages shown when the answer is "not found"


def answer_question(searcher, question: str, history: Sequence[Turn] = ()) -> Answer:
    resolved = resolve(question, history)
    parts = split_parts(resolved)
    if len(parts) == 1:
        answer = _answer(searcher, resolved)
    else:  # "who presented it and how did the forum vote?": each part answered, then joined
        first = _answer(searcher, parts[0])
        answer = _joined(first, _answer(searcher, second_part(parts[1], parts[0])))
    answer.question, answer.resolved_question = question, resolved
    return answer


def _answer(searcher, question: str) -> Answer:
    info, vocabulary = _understood(searcher, question)
    from_records = answer_from_records(searcher, info, vocabulary)
    if from_records is not None:
        if not from_records.found:
            from_records.hits = searcher.search(info.search_text(), k=CLOSEST)
        return from_records
    hits, units, signals = scored_units(searcher, question, info, vocabulary)
    chosen = select(units)
    verdict = judge(chosen, signals)
    log.info("question %r: found=%s %s", question, verdict.found, verdict.reason)
    answer = Answer(question=question, text=CANNOT_ANSWER, found=False, hits=hits[:CLOSEST])
    if not verdict.found:
        return answer
    client = ChatClient(searcher.settings.answer)
    if client.configured:
        generated = generate(client, question, _by_evidence(units, hits))
        answer.dropped = generated.dropped
        if generated.refused:
            return answer
        if generated.text:
            answer.text, answer.citations, answer.found = generated.text, generated.citations, True
            return answer
        log.warning("no sentence of the model's reply was supported; quoting the passages instead")
    answer.text, answer.citations = quote_units(chosen)
    answer.found = True
    return answer


def _understood(searcher, question: str) -> tuple[QuestionInfo, Vocabulary]:
    info = analyse(question)
    vocabulary = Vocabulary.live(searcher)
    info.expand({a: vocabulary.expansion(a) or SEND_ACRONYMS.get(a.upper(), "") for a in info.acronyms})
    return info, vocabulary


def scored_units(
    searcher, question: str, info: QuestionInfo | None = None, vocabulary: Vocabulary | None = None
) -> tuple[list[Hit], list[Unit], QuestionSignals]:
    """The passages read for a question, every unit of them scored by the unit model, and what
    the index says of the question's words (what bench/fit.py fits the models on)."""
    if info is None or vocabulary is None:
        info, vocabulary = _understood(searcher, question)
    when = timewords.scope(question)
    hits = _retrieve(searcher, info, when)
    weights = {stem: vocabulary.idf(word) for stem, word in info.terms.items()}
    units = [unit for rank, hit in enumerate(hits) for unit in split_units(hit, rank)]
    signals = question_signals(info, weights, units, vocabulary)
    score_units(info, units, weights, timewords.boosts(hits, when), signals.per_unit)
    return hits, units, signals


def _joined(first: Answer, second: Answer) -> Answer:
    """Two parts' answers as one: the second's sources numbered after the first's (a source
    both quote keeps its number, a line both give is given once); a part the documents
    do not answer says so in its place."""
    if not first.found and not second.found:
        first.hits = (first.hits + second.hits)[:CLOSEST]
        return first
    lines: list[str] = []
    citations: list[Citation] = []
    for part in (first, second):
        if not part.found:
            lines.append(f"{part.question.rstrip('?')}? {CANNOT_ANSWER}")
            continue
        numbers: dict[int, int] = {}
        for citation in part.citations:
            key = (citation.doc, citation.page, citation.quote)
            same = next((c for c in citations if (c.doc, c.page, c.quote) == key), None)
            if same is None:
                same = replace(citation, n=len(citations) + 1)
                citations.append(same)
            numbers[citation.n] = same.n
        for line in part.text.splitlines():
            line = _renumbered(line, numbers)
            if strip_markers(line) not in {strip_markers(seen) for seen in lines}:
                lines.append(line)
    return Answer(
        question=first.question,
        text="\n".join(lines),
        found=True,
        citations=citations,
        dropped=first.dropped + second.dropped,
    )


def _renumbered(line: str, numbers: dict[int, int]) -> str:
    return MARKER.sub(
        lambda m: " [" + ", ".join(str(numbers[int(n)]) for n in m.group(1).split(",")) + "]", line
    )


def _retrieve(searcher, info: QuestionInfo, when: timewords.TimeScope) -> list[Hit]:
    """The passages to read; a named period brings its own best passages in first."""
    query = info.search_text()
    hits = searcher.search(query, k=PASSAGES)
    if not when.has_range:
        return hits
    in_period = searcher.search(
        query, k=IN_PERIOD, filters=SearchFilters(date_from=when.date_from, date_to=when.date_to)
    )
    seen = {hit.chunk_id for hit in in_period}
    return (in_period + [hit for hit in hits if hit.chunk_id not in seen])[:PASSAGES]


def _by_evidence(units: list[Unit], hits: list[Hit]) -> list[Hit]:
    """Passages ordered by their best unit, so a model reads the most relevant first."""
    best: dict[int, float] = {}
    for unit in units:
        best[unit.hit.chunk_id] = max(best.get(unit.hit.chunk_id, unit.score), unit.score)
    return sorted(hits, key=lambda hit: -best.get(hit.chunk_id, float("-inf")))
