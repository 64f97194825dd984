"""From a question to a cited answer: resolve, retrieve, select evidence, then quote or generate.

    question + history -> followup.resolve -> records (commitment/vote questions)
      -> timewords.scope -> search -> evidence units scored -> refuse.judge
      -> extractive quote (default) or a checked model answer (if an endpoint is configured)

`answer_question` is the one entry point: the CLI's `ask` and the Slack bot both call it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from answer import timewords
from answer.cite import quote_units
from answer.evidence import Unit, score_units, select, split_units
from answer.followup import resolve
from answer.generate import generate
from answer.llm import ChatClient
from answer.models import Answer, Turn
from answer.prompts import CANNOT_ANSWER
from answer.question import SEND_ACRONYMS, QuestionInfo, analyse
from answer.records import answer_from_records
from answer.refuse import judge
from answer.vocab import Vocabulary
from index.search import SearchFilters
from ingest.models import Hit

log = logging.getLogger(__name__)

PASSAGES = 40  # passages read for evidence; the answer quotes a handful of their sentences
IN_PERIOD = 10  # passages taken from the asked-for period, when the question names one
CLOSEST = 3  # passages shown when the answer is "not found"


def answer_question(searcher, question: str, history: Sequence[Turn] = ()) -> Answer:
    resolved = resolve(question, history)
    info = analyse(resolved)
    vocabulary = Vocabulary(searcher)
    info.expand({a: vocabulary.expansion(a) or SEND_ACRONYMS.get(a.upper(), "") for a in info.acronyms})
    from_records = answer_from_records(searcher, info, vocabulary)
    if from_records is not None:
        from_records.question, from_records.resolved_question = question, resolved
        return from_records
    when = timewords.scope(resolved)
    hits = _retrieve(searcher, info, when)
    weights = {stem: vocabulary.idf(word) for stem, word in info.terms.items()}
    units = [unit for rank, hit in enumerate(hits) for unit in split_units(hit, rank)]
    score_units(info, units, weights, timewords.boosts(hits, when))
    chosen = select(units)
    verdict = judge(info, weights, chosen, vocabulary)
    log.info("question %r: found=%s %s", resolved, verdict.found, verdict.reason)
    answer = Answer(
        question=question, text=CANNOT_ANSWER, found=False, hits=hits[:CLOSEST], resolved_question=resolved
    )
    if not verdict.found:
        return answer
    client = ChatClient(searcher.settings.answer)
    if client.configured:
        generated = generate(client, resolved, _by_evidence(units, hits))
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
