"""Turning the words after `commitments` / `decisions` / `actions` into record filters.

"SEND priority 2 year 2023-24 EHCP" -> strategy SEND, priority 2, year 2023-2024, query
"EHCP". Years come in many spellings ("2023-24", "2023/24", "2023 to 2024", "Year Two",
"year 2", "second year"); strategy and body names are recognised from the names the
index actually holds, so the parser never needs a list of councils' committees.
"APP red lead Jane" -> plan APP, status red, owner "Jane": a plan by a word of its name or its
initials, a status by the words plans state it in (text.statuses), an owner after "lead"/"owner".
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from text.statuses import STATUS
from text.years import NUMBER_PATTERN, RELATIVE_YEAR, number_value

YEAR_NAMES = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five"}
MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip

# Words that never identify a strategy or a body, and filler left around the filters.
# fmt: off
GENERIC_WORDS = frozenset({
    "a", "an", "and", "of", "the", "for", "in", "on", "to", "with", "about", "strategy",
    "strategies", "plan", "council", "county", "city", "committee", "commission", "board",
    "forum", "panel", "meeting", "year", "years", "priority", "priorities",
})
FILLER_WORDS = frozenset({
    "a", "an", "and", "of", "the", "for", "in", "on", "to", "with", "about", "from", "by", "at", "all",
})
# fmt: on

_SPAN = re.compile(
    r"\b(?:year\s+)?((?:19|20)\d\d)\s*(?:-|–|—|/|to)\s*((?:19|20)?\d\d)\b",
    re.IGNORECASE,
)
_PRIORITY = re.compile(rf"\bpriority\s+(?:no\.?\s*)?{NUMBER_PATTERN}\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_DAY_MONTH_YEAR = re.compile(
    r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\s+((?:19|20)\d\d)\b", re.IGNORECASE
)
_BARE_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_BOUND = re.compile(r"\b(since|after|from|before|until|till|by)\s*$", re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+")


@dataclass(frozen=True)
class CommitmentFilters:
    strategy: str | None = None
    priority: int | None = None
    year: str | None = None  # "2023-2024", or "Year Two" when given as a year of the strategy
    query: str | None = None

    def describe(self) -> str:
        parts = [
            self.strategy or "",
            f"priority {self.priority}" if self.priority is not None else "",
            self.year or "",
            f"“{self.query}”" if self.query else "",
        ]
        return ", ".join(part for part in parts if part) or "all"


@dataclass(frozen=True)
class DecisionFilters:
    body: str | None = None
    date_from: str | None = None  # ISO dates, inclusive
    date_to: str | None = None
    query: str | None = None

    def describe(self) -> str:
        if self.date_from and self.date_from == self.date_to:
            when = self.date_from
        else:
            when = " ".join(
                part
                for part in (
                    f"from {self.date_from}" if self.date_from else "",
                    f"to {self.date_to}" if self.date_to else "",
                )
                if part
            )
        parts = [self.body or "", when, f"“{self.query}”" if self.query else ""]
        return ", ".join(part for part in parts if part) or "all"


@dataclass(frozen=True)
class ActionFilters:
    plan: str | None = None
    status: str | None = None  # a status word or colour, or "none" for "none stated"
    owner: str | None = None
    due_before: str | None = None  # ISO day: "overdue" is due before today
    query: str | None = None

    def describe(self) -> str:
        parts = [
            self.plan or "",
            f"status {self.status}" if self.status else "",
            f"led by {self.owner}" if self.owner else "",
            f"due before {self.due_before}" if self.due_before else "",
            f"“{self.query}”" if self.query else "",
        ]
        return ", ".join(part for part in parts if part) or "all"


def _cut(text: str, match: re.Match) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def _query(text: str) -> str | None:
    words = _WORD.findall(text)
    while words and words[0].lower() in FILLER_WORDS:
        words.pop(0)
    while words and words[-1].lower() in FILLER_WORDS:
        words.pop()
    return " ".join(words) or None


def normalise_year(text: str) -> str | None:
    """Spans ("2023-24", "2023/24", "2023 to 2024") -> "2023-2024"; "year 2", "Year Two" -> "Year Two"."""
    year, _ = _take_year(text)
    return year


def _take_year(text: str) -> tuple[str | None, str]:
    span = _SPAN.search(text)
    if span:
        start = int(span.group(1))
        end_text = span.group(2)
        end = int(end_text) if len(end_text) == 4 else start // 100 * 100 + int(end_text)
        if end == start + 1:
            return f"{start}-{end}", _cut(text, span)
    ordinal = RELATIVE_YEAR.search(text)
    if ordinal:
        number = number_value(next(group for group in ordinal.groups() if group))
        if number in YEAR_NAMES:
            return f"Year {YEAR_NAMES[number]}", _cut(text, ordinal)
    return None, text


def _vocabulary(names: Iterable[str]) -> dict[str, set[str]]:
    words: dict[str, set[str]] = {}
    for name in names:
        for word in _WORD.findall(name.lower()):
            if word not in GENERIC_WORDS and not word[0].isdigit():
                words.setdefault(word, set()).add(name)
    return words


def parse_commitment_filters(text: str, strategies: Iterable[str] = ()) -> CommitmentFilters:
    """`strategies` are the strategy names in the index; a word of one of them is the strategy filter."""
    year, rest = _take_year(text)
    priority = None
    match = _PRIORITY.search(rest)
    if match:
        priority = number_value(match.group(1))
        rest = _cut(rest, match)
    strategy = None
    vocabulary = _vocabulary(strategies)
    for word_match in _WORD.finditer(rest):
        names = vocabulary.get(word_match.group().lower())
        if names:
            strategy = next(iter(names)) if len(names) == 1 else word_match.group()
            after = re.match(r"\s*strateg(?:y|ies)\b", rest[word_match.end() :], re.IGNORECASE)
            end = word_match.end() + (after.end() if after else 0)
            rest = rest[: word_match.start()] + " " + rest[end:]
            break
    return CommitmentFilters(strategy=strategy, priority=priority, year=year, query=_query(rest))


def _phrases(name: str) -> list[str]:
    """The tails of a body's name people use for it: "Leicestershire Schools Forum" -> "schools forum"."""
    words = _normal_words(name)
    tails = [" ".join(words[i:]) for i in range(len(words))]
    return [tail for tail in tails if tail not in GENERIC_WORDS]


def _normal_words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", "", text.lower().replace("’", "'").replace("'", "")).split()


def _take_body(text: str, bodies: Iterable[str]) -> tuple[str | None, str]:
    owners: dict[str, set[str]] = {}
    for body in bodies:
        for phrase in _phrases(body):
            owners.setdefault(phrase, set()).add(body)
    best: tuple[int, str, re.Match] | None = None
    for phrase in owners:
        pattern = r"\b" + r"['’]?\s+".join(re.escape(word) for word in phrase.split()) + r"['’]?"
        match = re.search(pattern + r"(?!\w)", text, re.IGNORECASE)
        if match and (best is None or len(phrase) > best[0]):
            best = (len(phrase), phrase, match)
    if best is None:
        return None, text
    _, phrase, match = best
    names = owners[phrase]
    return (next(iter(names)) if len(names) == 1 else match.group()), _cut(text, match)


def _find_date(text: str) -> tuple[re.Match, date, date] | None:
    """The first date expression: an ISO day, "13 February 2024", "Feb 2024" or a bare year."""
    match = _ISO_DATE.search(text)
    if match:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return match, day, day
    for match in _DAY_MONTH_YEAR.finditer(text):
        month = MONTHS.get(match.group(2).lower())
        if month is None:
            continue
        year = int(match.group(3))
        if match.group(1):
            day = date(year, month, int(match.group(1)))
            return match, day, day
        return (
            match,
            date(year, month, 1),
            date(year, month, monthrange(year, month)[1]),
        )
    match = _BARE_YEAR.search(text)
    if match:
        year = int(match.group(1))
        return match, date(year, 1, 1), date(year, 12, 31)
    return None


def _take_dates(text: str) -> tuple[str | None, str | None, str]:
    """The date expression as an inclusive (from, to) range, narrowed by since/after/before/until."""
    found = _find_date(text)
    if found is None:
        return None, None, text
    match, start, end = found
    date_from: date | None = start
    date_to: date | None = end
    cut_from = match.start()
    bound = _BOUND.search(text[: match.start()])
    if bound:
        word = bound.group(1).lower()
        if word in ("since", "from"):
            date_to = None
        elif word == "after":
            date_from, date_to = end + timedelta(days=1), None
        elif word == "before":
            date_from, date_to = None, start - timedelta(days=1)
        else:  # until, till, by
            date_from = None
        cut_from = bound.start()
    rest = text[:cut_from] + " " + text[match.end() :]
    return (
        date_from.isoformat() if date_from else None,
        date_to.isoformat() if date_to else None,
        rest,
    )


def parse_decision_filters(text: str, bodies: Iterable[str] = ()) -> DecisionFilters:
    """`bodies` are the meeting bodies in the index ("Schools Forum", "Cabinet", ...)."""
    body, rest = _take_body(text, bodies)
    date_from, date_to, rest = _take_dates(rest)
    return DecisionFilters(body=body, date_from=date_from, date_to=date_to, query=_query(rest))


_NO_STATUS = re.compile(r"\b(?:no status|none stated|status none|blank)\b", re.IGNORECASE)
_OWNER = re.compile(r"\b(?:lead|led by|owner|owned by)\s+(.+)$", re.IGNORECASE)
_OVERDUE = re.compile(r"\b(?:overdue|late|past (?:the |its )?deadline)\b", re.IGNORECASE)


def parse_action_filters(text: str, plans: Iterable[str] = (), today: date | None = None) -> ActionFilters:
    """`plans` are the plan names in the index; a word of one of them, or their initials, is the plan.
    "overdue" asks for deadlines before `today`, not for a status word."""
    rest, owner, due_before = text, None, None
    if match := _OWNER.search(rest):
        owner, rest = match.group(1).strip(), rest[: match.start()]
    if match := _OVERDUE.search(rest):
        due_before, rest = (today or date.today()).isoformat(), _cut(rest, match)
    status = None
    if match := _NO_STATUS.search(rest) or STATUS.search(rest):
        status = "none" if _NO_STATUS.match(match.group()) else match.group().lower()
        rest = _cut(rest, match)
    initials = ["".join(w[0] for w in _WORD.findall(name)).lower() for name in plans]
    vocabulary = _vocabulary(plans)
    plan = None
    for word_match in _WORD.finditer(rest):
        word = word_match.group().lower()
        named = vocabulary.get(word)
        abbreviates = (
            re.fullmatch(r"[a-z]{3,8}", word) and word not in FILLER_WORDS and any(word in i for i in initials)
        )  # "APP", "WSoA"
        if abbreviates or named:
            plan = word_match.group() if abbreviates or len(named) > 1 else next(iter(named))
            rest = rest[: word_match.start()] + " " + rest[word_match.end() :]
            break
    return ActionFilters(plan=plan, status=status, owner=owner, due_before=due_before, query=_query(rest))
