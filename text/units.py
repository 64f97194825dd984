"""The quotable units of a passage: sentences, list items, table rows and headings.

A unit is what the answer quotes and what search embeds: staff want the line that answers
them, not the passage around it, and a small embedding model reads one sentence far more
sharply than a 250-word passage (dense recall@5 on the blind dev questions, Kent: 0.69 by
passage vectors, 0.87 by each passage's best unit). One splitter serves ingest (a vector per
unit) and the answer layer (the units it scores and quotes), so the two always agree on
what unit N of a passage is.

A recommendation keeps its "Approved: N Rejected: N" line, a sentence cut by a PDF line
break is put back together, a table row stays one unit under its column names, and a very
long run-on cell is cut at commas into pieces a reader can take in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VOTE_LINE = re.compile(r"^(?:Approved|Rejected|Abstained|Carried|Votes?)\b[: ]", re.I)
BULLET = re.compile(r"^[•●▪■◦‣∙·]\s*")
VALUE_MAX_CHARS = 40  # a line this short after "Name:" is that name's value (a rating, a sum)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9£(\"'])")
ABBREVIATIONS = frozenset("mr mrs ms dr cllr no nos st e.g i.e etc approx vs para cf fig inc ltd co".split())
LONG_UNIT, CLAUSE = 450, 300  # characters
HEADING_WORDS = 14  # a short line without a sentence end, of at most this many words, heads what follows
HEADINGS_KEPT = 3  # the headings above a unit that frame it


@dataclass(frozen=True)
class PassageUnit:
    """One quotable piece of a passage, in the passage's own words."""

    position: int  # order within the passage, so neighbours can be quoted together
    text: str  # verbatim, whitespace collapsed (a table row keeps the tabs between its cells)
    kind: str  # sentence | item | row | heading
    headings: tuple[str, ...] = ()  # the nearest headings above it inside the passage
    header: str = ""  # a table row's column names: the first line of its run of rows


def passage_units(text: str) -> list[PassageUnit]:
    """A passage cut into units; heading-like lines also frame the units under them."""
    units: list[PassageUnit] = []
    headings: list[str] = []
    header = ""  # the first line of the table rows being read, which names their columns
    for line in _lines(text):
        if VOTE_LINE.match(line) and units:
            last = units[-1]
            units[-1] = PassageUnit(last.position, f"{last.text} {line}", last.kind, last.headings, last.header)
            continue
        kind = _line_kind(line)
        if kind == "row" and not header:
            header, kind = line, "heading"
        elif kind != "row":
            header = ""
        pieces = sentences(line) if kind == "sentence" else [BULLET.sub("", line)]
        framing = tuple(headings[-HEADINGS_KEPT:])
        for part in (clause for piece in pieces for clause in _clauses(piece)):
            units.append(PassageUnit(len(units), part, kind, framing, header if kind == "row" else ""))
        if kind == "heading":
            headings.append(line)
    return units


def unit_embedding_text(section: str, unit: PassageUnit) -> str:
    """What a unit's vector is made from: its words under its section's name, which often says
    what a sentence is about (Kent blind dev recall@5 fused with keywords: 0.889 for the unit
    alone, 0.933 with its section)."""
    return f"{section}\n{unit.text}" if section else unit.text


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
        return "heading" if len(line.split()) <= HEADING_WORDS else "sentence"
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
