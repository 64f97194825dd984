"""Remove page furniture and repair the text damage PDF extraction does.

Running headers and footers are found by repetition: a line (with its digits masked)
that recurs at the top or bottom of many pages is furniture, as are "Page 3 of 40" and
bare page numbers. Hyphens at line ends are joined when the joined word is used
elsewhere in the document; otherwise the hyphen is real ("decision-making").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ingest.models import Line, Page, ParsedDocument, Table

EDGE_LINES = 4  # how far from the top and bottom of a page furniture is looked for
PAGE_NUMBER = re.compile(
    r"^(page\s*\d+(\s*(of|/)\s*\d+)?|\d+\s*(of|/)\s*\d+|-?\s*\d{1,4}\s*-?|[ivxlc]{1,6})$", re.I
)
BLANK_PAGE = re.compile(r"^this page (is )?(intentionally|deliberately) (left )?blank\.?$", re.I)
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
                        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00ad": "", "\u200b": ""})


def normalise(text: str) -> str:
    """Unicode compatibility forms (ligatures), plain quotes and dashes, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    return re.sub(r"[ \t]+", " ", text).strip()


def clean_document(document: ParsedDocument) -> ParsedDocument:
    for page in document.pages:
        for line in page.lines:
            line.text = normalise(line.text)
        for table in page.tables:
            _normalise_table(table)
    furniture = _furniture_keys(document.pages)
    for page in document.pages:
        page.lines = [
            line for i, line in enumerate(page.lines)
            if not _is_furniture(line, i, len(page.lines), furniture)
        ]
    _join_hyphenated(document.pages)
    return document


def _normalise_table(table: Table) -> None:
    table.caption = normalise(" ".join(table.caption.split()))
    table.header = [normalise(" ".join(c.split())) for c in table.header]
    table.rows = [[_normalise_cell(c) for c in row] for row in table.rows]


def _normalise_cell(cell: str) -> str:
    """Cells keep their line breaks only where a new bullet starts."""
    lines = [normalise(line) for line in cell.splitlines() if line.strip()]
    return _join_lines(lines)


def _join_lines(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if out and line[:1] not in "•●▪■◦‣" and not out[-1].endswith(":"):
            if out[-1].endswith("-") and out[-1][-2:-1].isalpha() and line[:1].islower():
                out[-1] = out[-1] + line  # "multi-" + "academy": the hyphen is the word's own
            else:
                out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _furniture_keys(pages: list[Page]) -> set[str]:
    """Masked lines seen near the page edges on at least 40% of pages (and 3 or more)."""
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        texts = [ln.text for ln in page.lines if ln.text]
        edges = texts[:EDGE_LINES] + texts[-EDGE_LINES:]
        seen.update({_mask(t) for t in edges if t})
    threshold = max(3, int(0.4 * len(pages)))
    return {key for key, count in seen.items() if count >= threshold and len(key) > 1}


def _is_furniture(line: Line, index: int, count: int, furniture: set[str]) -> bool:
    text = line.text
    if not text:
        return line.top != -1  # blank lines go, table placeholders stay
    if BLANK_PAGE.match(text):
        return True
    near_edge = index < EDGE_LINES or index >= count - EDGE_LINES
    if near_edge and PAGE_NUMBER.match(text):
        return True
    return near_edge and _mask(text) in furniture


def _join_hyphenated(pages: list[Page]) -> None:
    vocabulary = Counter(
        word.lower()
        for page in pages
        for line in page.lines
        for word in re.findall(r"[A-Za-z]{3,}", line.text)
    )
    for page in pages:
        for this, following in zip(page.lines, page.lines[1:], strict=False):
            match = re.search(r"([A-Za-z]+)-$", this.text)
            start = re.match(r"([a-z]+)(.*)", following.text)
            if not match or not start or not following.text:
                continue
            joined = (match.group(1) + start.group(1)).lower()
            if vocabulary[joined] > 0:
                this.text = this.text[:-1] + start.group(1)
                following.text = start.group(2).lstrip()
            else:
                this.text = this.text + start.group(1)
                following.text = start.group(2).lstrip()
        page.lines = [line for line in page.lines if line.text or line.top == -1]
