"""Time words in a question ("latest", "last year", "in 2022", "this term") as a date scope.

Documents carry an ISO date (meeting or publication). A scope does not hide the other
documents - "EHCPs issued in 2024" is answered by a report dated 2025 - it adds passages
from the period to the candidates and ranks them a little higher; "latest" ranks newer
documents higher. Financial and academic years ("2024-25") are content, not document
dates, and are left to the words themselves.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from index.models import Hit

MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
YEAR = r"((?:19|20)\d{2})(?![-/]\d)"
LATEST = re.compile(r"\b(?:latest|most recent|newest|current(?:ly)?|up to date|now)\b", re.I)
IN_BOOST = 0.15  # added to a passage's evidence score when its document is in scope
LATEST_BOOST = 0.15  # spread over documents from oldest (0) to newest (this much)


@dataclass
class TimeScope:
    date_from: str = ""  # ISO, inclusive
    date_to: str = ""
    latest: bool = False

    def __bool__(self) -> bool:
        return bool(self.date_from or self.date_to or self.latest)

    @property
    def has_range(self) -> bool:
        return bool(self.date_from or self.date_to)

    def contains(self, iso: str) -> bool:
        if not iso or not self.has_range:
            return False
        return (not self.date_from or iso >= self.date_from) and (not self.date_to or iso <= self.date_to)


def scope(question: str, today: date | None = None) -> TimeScope:
    """The period a question asks about, from the first time expression that names one."""
    today = today or date.today()
    latest = bool(LATEST.search(question))
    found = _period(question, today)
    return TimeScope(*found, latest=latest) if found else TimeScope(latest=latest)


def _period(text: str, today: date) -> tuple[str, str] | None:
    if m := re.search(rf"\b(?:in|during|from|of|at the|at)\s+{MONTH}\s+{YEAR}", text, re.I):
        return _month(int(m.group(2)), MONTHS[m.group(1).capitalize()])
    if m := re.search(rf"\b{MONTH}\s+{YEAR}\b", text, re.I):
        return _month(int(m.group(2)), MONTHS[m.group(1).capitalize()])
    if m := re.search(rf"\bbetween\s+{YEAR}\s+and\s+{YEAR}", text, re.I):
        return f"{m.group(1)}-01-01", f"{m.group(2)}-12-31"
    if m := re.search(rf"\b(?:since|after)\s+{YEAR}", text, re.I):
        return f"{m.group(1)}-01-01", ""
    if m := re.search(rf"\bbefore\s+{YEAR}", text, re.I):
        return "", f"{int(m.group(1)) - 1}-12-31"
    if m := re.search(rf"\b(?:in|during)\s+{YEAR}\b", text, re.I):
        return f"{m.group(1)}-01-01", f"{m.group(1)}-12-31"
    if re.search(r"\blast year\b", text, re.I):
        return f"{today.year - 1}-01-01", f"{today.year - 1}-12-31"
    if re.search(r"\bthis year\b", text, re.I):
        return f"{today.year}-01-01", today.isoformat()
    if re.search(r"\blast month\b", text, re.I):
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return _month(year, month)
    if re.search(r"\bthis month\b", text, re.I):
        return _month(today.year, today.month)
    if re.search(r"\bthis term\b", text, re.I):
        return _term(today)
    return None


def _month(year: int, month: int) -> tuple[str, str]:
    last = calendar.monthrange(year, month)[1]
    return f"{year}-{month:02d}-01", f"{year}-{month:02d}-{last:02d}"


def _term(today: date) -> tuple[str, str]:
    """The school term today falls in: autumn Sep-Dec, spring Jan-Mar, summer Apr-Aug."""
    if today.month >= 9:
        return f"{today.year}-09-01", f"{today.year}-12-31"
    if today.month <= 3:
        return f"{today.year}-01-01", f"{today.year}-03-31"
    return f"{today.year}-04-01", f"{today.year}-08-31"


def boosts(hits: list[Hit], time: TimeScope) -> dict[int, float]:
    """Extra evidence score per passage (chunk id) for being in the asked-for period or newer."""
    extra: dict[int, float] = {}
    dates = sorted({hit.date for hit in hits if hit.date})
    for hit in hits:
        bonus = IN_BOOST if time.contains(hit.date) else 0.0
        if time.latest and hit.date and len(dates) > 1:
            bonus += LATEST_BOOST * dates.index(hit.date) / (len(dates) - 1)
        if bonus:
            extra[hit.chunk_id] = bonus
    return extra
