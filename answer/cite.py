"""Citations: numbering the passages an answer quotes, and checking a sentence against its source.

Every sentence that goes out carries a marker [n] pointing at a passage, and the source
list under the answer quotes the line of that passage which supports it. A model's
sentence only keeps its marker if the cited passage really says it: most of its content
words are in the passage and every number it states is there too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from answer.evidence import Unit, is_instruction, split_units
from answer.models import Citation
from index.models import Hit
from text.words import content_terms, numbers, term_set

MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
MIN_SUPPORT = 0.6  # share of a sentence's content words that its passage must contain


def citation_for(n: int, hit: Hit, quote: str) -> Citation:
    return Citation(n=n, doc=hit.doc, title=hit.title, page=hit.page, section=hit.section, quote=quote, date=hit.date)


def quote_units(chosen: list[Unit]) -> tuple[str, list[Citation]]:
    """Answer text made of the chosen units, best first, with one citation per passage.

    Units next to each other in one passage are quoted as one run, so a span that crosses
    a sentence end (a recommendation and its vote) is never cut by a marker.
    """
    order = {id(unit): index for index, unit in enumerate(chosen)}
    runs: list[list[Unit]] = []
    for chunk_id in dict.fromkeys(unit.hit.chunk_id for unit in chosen):
        units = sorted((u for u in chosen if u.hit.chunk_id == chunk_id), key=lambda u: u.position)
        for unit in units:
            if runs and runs[-1][-1].hit.chunk_id == chunk_id and runs[-1][-1].position == unit.position - 1:
                runs[-1].append(unit)
            else:
                runs.append([unit])
    runs.sort(key=lambda run: min(order[id(u)] for u in run))
    numbers_by_chunk: dict[int, int] = {}
    quotes: dict[int, list[str]] = {}
    lines = []
    for run in runs:
        hit = run[0].hit
        n = numbers_by_chunk.setdefault(hit.chunk_id, len(numbers_by_chunk) + 1)
        text = run_text(run)
        quotes.setdefault(n, []).append(text)
        lines.append(f"{text} [{n}]")
    hits = {
        n: next(u.hit for u in chosen if u.hit.chunk_id == chunk) for chunk, n in numbers_by_chunk.items()
    }
    citations = [citation_for(n, hits[n], " … ".join(quotes[n])) for n in sorted(hits)]
    return "\n".join(lines), citations


def run_text(run: list[Unit]) -> str:
    """Neighbouring units as one quote; table rows one a line, under their column names."""
    if not any(unit.kind == "row" for unit in run):
        return " ".join(unit.text for unit in run)
    lines: list[str] = []
    for unit in run:
        if unit.header and unit.header not in lines:
            lines.append(unit.header)
        lines.append(unit.text)
    return "\n".join(lines)


@dataclass
class Support:
    """The passage unit that best supports a sentence, and how well."""

    unit: Unit | None
    share: float
    numbers_ok: bool

    @property
    def ok(self) -> bool:
        return self.unit is not None and self.share >= MIN_SUPPORT and self.numbers_ok


def support(sentence: str, hit: Hit) -> Support:
    """How well one passage supports one sentence (markers removed before comparing).

    Lines that try to instruct a reader ("ignore previous instructions") are not evidence:
    a reply that repeats them is unsupported even though the words are in the passage.
    """
    claim = MARKER.sub("", sentence)
    wanted = set(content_terms(claim))
    units = [u for u in split_units(hit, 0) if not is_instruction(u.text)]
    if not wanted or not units:
        return Support(None, 0.0, False)
    evidence = " ".join(u.text for u in units)
    present = term_set(evidence)
    share = len(wanted & present) / len(wanted)
    numbers_ok = numbers(claim) <= numbers(evidence)
    best = max(units, key=lambda u: len(wanted & term_set(u.text)))
    return Support(best, share, numbers_ok)


def markers(sentence: str) -> list[int]:
    """The passage numbers a sentence cites, in order: "[1]", "[2, 3]"."""
    found: list[int] = []
    for group in MARKER.findall(sentence):
        found += [int(n) for n in group.split(",")]
    return list(dict.fromkeys(found))


def strip_markers(sentence: str) -> str:
    return MARKER.sub("", sentence).strip()
