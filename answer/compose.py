"""From a question to a cited answer: resolve, retrieve, select evidence, then quote or generate.

    question + history -> followup.resolve -> split into parts ("who ... and how ...?")
      -> per part: records (commitment/vote questions)
      -> answer.reading (timewords.scope -> search -> evidence units scored, fitted model) -> refuse.judge
      -> extractive quote (default) or a checked model answer (if an endpoint is configured)

`answer_question` is the one entry point: the CLI's `ask` and the Slack bot both call it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from answer.cite import MARKER, quote_units, strip_markers
from answer.evidence import Unit, select
from answer.followup import resolve, second_part
from answer.generate import generate
from answer.llm import ChatClient
from answer.models import Answer, Citation, Turn
from answer.prompts import CANNOT_ANSWER
from answer.question import split_parts
from answer.reading import scored_units, understood
from answer.records import answer_from_records
from answer.refuse import judge
from index.models import Hit

log = logging.getLogger(__name__)

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
    info, vocabulary = understood(searcher, question)
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


def _by_evidence(units: list[Unit], hits: list[Hit]) -> list[Hit]:
    """Passages ordered by their best unit, so a model reads the most relevant first."""
    best: dict[int, float] = {}
    for unit in units:
        best[unit.hit.chunk_id] = max(best.get(unit.hit.chunk_id, unit.score), unit.score)
    return sorted(hits, key=lambda hit: -best.get(hit.chunk_id, float("-inf")))
