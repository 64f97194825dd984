"""The sentences, list items and table rows of retrieved passages, scored against the question.

Staff want the line that answers them, not the passage around it, and they check it
against the PDF, so an answer quotes whole units verbatim: a sentence, a bullet, a
table row, or a recommendation together with its "Approved: N Rejected: N" line.
A unit scores by the rare question words it contains (IDF-weighted), the question's word
pairs it repeats (most of all a numbered name: "priority 3"), the words of its headings
and passage (which often name what a sentence is about), whether it holds what the
question asks for (a name, a new number, a date, a vote, an acronym's expansion) and how
high search ranked its passage. Lines that address a machine ("ignore previous
instructions") are never evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from answer.question import QuestionInfo
from answer.words import STOPWORDS, is_number, number_key, spelled_out, split_hyphens, stem, term_set, tokens
from ingest.models import Hit

VOTE_LINE = re.compile(r"^(?:Approved|Rejected|Abstained|Carried|Votes?)\b[: ]", re.I)
BULLET = re.compile(r"^[•●▪■◦‣∙·]\s*")
VALUE_MAX_CHARS = 40  # a line this short after "Name:" is that name's value (a rating, a sum)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9£(\"'])")
ABBREVIATIONS = frozenset("mr mrs ms dr cllr no nos st e.g i.e etc approx vs para cf fig inc ltd co".split())
INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|above|previous)\b|"
    r"\byou are (?:now|an? )\b|\bsystem prompt\b|\b(?:assistant|chatbot|language model|AI)\b.{0,30}\b"
    r"(?:must|should|shall)\b|\b(?:respond|reply|answer) (?:only )?with\b",
    re.I,
)

NUMBER = re.compile(
    r"(?<![\w./-])(?!(?:19|20)\d\d(?!\d|%|,\d))[£$]?\d[\d,.]*%?|\b(?:one|two|three|four|five|six|"
    r"seven|eight|nine|ten|twenty|hundred|thousand|million)\b",
    re.I,
)
PARAGRAPH_NUMBER = re.compile(r"^\(?\d{1,2}(?:\.\d{1,2})*[.)]?\s+")  # "5.1 The budget ..."
MONEY_AFTER = re.compile(r"\s?(?:m|bn|k|million|billion|thousand|pounds)\b", re.I)
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DATE = re.compile(
    rf"\b{MONTH}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|\b(?:19|20)\d\d\b|\b(?:spring|summer|autumn)\b", re.I
)
PERSON = re.compile(  # a person, by title or role, or an organisation
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Sir|Dame|Professor)\.?\s+[A-Z]|"
    r"\b[A-Z][a-z]+ [A-Z][a-z'\-]+,? (?:[A-Z][a-z]+ )*(?:Officer|Director|Manager|Lead|Head|Chair|Chairman|Leader|"
    r"Member|Adviser|Advisor|Executive|Commissioner|Principal)\b|"
    r"\b(?:Director|Officer|Manager|Lead|Head of|Chair(?:man)?|Leader|Author|Owner|Europe|Ltd|Limited)\b"
)
VOTE = re.compile(r"\bApproved:\s*\d|\bunanimous\w*|\bvot(?:e|ed|ing)\b|\bcarried\b", re.I)
LONG_UNIT, CLAUSE = 450, 300  # characters
SHORT = 90  # a unit this short is quoted with its neighbour
IDENTIFIER = 3  # extra phrase matches for naming the question's "priority 3", "Area 4", "Year 2"


@dataclass
class Unit:
    """One quotable piece of a passage."""

    hit: Hit
    rank: int  # the passage's place in the search results, 0 first
    position: int  # order within the passage, so neighbours can be quoted together
    text: str  # verbatim, whitespace collapsed (a table row keeps the tabs between its cells)
    kind: str  # sentence | item | row | heading
    context: str  # title, section and the headings above the unit, which it answers under
    header: str = ""  # a table row's column names: the first line of its run of rows
    score: float = 0.0
    coverage: float = 0.0  # weighted share of the question's words in the unit itself

    @property
    def key(self) -> tuple[int, int]:
        return (self.hit.chunk_id, self.position)


def split_units(hit: Hit, rank: int) -> list[Unit]:
    """A passage cut into units; heading-like lines become context for the units under them."""
    units: list[Unit] = []
    headings: list[str] = []
    base = f"{hit.title} {hit.section}"
    header = ""  # the first line of the table rows being read, which names their columns
    for line in _lines(hit.text):
        if VOTE_LINE.match(line) and units:
            units[-1].text = f"{units[-1].text} {line}"
            continue
        kind = _line_kind(line)
        if kind == "row" and not header:
            header, kind = line, "heading"
        elif kind != "row":
            header = ""
        pieces = sentences(line) if kind == "sentence" else [BULLET.sub("", line)]
        pieces = [part for piece in pieces for part in _clauses(piece)]
        context = " ".join([base, *headings[-3:]])
        for piece in pieces:
            units.append(Unit(hit, rank, len(units), piece, kind, context, header if kind == "row" else ""))
        if kind == "heading":
            headings.append(line)
    return units


def _lines(text: str) -> list[str]:
    """The passage's lines, with a sentence that a PDF line break cut in two put back together."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = "\t".join(" ".join(cell.split()) for cell in raw.split("\t")).strip(" ")
        if not line.strip():
            continue
        if lines and _continues(lines[-1], line):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def _continues(previous: str, line: str) -> bool:
    if BULLET.match(line) or VOTE_LINE.match(line) or "\t" in previous or "\t" in line:
        return False  # a table row is a line of its own
    if re.match(r"^(?:\d{1,2}(?:\.\d+)*\.?|\(?[a-z]{1,3}\))\s", line):
        return False
    if previous.endswith(":") and len(line) <= VALUE_MAX_CHARS:
        return True  # a table cell under its column's name: "Current Likelihood (1-5):" / "3"
    if re.search(r"[.!?:;]$", previous):
        return False
    return line[:1].islower() or len(previous) > 60


def _line_kind(line: str) -> str:
    if BULLET.match(line):
        return "item"
    if sum(1 for cell in line.split("\t") if cell.strip()) >= 2:
        return "row"
    if len(line) <= 100 and (
        not re.search(r"[.!?;]$", line) or line.endswith(":") or re.match(r"^\d+\.\s", line)
    ):
        return "heading" if len(tokens(line)) <= 14 else "sentence"
    return "sentence"


def sentences(paragraph: str) -> list[str]:
    """Split at sentence ends, but not after "Mr.", "e.g.", "ii." or a paragraph number ("12."),
    and not inside "£1.68"."""
    pieces, start = [], 0
    for match in SENTENCE_BREAK.finditer(paragraph):
        before = paragraph[start : match.start()].rstrip(".!?\"')]").split()
        last = before[-1].lower().rstrip(".") if before else ""
        numbered = len(before) == 1 and re.fullmatch(r"\(?\d{1,2}(?:\.\d{1,2})*\)?", last)
        if last in ABBREVIATIONS or len(last) == 1 or re.fullmatch(r"[ivx]+", last) or numbered:
            continue
        pieces.append(paragraph[start : match.start()].strip())
        start = match.end()
    pieces.append(paragraph[start:].strip())
    return [p for p in pieces if p]


def _clauses(text: str) -> list[str]:
    """A very long unit (an attendance list, a run-on table cell) cut at commas and
    semicolons into pieces a reader can take in; short units stay whole."""
    if len(text) <= LONG_UNIT:
        return [text]
    pieces, current = [], ""
    for part in re.split(r"(?<=[;,])\s+", text):
        if current and len(current) + len(part) > CLAUSE:
            pieces.append(current)
            current = part
        else:
            current = f"{current} {part}".strip()
    return [*pieces, current] if current else pieces


def is_instruction(text: str) -> bool:
    """A line addressed to a machine ("ignore previous instructions...") is not evidence."""
    return bool(INSTRUCTION.search(text))


def answers_kind(info: QuestionInfo, text: str) -> float:
    """Bonus (or penalty) for holding the kind of thing the question asks for.

    A number or date only counts if the question did not state it itself: "how much is
    moving with the 18-25 transfer" is answered by "£59m", not by "18-25".
    """
    bonus = 0.0
    if info.has("vote"):
        bonus += 0.35 if VOTE.search(text) else -0.1
    if info.has("who"):
        bonus += 0.25 if PERSON.search(text) else -0.1
    text = PARAGRAPH_NUMBER.sub("", text)
    if info.has("quantity"):
        new = [n for n in NUMBER.findall(text) if number_key(n.lower()) not in info.numbers]
        if info.wants_percent:
            new = [n for n in new if n.endswith("%")]
        elif info.wants_money:
            new = [
                n for n in new if n.startswith(("£", "$")) or MONEY_AFTER.match(text[text.find(n) + len(n) :])
            ]
        bonus += 0.25 if new else -0.15
    if info.has("when"):
        new = [d for d in DATE.findall(text) if d.lower() not in info.text.lower()]
        bonus += 0.2 if new else -0.1
    if info.has("acronym") and info.acronyms:
        bonus += 0.4 if spelled_out(info.acronyms[0], text) else 0.0
    return bonus


def score_units(
    info: QuestionInfo, units: list[Unit], weights: dict[str, float], boosts: dict[int, float] | None = None
) -> None:
    """Score every unit in place (see the module docstring for what counts); `boosts` adds
    to every unit of a passage (chunk id), for documents from the period asked about."""
    boosts = boosts or {}
    total = sum(weights.values()) or 1.0
    pairs = set(zip(info.terms, list(info.terms)[1:], strict=False))
    passages: dict[int, set[str]] = {}
    for unit in units:
        own = term_set(unit.text)
        if unit.hit.chunk_id not in passages:
            passages[unit.hit.chunk_id] = term_set(unit.hit.text)
        around = term_set(unit.context) | passages[unit.hit.chunk_id]
        covered = sum(w for t, w in weights.items() if info.matches(t, own))
        framed = sum(w for t, w in weights.items() if not info.matches(t, own) and info.matches(t, around))
        unit.coverage = covered / total
        matched = pairs & _bigrams_of(unit.text)
        phrases = len(matched) + (IDENTIFIER if any(_names_a_number(a, b) for a, b in matched) else 0)
        kind = answers_kind(info, unit.text)
        unit.score = (
            unit.coverage
            + 0.45 * framed / total
            + min(0.1 * phrases, 0.3)
            + kind
            - (0.15 if unit.kind == "heading" and kind <= 0 else 0.0)
            + 0.25 / (1 + unit.rank / 3)
            + boosts.get(unit.hit.chunk_id, 0.0)
            - min(max(0, len(unit.text) - 250) / 500, 0.5)
            - (1.0 if is_instruction(unit.text) else 0.0)
        )


def _names_a_number(word: str, number: str) -> bool:
    """ "priority 3", "area 4", "year 1" - not "18 25" or "june 2021"."""
    return not is_number(word) and number.isdigit() and len(number) <= 2


def _bigrams_of(text: str) -> set[tuple[str, str]]:
    stems = [stem(part) for token in tokens(text) for part in split_hyphens(token)]
    stems = [s for s in stems if s not in STOPWORDS]
    return set(zip(stems, stems[1:], strict=False))


def select(units: list[Unit], max_chars: int = 1000, max_units: int = 5, floor: float = 0.6) -> list[Unit]:
    """The best units, de-duplicated, within a length budget; weaker ones only if close to the best.

    A short sentence ("Each 1% is estimated to cost £14m.") brings the sentence before it,
    which says what it is about; a short sentence on the question's subject right after a
    chosen one ("Area 4 has not made sufficient progress.") comes along too.
    """
    ranked = sorted(units, key=lambda u: (-u.score, u.rank, u.position))
    if not ranked:
        return []
    by_key = {unit.key: unit for unit in units}
    best = ranked[0].score
    chosen: list[Unit] = []
    seen: list[set[str]] = []
    used = 0
    for unit in ranked:
        if len(chosen) >= max_units or (chosen and unit.score < best * floor):
            break
        terms = term_set(unit.text)
        if unit in chosen or any(_similarity(terms, other) > 0.75 for other in seen):
            continue
        lead = by_key.get((unit.hit.chunk_id, unit.position - 1))
        follow = by_key.get((unit.hit.chunk_id, unit.position + 1))
        group = [unit]
        if len(unit.text) < SHORT and lead is not None and lead.kind != "heading" and lead not in chosen:
            group.insert(0, lead)
        if (
            follow is not None
            and len(follow.text) < SHORT
            and follow.coverage > 0
            and follow.kind == unit.kind
        ):
            if follow not in chosen:
                group.append(follow)
        size = sum(len(u.text) + 6 for u in group)
        if chosen and used + size > max_chars:
            continue
        chosen += group
        seen.append(terms)
        used += size
    return chosen


def _similarity(a: set[str], b: set[str]) -> float:
    """Jaccard overlap of two units' words: near-identical copies score above 0.75."""
    return len(a & b) / max(1, len(a | b))
