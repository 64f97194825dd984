"""What a question asks for: its kind (who, how many, vote, ...) and the words evidence must share.

The kind decides what an answering sentence must contain (a name, a number, a vote line);
the terms decide how well a sentence matches; the salient terms (names, acronyms, numbers)
are the ones a passage has to contain before the bot may claim to have found the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from text.words import STOPWORDS, content_terms, is_number, numbers, stem, tokens

# Kinds, tried in order; a question may have several ("who presented ... and how did they vote").
KIND_PATTERNS = {
    "vote": r"\bvot(?:e|ed|es|ing)\b|\bvote count\b|\bapprov(?:e|ed|al)\b.*\b(?:forum|committee|cabinet)\b",
    "who": r"^\W*(?:who|whom|whose)\b|\b(?:which|what) (?:officer|officers|councillor|councillors|member|"
    r"members|person|people|partner|organisation|company|director|lead)\b|\bwho\b",
    "when": r"^\W*when\b|\bwhen(?:'s| is| was| will| did| do)\b|\bwhat (?:date|dates|year|month|day)\b|"
    r"\bwhich (?:date|year|month)\b|\bhow (?:soon|long)\b|\bdeadline\b",
    "quantity": r"\bhow (?:many|much)\b|\bwhat (?:percentage|proportion|share|number|amount|rate|level|"
    r"target|value|figure|cost|budget)\b|\bby how much\b|\bwhat share\b|\bwhat'?s the (?:target|forecast)\b|"
    r"\bper cent\b|\bpercent(?:age)?\b|\bwhat age\b|\bage range\b|\bhow old\b",
    "acronym": r"\bstand(?:s)? for\b|\bacronym\b|\bwhat(?:'s| is| does)(?: the)? (?-i:[A-Z]{2,6}s?)\b(?: in\b|\?|$)",
    "list": r"\blist\b|\bwhat are the\b|\bwhich are the\b|\b(?:two|three|four|five|six|seven)\s+\w+(?:s)\b",
    "commitment": r"\bcommit\w*\b|\bpromis\w*\b|\bwe (?:doing|planning|going)\b|\bpriority\b|"
    r"\byear (?:one|two|three|four|1|2|3|4)\b|\baim(?:s|ing)? for\b",
    "decision": r"\bdecid\w*|\bdecision\b|\bresolv\w*|\bagreed\b|\bconclu\w*|\boutcome\b|\bhappened\b",
}
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,7}s?$")
PERCENT = re.compile(r"\b(?:percentage|per ?cent|proportion|share|rate)\b", re.I)
MONEY = re.compile(
    r"\bhow much\b.*\b(?:budget|cost|costs|spend|spent|funding|fund|deficit|overspend|underspend|"
    r"worth|money|save|saving|savings|pay|paid|price|grant|income|exposure)\b|"
    r"\b(?:budget|cost|spend|funding|deficit|overspend|worth)\b.*\bhow much\b",
    re.I,
)
# Capitalised words that are not names of anything in particular.
GENERIC_CAPITALS = frozenset(
    """what which who whom whose when where why how is are was were do does did can could has have had
    will would should tell list show give and in on at of for the a an by from to with year years
    council county city report strategy plan send""".split()
)


@dataclass
class QuestionInfo:
    text: str
    kinds: set[str] = field(default_factory=set)
    terms: dict[str, str] = field(default_factory=dict)  # content stem -> word as written
    salient: list[str] = field(default_factory=list)  # stems of names, acronyms and numbers
    acronyms: list[str] = field(default_factory=list)  # as written
    numbers: set[str] = field(default_factory=set)  # numbers the question states itself
    wants_percent: bool = False
    wants_money: bool = False
    expansions: dict[str, str] = field(default_factory=dict)  # acronym -> words it stands for
    spelled: dict[str, set[str]] = field(default_factory=dict)  # acronym stem -> stems of those words

    def expand(self, expansions: dict[str, str]) -> None:
        """Learn what the question's acronyms stand for (empty words are ignored)."""
        self.expansions = {a: words for a, words in expansions.items() if words}
        self.spelled = {stem(a): set(content_terms(words)) for a, words in self.expansions.items()}

    def search_text(self) -> str:
        """The question with its acronyms spelled out, so search finds either wording."""
        extra = [
            f"({words})" for a, words in self.expansions.items() if words.lower() not in self.text.lower()
        ]
        return " ".join([self.text, *extra])

    def has(self, kind: str) -> bool:
        return kind in self.kinds

    def matches(self, term: str, present: set[str]) -> bool:
        """Whether a question term is among a text's stems: itself, a longer form
        ("chair" in "chairman") or an acronym's spelled-out words."""
        if term in present:
            return True
        if "-" in term and all(stem(part) in present for part in term.split("-") if part):
            return True  # "take-up" in "the take up of places"
        spelled = self.spelled.get(term)
        if spelled and all(_among(word, present) for word in spelled):
            return True
        return len(term) >= 5 and any(word.startswith(term) for word in present)


def _among(word: str, present: set[str]) -> bool:
    """A word of a spelled-out acronym, as written or in a shorter form: papers write SEN
    as "Special Education Needs" as well as "Special Educational Needs"."""
    return word in present or any(len(other) >= 6 and word.startswith(other) for other in present)


def analyse(question: str) -> QuestionInfo:
    kinds = {kind for kind, pattern in KIND_PATTERNS.items() if re.search(pattern, question, re.I)}
    if "acronym" in kinds and not re.search(r"\b[A-Z]{2,}", question):
        kinds.discard("acronym")
    words = tokens(question)
    acronyms = [w for w in words if ACRONYM.match(w) and not is_number(w)]
    salient = []
    for position, word in enumerate(words):
        if word.lower() in STOPWORDS or word.lower() in GENERIC_CAPITALS:
            continue
        capitalised = word[:1].isupper() and position > 0
        if is_number(word) or ACRONYM.match(word) or capitalised:
            salient.append(stem(word))
    return QuestionInfo(
        text=question,
        kinds=kinds,
        terms=content_terms(question),
        salient=list(dict.fromkeys(salient)),
        acronyms=list(
            dict.fromkeys(a.rstrip("s") if a.endswith("s") and a[:-1].isupper() else a for a in acronyms)
        ),
        numbers=numbers(question),
        wants_percent="quantity" in kinds and bool(PERCENT.search(question)),
        wants_money="quantity" in kinds and bool(MONEY.search(question)),
    )


PART_BREAK = re.compile(
    r"\?\s+(?=\w)|,?\s+(?:and|also|plus)\s+(?=(?:who|what|when|where|which|how|why|did|was|were|is|are)\b)",
    re.I,
)


def split_parts(question: str) -> list[str]:
    """A two-part question as its two questions: "Who presented it and how did the forum vote?"
    -> ["Who presented it?", "how did the forum vote?"]. One part stays whole."""
    pieces = [p.strip(" ,;") for p in PART_BREAK.split(question.strip()) if p.strip(" ,;?")]
    if len(pieces) < 2 or not all(content_terms(p) for p in pieces):
        return [question]
    return [p if p.endswith("?") else f"{p}?" for p in pieces[:2]]
