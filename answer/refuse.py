"""Whether the retrieved evidence answers the question at all, or the bot should say so.

Search always returns something, so "found" is a judgement on what came back: one score,
a question-level logistic regression over the chosen evidence (REFUSAL_FEATURES: how sure
the unit model is of the best units, how much of the question they hold), against one
threshold chosen on the blind dev questions (bench/fit.py; bench/results/refusal.md has the
curve on dev and test). What used to be rules are signals the model weighs: the question names
something no indexed passage mentions ("Nottinghamshire", "EOTAS"), or something the
evidence's document is not about (asked about Kent's Written Statement of Action, the only
one indexed is Leicester's).
"""

from __future__ import annotations

import calendar
import json
import math
import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from answer.evidence import UNIT_FEATURES, WEIGHTS_FILE, Unit
from answer.question import QuestionInfo
from index.ranking import LinearModel
from index.vocab import Vocabulary
from text.words import is_number, term_set, tokens

# The one refusal rule: a question that names a place or body (a title-case word, not its first)
# that no indexed word even begins with ("Stockport", "Surrey"; not "Exec", "Sept" or "SALT") is
# about something the documents never mention. Ablation (bench/results/refusal.md, at the fitted
# threshold): on dev it refuses 2 of 33 unanswerable questions more for 1 of 137 answerable; on
# test 2 of 23 more for none.
UNKNOWN_NAME = re.compile(r"^[A-Z][a-z]{3,}$")
REFUSAL_FEATURES = (
    "best",  # the unit model's log-odds for the best unit
    "runner_up",  # its log-odds for the next unit chosen (or the best's, when alone)
    "similarity",  # the best unit's cosine to the question
    "coverage",  # the rarity-weighted share of the question's words in the best unit
    "framed",  # ... found only around it
    "answer_type",  # the best unit holds what the question asks for (a name, a new number, a vote)
    "unseen",  # share of the question's names no indexed passage contains
    "absent",  # rarity-weighted share of the question's words no indexed passage contains
    "missing",  # share of its names the best unit's document is not about
    "lacks",  # rarity-weighted share of its words the best unit's document never uses
    "named_other",  # the question names documents and the best unit is in none of them
)


@dataclass
class Verdict:
    found: bool
    reason: str = ""
    confidence: float = 0.0  # the refusal model's probability that the evidence answers


@cache
def refusal_model() -> tuple[LinearModel, float]:
    """The question-level model and the threshold bench/fit.py chose on the dev questions."""
    fitted = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))["refusal"]
    return LinearModel.load(WEIGHTS_FILE, "refusal", REFUSAL_FEATURES), float(fitted["threshold"])


def refusal_features(chosen: list[Unit], signals: QuestionSignals) -> np.ndarray:
    """REFUSAL_FEATURES of the chosen evidence, best unit first (answer.evidence.select)."""
    best = chosen[0]
    runner_up = chosen[1] if len(chosen) > 1 else best
    column = {name: i for i, name in enumerate(UNIT_FEATURES)}
    return np.array([
        _log_odds(best.score),
        _log_odds(runner_up.score),
        best.features[column["similarity"]],
        best.features[column["coverage"]],
        best.features[column["framed"]],
        best.features[column["answer_type"]],
        signals.unseen,
        signals.absent,
        best.features[column["missing"]],
        best.features[column["lacks"]],
        best.features[column["named_other"]],
    ])


def judge(chosen: list[Unit], signals: QuestionSignals) -> Verdict:
    if signals.unknown_names:
        return Verdict(False, "the documents never mention " + ", ".join(signals.unknown_names))
    if not chosen:
        return Verdict(False, "no evidence")
    model, threshold = refusal_model()
    confidence = float(model.probabilities(refusal_features(chosen, signals)[None, :])[0])
    if confidence < threshold:
        return Verdict(False, f"the evidence answers with probability {confidence:.2f}", confidence)
    return Verdict(True, "", confidence)


def _log_odds(probability: float) -> float:
    p = min(max(probability, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass
class QuestionSignals:
    """What the index says of the question's words as a whole, and of each unit's document."""

    unseen: float = 0.0  # share of the question's names (capitalised words, acronyms) no passage contains
    unknown_names: list[str] = field(default_factory=list)  # title-case names no passage has (UNKNOWN_NAME)
    absent: float = 0.0  # rarity-weighted share of all its words no passage contains
    per_unit: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)  # (missing, lacks)


def question_signals(
    info: QuestionInfo, weights: dict[str, float], units: list[Unit], vocabulary: Vocabulary
) -> QuestionSignals:
    """The question's unseen names and absent words; per unit, the share of its names the unit's
    document is not about (no mention in the unit's passage, headings, title, file name or date,
    and at most one in the document) and the rarity-weighted share of its words the document
    never uses."""
    names = [t for t in info.salient if t in info.terms and not is_number(info.terms[t])]
    total = sum(weights.values()) or 1.0
    unseen = sum(1 for t in names if not _indexed(info, t, vocabulary)) / len(names) if names else 0.0
    absent = sum(w for t, w in weights.items() if not _indexed(info, t, vocabulary)) / total
    holders = {t: vocabulary.documents_with(info.terms[t]) for t in weights}
    titles = [w for w in tokens(info.text)[1:] if UNKNOWN_NAME.match(w)]
    unknown = [w for w in titles if not vocabulary.passages_starting(w)]
    signals = QuestionSignals(unseen, unknown, absent)
    for unit in units:
        around = _around(unit)
        missing = [t for t in names if not info.matches(t, around) and not _about(info, t, unit, vocabulary)]
        lacks = sum(w for t, w in weights.items() if unit.hit.doc not in holders[t] and not info.matches(t, around))
        signals.per_unit[unit.key] = (len(missing) / len(names) if names else 0.0, lacks / total)
    return signals


def _indexed(info: QuestionInfo, term: str, vocabulary: Vocabulary) -> bool:
    """In some passage, as written or (for an acronym) spelled out."""
    if vocabulary.passages_with(info.terms[term]):
        return True
    words = info.expansions.get(info.terms[term], "").split()
    return bool(words) and all(vocabulary.passages_with(word) for word in words)


def _about(info: QuestionInfo, term: str, unit: Unit, vocabulary: Vocabulary) -> bool:
    words = [info.terms[term]]
    spelled = info.expansions.get(info.terms[term], "").split()
    return vocabulary.in_document(words[0], unit.hit.doc) >= 2 or bool(
        spelled and all(vocabulary.in_document(w, unit.hit.doc) >= 2 for w in spelled)
    )


def _around(unit: Unit) -> set[str]:
    """Words of a unit, its headings, its passage, its document's title and file name, and the
    month and year its document is dated (so "the January 2025 Cabinet" meets a minute of 2025-01-30)."""
    hit = unit.hit
    dated = ""
    if len(hit.date) >= 7 and hit.date[5:7].isdigit():
        month = int(hit.date[5:7])
        dated = f"{calendar.month_name[month]} {calendar.month_abbr[month]} {hit.date[:4]}"
    return term_set(" ".join([unit.text, unit.context, hit.doc.replace("-", " "), dated, hit.text]))
