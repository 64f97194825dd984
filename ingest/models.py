"""The records that flow from a file on disk to the index.

A loader turns a file into a `ParsedDocument` (pages of text lines and tables); cleaning
and structure detection turn those into `Block`s; chunking groups blocks into `Chunk`s;
the record extractors derive `Commitment`s and `Decision`s (index.models, where the index keeps them).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """A ruled table as found on a page: `header` rows name the columns of `rows`."""

    page: int
    header: list[str]
    rows: list[list[str]]
    top: float = 0.0  # distance from the page top, so tables interleave with text in order
    caption: str = ""  # a title row spanning the whole table

    @classmethod
    def from_grid(cls, rows: list[list[str]], page: int, top: float) -> Table:
        """Split a grid of cell texts into caption, column header and body rows.

        Leading rows with a single filled cell span the table: they are its caption. The next
        row is the column header when every cell is filled and short. A table of single-cell
        rows only is a form (a row per question, a row per answer): its first row is its
        caption, the rest stay rows.
        """
        if len(rows) > 1 and all(_only_cell(row) for row in rows):
            return cls(page=page, header=[], rows=rows[1:], top=top, caption=_only_cell(rows[0]))
        captions = []
        while len(rows) > 1 and _only_cell(rows[0]):
            captions.append(_only_cell(rows[0]))
            rows = rows[1:]
        header: list[str] = []
        if len(rows) > 1 and all(c and len(c) <= 80 for c in rows[0]):
            header, rows = rows[0], rows[1:]
        return cls(page=page, header=header, rows=rows, top=top, caption=" ".join(captions))


def _only_cell(row: list[str]) -> str:
    """The row's text when exactly one of its cells is filled (a row spanning the table), else ""."""
    filled = [cell for cell in row if cell]
    return filled[0] if len(filled) == 1 else ""


@dataclass
class Line:
    """One line of page text, with what the loader knows of its look."""

    text: str
    top: float = 0.0
    size: float = 0.0  # font size, 0 when unknown
    bold: bool = False
    heading_level: int = 0  # set by loaders whose format marks headings (Word, HTML, Markdown)
    bullet: bool = False  # a list item the format marks as such


@dataclass
class Page:
    number: int  # 1-based, as printed in a PDF viewer
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class ParsedDocument:
    """What a loader makes of one file, before cleaning."""

    path: str
    title: str
    pages: list[Page]
    date: str = ""  # ISO date of the meeting or publication, when the document states it
    kind: str = ""  # strategy, minutes, report, agenda, web page, ...
    source_format: str = ""  # pdf, docx, html, md, txt


@dataclass
class Block:
    """A unit of document structure: a heading, a paragraph, a list item or a table row."""

    kind: str  # heading | paragraph | item | table_row
    text: str
    page: int
    section: list[str] = field(default_factory=list)  # heading path above this block
    level: int = 0  # heading depth, for kind == "heading"
    header: str = ""  # a short table row's caption and column names, written above its run of rows


@dataclass
class Chunk:
    """A passage as stored and cited: clean text plus where it came from."""

    text: str
    page_start: int
    page_end: int
    section: str  # "Priority two > Year Two (2022-2023)"
    ordinal: int = 0  # position within its document

    @property
    def pages(self) -> str:
        if self.page_start == self.page_end:
            return str(self.page_start)
        return f"{self.page_start}-{self.page_end}"
