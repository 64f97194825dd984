"""Whether the retrieved evidence answers the question at all, or the bot should say so.

Search always returns something, so "found" is a judgement on what came back. Three
signs say the documents do not answer, checked in order:

1. the question names something no indexed passage mentions at all (a council, an
   acronym, a programme: "Nottinghamshire", "EOTAS") - the clearest sign;
2. the question names something (a council, a body, an acronym) that the documents the
   evidence comes from are not about (no mention in the evidence's passage, at most one in
   the whole document): asked about Kent's Written Statement of Action, the only one
   indexed is Leicester's;
3. the best evidence and its passage share too little of the question's words, weighted
   by rarity (MIN_COVERAGE) - unless the question asks what an acronym stands for and
   the evidence spells it out.

The thresholds were set on bench/questions.jsonl (answerable and unanswerable questions);
bench/results/answers.md reports the trade-off they give.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field

from answer.evidence import Unit
from answer.question import QuestionInfo
from answer.vocab import Vocabulary
from answer.words import is_number, spelled_out, term_set

MIN_COVERAGE = 0.5  # weighted share of the question's words the best evidence holds
NEARBY = 0.5  # a word only elsewhere in the best unit's passage counts this much


@dataclass
class Verdict:
    found: bool
    reason: str = ""
    coverage: float = 0.0
    unseen: list[str] = field(default_factory=list)  # question names no passage contains
    missing: list[str] = field(default_factory=list)  # question names the evidence's documents lack


def judge(
    info: QuestionInfo, weights: dict[str, float], chosen: list[Unit], vocabulary: Vocabulary
) -> Verdict:
    if not chosen:
        return Verdict(False, "no evidence")
    names = [t for t in info.salient if t in info.terms and not is_number(info.terms[t])]
    unseen = [info.terms[t] for t in names if not _indexed(info, t, vocabulary)]
    if unseen:
        return Verdict(False, "the documents never mention " + ", ".join(unseen), unseen=unseen)
    missing = _missing_from_sources(info, names, chosen, vocabulary)
    if missing:
        return Verdict(False, "the evidence's documents never mention " + ", ".join(missing), missing=missing)
    if info.has("acronym") and info.acronyms and any(spelled_out(info.acronyms[0], u.text) for u in chosen):
        return Verdict(True, f"{info.acronyms[0]} is spelled out", 1.0)
    best = chosen[0]
    quoted = _frame(best) | set().union(
        *(term_set(u.text) for u in chosen if u.hit.chunk_id == best.hit.chunk_id)
    )
    nearby = term_set(best.hit.text)
    covered = sum(
        w * (1.0 if info.matches(t, quoted) else NEARBY if info.matches(t, nearby) else 0.0)
        for t, w in weights.items()
    ) / (sum(weights.values()) or 1.0)
    if covered < MIN_COVERAGE:
        return Verdict(False, f"the evidence covers {covered:.0%} of the question", covered)
    return Verdict(True, "", covered)


def _indexed(info: QuestionInfo, term: str, vocabulary: Vocabulary) -> bool:
    """In some passage, as written or (for an acronym) spelled out."""
    if vocabulary.passages_with(info.terms[term]):
        return True
    words = info.expansions.get(info.terms[term], "").split()
    return bool(words) and all(vocabulary.passages_with(word) for word in words)


def _missing_from_sources(
    info: QuestionInfo, names: list[str], chosen: list[Unit], vocabulary: Vocabulary
) -> list[str]:
    """The question's names that no document of the chosen evidence is about: one document
    must have them all, each in the evidence's own passage (its text, headings, title, file
    name or date) or in at least two passages of the document."""
    best_missing: list[str] | None = None
    for unit in chosen:
        around = _around(unit)
        missing = [
            info.terms[t]
            for t in names
            if not info.matches(t, around) and not _about(info, t, unit, vocabulary)
        ]
        if not missing:
            return []
        if best_missing is None or len(missing) < len(best_missing):
            best_missing = missing
    return best_missing or []


def _about(info: QuestionInfo, term: str, unit: Unit, vocabulary: Vocabulary) -> bool:
    words = [info.terms[term]]
    spelled = info.expansions.get(info.terms[term], "").split()
    return vocabulary.in_document(words[0], unit.hit.doc) >= 2 or bool(
        spelled and all(vocabulary.in_document(w, unit.hit.doc) >= 2 for w in spelled)
    )


def _frame(unit: Unit) -> set[str]:
    """Words of a unit, its headings, its document's title and file name, and the month and
    year its document is dated (so "the January 2025 Cabinet" meets a minute of 2025-01-30)."""
    hit = unit.hit
    dated = ""
    if len(hit.date) >= 7 and hit.date[5:7].isdigit():
        month = int(hit.date[5:7])
        dated = f"{calendar.month_name[month]} {calendar.month_abbr[month]} {hit.date[:4]}"
    return term_set(" ".join([unit.text, unit.context, hit.doc.replace("-", " "), dated]))


def _around(unit: Unit) -> set[str]:
    """The frame of a unit and the rest of its passage."""
    return _frame(unit) | term_set(unit.hit.text)
