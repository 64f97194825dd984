"""Follow-up questions made whole: "and in year three?" or "who presented it?" after an earlier one.

Deterministic rewriting, no model: a question that opens with "and"/"what about", is a
bare fragment, or leans on a pronoun takes its missing subject from the previous
question. Earlier turns are resolved first, oldest to newest, so a chain of follow-ups
keeps its subject.

    What are we doing in year 2 on EHCPs?  + and in year three?  -> What are we doing in year three on EHCPs?
    How did Schools Forum vote on de-delegation?  + who presented it?  -> who presented de-delegation?
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from answer.models import Turn
from errors import SendBotError
from text.words import STOPWORDS, tokens

OPENER = re.compile(
    r"^\W*(?:and|but|also|so|ok(?:ay)?|then)?\W*(?:what|how) about\b|^\W*(?:and|but|also)\b", re.I
)
QUESTION_WORD = re.compile(
    r"\b(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|did|does|do)\b", re.I
)
PRONOUN = re.compile(
    r"\b(?:it|its|they|them|their|he|she|him|his|her|those|these|that one|this one|the same)\b", re.I
)
NUMBER = r"(?:one|two|three|four|five|six|\d{1,2})"
# Slots a follow-up swaps for the previous question's: "year two" -> "year three".
SLOTS = [
    re.compile(rf"\b(?:year|yr)\s+{NUMBER}\b", re.I),
    re.compile(rf"\bpriority\s+{NUMBER}\b", re.I),
    re.compile(r"\b(?:19|20)\d{2}(?:\s*[-/]\s*\d{2,4})?\b"),
    re.compile(
        r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b", re.I
    ),
    re.compile(r"\b(?:autumn|spring|summer)(?: term)?\b", re.I),
    re.compile(r"\bq[1-4]\b|\bquarter\s+(?:one|two|three|four|[1-4])\b", re.I),
]
TOPIC_AFTER = re.compile(r"\b(?:on|about|for|regarding|of)\s+(?:the\s+)?([^?]{3,60}?)\s*\??$", re.I)
LEADING_VERB = re.compile(
    r"^\W*(?:who|what|which|when|where|why|how)(?:\s+(?:is|are|was|were|did|does|do|has|have|had|will|would))?"
    r"(?:\s+\w+(?:ed|es|s))?\s+",
    re.I,
)
SHORT = 3  # content words; a question-word-less question with no more is a fragment


class HistoryUnreadable(SendBotError):
    """A --history file that is not JSON turns."""


def read_history(path: Path) -> list[Turn]:
    """Turns from a file of JSON lines or one JSON list, each {"question": ..., "answer": ...}."""
    text = Path(path).read_text(encoding="utf-8").strip()
    try:
        items = (
            json.loads(text)
            if text.startswith("[")
            else [json.loads(line) for line in text.splitlines() if line.strip()]
        )
        return [Turn(question=str(item["question"]), answer=str(item.get("answer", ""))) for item in items]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise HistoryUnreadable(
            f'{path} is not a history file: give JSON lines or a JSON list of {{"question": ..., "answer": ...}}.'
        ) from None


def resolve(question: str, history: Sequence[Turn] = ()) -> str:
    """The question as it would read on its own, given the earlier turns (oldest first)."""
    previous = ""
    for turn in history:
        previous = _resolve_one(turn.question, previous)
    return _resolve_one(question, previous)


def second_part(part: str, first: str) -> str:
    """The second half of a two-part question, completed from the first: besides pronouns
    and fragments, a short half ("how many agreed?") takes the first half's subject."""
    return _resolve_one(part, first, short_leans=True)


def _resolve_one(question: str, previous: str, short_leans: bool = False) -> str:
    question = question.strip()
    if not previous or not _leans_on_previous(question, short_leans):
        return question
    fragment = OPENER.sub("", question).strip(" ,?")
    swapped = _swap_slots(previous, fragment)
    if swapped != previous:
        return swapped
    if not QUESTION_WORD.search(fragment):
        return f"{previous.rstrip(' ?')} {fragment}?"
    if PRONOUN.search(fragment):
        return PRONOUN.sub(_topic(previous), fragment, count=1).rstrip(" ?") + "?"
    return f"{fragment} ({_content(previous)})?"


def _leans_on_previous(question: str, short_leans: bool = False) -> bool:
    content = [w for w in tokens(question) if w.lower() not in STOPWORDS]
    fragment = (short_leans or not QUESTION_WORD.search(question)) and len(content) <= SHORT
    return bool(OPENER.search(question) or PRONOUN.search(question) or fragment)


def _swap_slots(previous: str, fragment: str) -> str:
    """The previous question with each slot the fragment names (a year, a priority) replaced."""
    result = previous
    for slot in SLOTS:
        new = slot.search(fragment)
        if new and slot.search(result):
            result = slot.sub(new.group(0), result, count=1)
    return result


def _topic(question: str) -> str:
    """What a question is about: the phrase after its last "on/about/for" (unless that is
    only a date), else what follows its question word and verb ("Who presented the
    de-delegation paper?" -> "the de-delegation paper")."""
    match = TOPIC_AFTER.search(question)
    if match and not any(slot.search(match.group(1)) for slot in SLOTS):
        return match.group(1)
    rest = LEADING_VERB.sub("", question).strip(" ?")
    return rest if rest and rest != question.strip(" ?") else _content(question)


def _content(question: str) -> str:
    return " ".join(
        w for w in tokens(question) if w.lower() not in STOPWORDS and not QUESTION_WORD.fullmatch(w)
    )
