"""Generative answers: a model writes from the passages, then every sentence is checked.

The model sees only the retrieved passages, each between <passage> tags and numbered, and
is told to cite them. Its reply is not trusted: a sentence survives only if a passage it
cites (or, when it cites none, any passage) supports it by the lexical check in cite.py.
A sentence that follows text injected into a document fails that check, because lines
addressed to a machine are not counted as evidence.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from answer.cite import citation_for, markers, strip_markers, support
from answer.llm import ChatClient
from answer.models import Citation
from answer.prompts import CANNOT_ANSWER, PASSAGE_TEMPLATE, QUESTION_PROMPT, SYSTEM_PROMPT
from index.models import Hit
from text.units import sentences

log = logging.getLogger(__name__)

GENERATED_PASSAGES = 6  # enough to answer from, few enough for a small local model


@dataclass
class Generated:
    text: str
    citations: list[Citation]
    refused: bool = False  # the model said the passages do not answer
    dropped: list[str] = field(default_factory=list)  # sentences no cited passage supports


def messages_for(question: str, hits: list[Hit]) -> list[dict[str, str]]:
    """The system prompt and one user message holding the question and the delimited passages."""
    passages = "\n\n".join(
        PASSAGE_TEMPLATE.format(n=n, source=_attribute(hit.citation()), text=_inert(hit.text))
        for n, hit in enumerate(hits, start=1)
    )
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": QUESTION_PROMPT.format(passages=passages, question=question)},
    ]


def generate(client: ChatClient, question: str, hits: list[Hit]) -> Generated:
    passages = hits[:GENERATED_PASSAGES]
    reply = client.complete(messages_for(question, passages)).strip()
    if not reply or CANNOT_ANSWER.rstrip(".").lower() in reply.lower():
        return Generated("", [], refused=True)
    numbers: dict[int, int] = {}  # passage number in the prompt -> number in the answer
    quotes: dict[int, str] = {}
    kept, dropped = [], []
    for sentence in (s for line in reply.splitlines() for s in sentences(line.strip())):
        cited = [n for n in markers(sentence) if 1 <= n <= len(passages)]
        candidates = cited or list(range(1, len(passages) + 1))
        checks = {n: support(sentence, passages[n - 1]) for n in candidates}
        good = [n for n, check in checks.items() if check.ok]
        if not good:
            dropped.append(sentence)
            continue
        own = []
        for n in good:
            numbers.setdefault(n, len(numbers) + 1)
            unit = checks[n].unit
            quotes.setdefault(n, unit.text if unit else "")
            own.append(numbers[n])
        kept.append(strip_markers(sentence) + " " + "".join(f"[{m}]" for m in own))
    if dropped:
        log.warning("dropped %d model sentence(s) that no cited passage supports", len(dropped))
    citations = [
        citation_for(numbers[n], passages[n - 1], quotes[n]) for n in numbers
    ]  # in order of first use
    return Generated(" ".join(kept), citations, dropped=dropped)


def _inert(text: str) -> str:
    """A passage cannot close its own tag and pose as the prompt."""
    return text.replace("<passage", "&lt;passage").replace("</passage", "&lt;/passage")


def _attribute(text: str) -> str:
    return text.replace('"', "'").replace("<", "(").replace(">", ")")
