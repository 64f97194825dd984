"""Title, kind and date of a document, from what it says about itself.

The date is the meeting or publication date the document states ("Date of meeting:
October 7th 2021", "13 February, 2024"), else one in the file name, else the PDF's
creation date. The kind comes from the title and name (minutes, agenda, strategy, ...).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ingest.models import ParsedDocument

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"])}
MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH},?\s+(\d{{4}})\b", re.I)
MONTH_DAY_YEAR = re.compile(rf"\b{MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
ISO_DATE = re.compile(r"\b(20\d{2}|19\d{2})-(\d{2})-(\d{2})\b")
KINDS = [
    ("minutes", r"\bminutes\b"),
    ("agenda", r"\bagenda\b"),
    ("equality impact assessment", r"\beq(ia|uality impact)\b"),
    ("risk register", r"\brisk register\b"),
    ("glossary", r"\bglossary\b"),
    ("questions and answers", r"\bquestions put\b|\bquestions and answers\b"),
    ("amendment", r"\bamendment\b"),
    ("strategy", r"\bstrateg(y|ies)\b"),
    ("plan", r"\bplan\b"),
    ("performance report", r"\bperformance\b|\bqpr\b"),
    ("web page", r"\bweb page\b"),
    ("report", r"\breport\b"),
]


def describe(document: ParsedDocument) -> ParsedDocument:
    path = Path(document.path)
    first_lines = [ln.text for page in document.pages[:2] for ln in page.lines if ln.text][:40]
    if not _informative(document.title):
        from_text = _title_from_text(first_lines)
        document.title = from_text if _informative(from_text) else _title_from_name(path)
    document.kind = document.kind or _kind(f"{path.stem} {document.title} {' '.join(first_lines[:5])}", document)
    document.date = _date_from_text(first_lines) or _date_from_name(path.name) or document.date
    return document


def _informative(title: str) -> bool:
    """Generic titles ("Minutes", "Agenda Template", "Kent County Council") name no document."""
    words = title.split()
    return len(words) >= 4 and not re.search(r"template|^by:|^from:|^to:|^item\b", title, re.I)


def _title_from_text(lines: list[str]) -> str:
    for line in lines[:6]:
        if 12 <= len(line) <= 140 and not re.match(r"^(page|\d+$)", line, re.I) and not _arrangements(line):
            return line
    return ""


def _arrangements(line: str) -> bool:
    """A frontsheet's time, place and contact lines ("Thursday, 30th January, 2025, at 10.00 am
    Ask for: Georgina Little", "Council Chamber, Sessions House, Telephone: ...") name no document."""
    return bool(
        re.match(r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", line, re.I)
        or re.search(r"\bask for\b|\btel(ephone)?\b|\be-?mail\b|@", line, re.I)
    )


def _title_from_name(path: Path) -> str:
    return re.sub(r"[_]+", " ", path.stem).strip()


def _kind(text: str, document: ParsedDocument) -> str:
    if document.source_format == "html":
        return "web page"
    lowered = text.lower()
    for kind, pattern in KINDS:
        if re.search(pattern, lowered):
            return kind
    return "document"


def _date_from_text(lines: list[str]) -> str:
    for line in lines:
        for pattern, order in ((DAY_MONTH_YEAR, "dmy"), (MONTH_DAY_YEAR, "mdy")):
            match = pattern.search(line)
            if match:
                parts = match.groups()
                day, month, year = (parts[0], parts[1], parts[2]) if order == "dmy" else (parts[1], parts[0], parts[2])
                found = _iso(int(year), MONTHS[month.lower()], int(day))
                if found:
                    return found
    return ""


def _date_from_name(name: str) -> str:
    match = ISO_DATE.search(name)
    return _iso(*map(int, match.groups())) if match else ""


def _iso(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def date_words(iso: str) -> str:
    """An ISO date as officers write it ("2025-01-30" -> "30 January 2025"), so that a
    question naming the month finds a meeting whose file name only has digits."""
    match = ISO_DATE.fullmatch(iso or "")
    if not match:
        return ""
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return ""
    return f"{day} {list(MONTHS)[month - 1].capitalize()} {year}"
