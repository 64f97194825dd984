"""The sentences, list items and table rows of retrieved passages, scored against the question.

Staff want the line that answers them, not the passage around it, and they check it
against the PDF, so an answer quotes whole units verbatim: a sentence, a bullet, a
table row, or a recommendation together with its "Approved: N Rejected: N" line.
A unit is described by what the embedding model and the words say of it (UNIT_FEATURES:
its vector's cosine to the question, the rare question words it and its headings contain,
whether it holds what the question asks for - a name, a new number, a date, a vote - how
high search ranked its passage, whether its document is the one the question names) and
scored by a logistic regression fitted on the blind dev questions (bench/fit.py writes
answer/weights.json): its probability of holding the answer. Lines that address a machine
("ignore previous instructions") are never evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from answer.question import QuestionInfo
from index.models import Hit
from index.ranking import LinearModel, scaled
from text.units import passage_units
from text.words import STOPWORDS, is_number, number_key, spelled_out, split_hyphens, stem, term_set, tokens

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
    r"\b(?:Director|Officer|Manager|Lead|Head of|Chair(?:man)?|Leader|Author|Owner|Ltd|Limited)\b"
)
VOTE = re.compile(r"\bApproved:\s*\d|\bunanimous\w*|\bvot(?:e|ed|ing)\b|\bcarried\b", re.I)
SHORT = 90  # a unit this short is quoted with its neighbour
IDENTIFIER = 3  # extra phrase matches for naming the question's "priority 3", "Area 4", "Year 2"
WEIGHTS_FILE = Path(__file__).with_name("weights.json")  # written by bench/fit.py


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
    similarity: float = 0.0  # cosine of the question and the unit's vector (index.search)
    features: np.ndarray | None = None  # UNIT_FEATURES, once scored
    score: float = 0.0  # the unit model's probability that the unit answers the question
    coverage: float = 0.0  # weighted share of the question's words in the unit itself

    @property
    def key(self) -> tuple[int, int]:
        return (self.hit.chunk_id, self.position)


def split_units(hit: Hit, rank: int) -> list[Unit]:
    """A passage's units (text.units), framed by its title, section and the headings above."""
    base = f"{hit.title} {hit.section}"
    return [
        Unit(hit, rank, u.position, u.text, u.kind, " ".join([base, *u.headings]), u.header,
             similarity=hit.unit_scores[u.position] if u.position < len(hit.unit_scores) else 0.0)
        for u in passage_units(hit.text)
    ]


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


UNIT_FEATURES = (
    "similarity",  # cosine of the question and the unit's vector
    "similarity_scaled",  # the same, from 0 at the question's worst unit to 1 at its best
    "passage_score",  # search's score of the unit's passage (index.ranking)
    "passage_rank",  # 1 / (1 + rank / 3) of the passage in the search results
    "coverage",  # rarity-weighted share of the question's words in the unit
    "framed",  # the share found only around it (its headings, passage, title)
    "phrases",  # the question's word pairs it repeats (0.1 each, 0.3 at most; more for "priority 3")
    "answer_type",  # holds what the question asks for: a name, a new number, a date, a vote
    "heading",  # 1 for a heading
    "length",  # characters / 250
    "named",  # share of the question's naming words that are the unit's document's names
    "named_other",  # 1 when the question names documents and this is none of them
    "missing",  # share of the question's names that the unit's document is not about
    "lacks",  # rarity-weighted share of the question's words its document never uses
    "period",  # its document is from the period the question names (answer.timewords)
)


def score_units(
    info: QuestionInfo,
    units: list[Unit],
    weights: dict[str, float],
    boosts: dict[int, float] | None = None,
    documents: dict[tuple[int, int], tuple[float, float]] | None = None,
) -> None:
    """Describe every unit by UNIT_FEATURES and score it in place with the fitted unit model:
    its probability of holding the answer. `boosts` marks passages (chunk id) from the period
    asked about; `documents` gives, per unit key, its document's missing names and lacking
    words (answer.refuse.question_signals)."""
    if not units:
        return
    features = _unit_features(info, units, weights, boosts, documents)
    probabilities = unit_model().probabilities(features)
    for unit, row, probability in zip(units, features, probabilities, strict=True):
        unit.features = row
        unit.score = 0.0 if is_instruction(unit.text) else float(probability)


def _unit_features(
    info: QuestionInfo,
    units: list[Unit],
    weights: dict[str, float],
    boosts: dict[int, float] | None = None,
    documents: dict[tuple[int, int], tuple[float, float]] | None = None,
) -> np.ndarray:
    """The UNIT_FEATURES of each unit, a row per unit."""
    boosts, documents = boosts or {}, documents or {}
    total = sum(weights.values()) or 1.0
    pairs = set(zip(info.terms, list(info.terms)[1:], strict=False))
    passages: dict[int, set[str]] = {}
    similarities = np.array([u.similarity for u in units])
    similarity_scaled = scaled(similarities)
    names_documents = any(u.hit.named > 0 for u in units)
    rows = []
    for unit, relative in zip(units, similarity_scaled, strict=True):
        own = term_set(unit.text)
        if unit.hit.chunk_id not in passages:
            passages[unit.hit.chunk_id] = term_set(unit.hit.text)
        around = term_set(unit.context) | passages[unit.hit.chunk_id]
        covered = sum(w for t, w in weights.items() if info.matches(t, own))
        framed = sum(w for t, w in weights.items() if not info.matches(t, own) and info.matches(t, around))
        unit.coverage = covered / total
        matched = pairs & _bigrams_of(unit.text)
        phrases = len(matched) + (IDENTIFIER if any(_names_a_number(a, b) for a, b in matched) else 0)
        missing, lacks = documents.get(unit.key, (0.0, 0.0))
        rows.append([
            unit.similarity,
            relative,
            unit.hit.score,
            1.0 / (1 + unit.rank / 3),
            unit.coverage,
            framed / total,
            min(0.1 * phrases, 0.3),
            answers_kind(info, unit.text),
            1.0 if unit.kind == "heading" else 0.0,
            len(unit.text) / 250,
            unit.hit.named,
            1.0 if unit.hit.named == 0 and names_documents else 0.0,
            missing,
            lacks,
            1.0 if boosts.get(unit.hit.chunk_id, 0.0) > 0 else 0.0,
        ])
    return np.array(rows, dtype=float).reshape(len(units), len(UNIT_FEATURES))


@cache
def unit_model() -> LinearModel:
    return LinearModel.load(WEIGHTS_FILE, "units", UNIT_FEATURES)


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
