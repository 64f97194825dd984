"""Find the structure in cleaned pages: headings, paragraphs, list items and table rows.

Every block carries the path of headings above it, so a passage can be cited as
"4. 2024-25 Schools' Budget" and a table cell still names its row and column.
"""

from __future__ import annotations

import re

from ingest.describe import DAY_MONTH_YEAR
from ingest.models import Block, Line, Page, ParsedDocument, Table

BULLET = re.compile(r"^[•●▪■◦‣∙·]\s*|^[-–*]\s+|^o\s+(?=[A-Z])")
SECTION_NUMBER = r"(\d{1,2}(?:\.\d{1,2})*)\.?\s+"  # "4.", "4.1 ", "12 "
DECISION_NUMBER = r"\d{2}/\d{5}\s+-\s+"  # a Kent decision's number before its title: "24/00108 - "
# "4.1 Financial implications", "88. 24/00108 - Revenue and Capital Budget Monitoring Report"
NUMBERED_HEADING = re.compile(rf"^{SECTION_NUMBER}((?:{DECISION_NUMBER})?[A-Z][^.]{{1,80}}\.?)$")
NUMBERED_LINE = re.compile(rf"^{SECTION_NUMBER}\S")
NUMBERED_PARAGRAPH = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+|\d{1,2}\.|\(?[a-z]{1,3}\)|\(\d+\))\s+\S")
SENTENCE_END = re.compile(r"[.!?:;]['\")]?$")
PLAIN_HEADING_MAX_WORDS = 8
# A letter's salutation and closing stand alone on their lines but head nothing.
LETTER_FORMULA = re.compile(
    r"^(Dear\b|Yours (sincerely|faithfully)|(Kind|Best|Warm) regards|With best wishes)", re.I
)
# Words a title does not end on: a line ending on one runs on into the next.
RUNS_ON = frozenset(
    "a an and as at by for from in into of on or that the to which who with".split()
)
# A page opening with a title starts a document bound into the same file, whose headings
# are its own, not those of the report before it: an appendix, or a strategy or letter
# after the report's closing sections, or a plan's cover ("SEND Division Strategy" /
# "April 2021 to March 2024").
APPENDIX_TITLE = re.compile(r"^(Appendix|Annexe?)\b", re.I)
CLOSING_SECTION = re.compile(
    r"key decision|private report|date of (the )?next meeting|background papers|close of meeting"
    r"|summary of appendices|^appendices$",
    re.I,
)
PERIOD = re.compile(r"^(\w+\s+)?\d{4}\s*(to|-|–)\s*(\w+\s+)?\d{2,4}$", re.I)
TITLE_MAX_WORDS = 14
CELL_BLOCK_MIN_CHARS = 400  # longer table rows become one block per cell
FIGURE_MAX_CHARS = 40  # a cell this short (a rating, a sum in £m) stays with the cell before it
ROW_LABEL_MAX_CHARS = 120
CODE_MAX_CHARS = 12  # a first cell this short ("CYPE", "ALL", "3") names no row on its own


def document_blocks(document: ParsedDocument) -> list[Block]:
    """All blocks of a document, in reading order, with their section paths."""
    builder = _BlockBuilder(_typical_line_length(document.pages))
    items = [(page.number, item) for page in document.pages for item in reading_order(page)]
    line_on_page = 0
    for index, (page_number, item) in enumerate(items):
        if index and items[index - 1][0] != page_number:
            line_on_page = 0
        if isinstance(item, Table):
            builder.add_table(item)
        else:
            following = items[index + 1][1] if index + 1 < len(items) else None
            builder.add_line(
                item, page_number, following.text if isinstance(following, Line) else "", line_on_page
            )
            line_on_page += 1
    return builder.finish()


def reading_order(page: Page) -> list[Line | Table]:
    """Lines and tables interleaved as they stand on the page."""
    if not page.tables:
        return [line for line in page.lines if line.text]
    placeholders = [i for i, line in enumerate(page.lines) if line.top == -1]
    if placeholders:  # formats that mark a table's place with an empty line
        tables = iter(page.tables)
        return [next(tables, None) if line.top == -1 else line for line in page.lines if line.text or line.top == -1]
    items: list[Line | Table] = [*page.lines, *page.tables]
    return sorted(items, key=lambda item: item.top)


def _typical_line_length(pages: list[Page]) -> int:
    lengths = sorted(len(line.text) for page in pages for line in page.lines if line.text)
    return lengths[int(len(lengths) * 0.9)] if lengths else 80


class _BlockBuilder:
    def __init__(self, typical_length: int) -> None:
        self.typical_length = typical_length
        self.blocks: list[Block] = []
        self.headings: list[tuple[int, str]] = []
        self.open: Block | None = None  # the paragraph or item still taking lines
        self.last_line: Line | None = None
        self.listed: tuple[Line, str] | None = None  # the last line read as a numbered list item, its number
        self.page_title = ""  # the current page's first line, when it reads as a title
        self.title_runs_on = False  # a document's title wraps onto the next line
        self.numbered_sections = False  # the current document has had a numbered section
        self.document_page = 1  # where the current document started

    # -- headings ------------------------------------------------------------------------

    def _section(self) -> list[str]:
        return [text for _, text in self.headings]

    def _push_heading(self, level: int, text: str, page: int) -> None:
        self._close()
        self.headings = [(lvl, t) for lvl, t in self.headings if lvl < level]
        self.headings.append((level, text.rstrip(".:")))
        self.blocks.append(Block("heading", text, page, self._section(), level))

    def _starts_document(self, line: Line, next_text: str, line_on_page: int) -> bool:
        """A title at the top of a page that starts a document bound into this file."""
        text = line.text
        if line.bold and line.size >= 13:
            return True  # set as large as a cover's title
        if line_on_page > 0:
            return False
        if APPENDIX_TITLE.match(text):
            return not APPENDIX_TITLE.match(next_text)  # not a page listing the appendices
        if SENTENCE_END.search(text) or len(text.split()) > PLAIN_HEADING_MAX_WORDS:
            return False
        return bool(PERIOD.match(next_text)) or any(CLOSING_SECTION.search(t) for _, t in self.headings)

    def _start_document(self, title: str, page: int, next_text: str = "") -> None:
        """Drop the headings above: the new document's title heads its passages instead."""
        self._close()
        self.headings = []
        self.numbered_sections = False
        self.document_page = page
        if title:
            self._push_heading(0, title, page)
        self.title_runs_on = bool(title) and _runs_on(title, next_text)

    def _extend_title(self, text: str) -> None:
        title = f"{self.blocks[-1].text} {text}"
        self.headings = [(0, title.rstrip(".:"))]
        self.blocks[-1].text, self.blocks[-1].section = title, self._section()

    def _heading_level(self, line: Line, next_text: str) -> int:
        text = line.text
        if line.heading_level:
            return line.heading_level
        if len(text) > 120 or text.endswith(",") or LETTER_FORMULA.match(text):
            return 0
        numbered = NUMBERED_HEADING.match(text)
        if numbered and len(text) <= 90:
            if self._listed(line, numbered.group(1), next_text):
                return 0
            opens_paragraph = self._numbered_paragraph(text, numbered.group(2), next_text)
            return 0 if opens_paragraph else numbered.group(1).count(".") + 1
        if line.bold and not BULLET.match(text):
            return 1 if line.size >= 13 else 2
        return self._plain_heading_level(text)

    def _listed(self, line: Line, number: str, next_text: str) -> bool:
        """Numbered lines one straight after the other ("1. Build on our understanding of need
        and demand" / "2. Plan to meet statutory need ...") are a list, not sections: taken
        for headings, the last item held every page after it. Remembers a listed line, so
        that the next one is known to follow it."""
        following = NUMBERED_LINE.match(next_text)
        after_item = self.listed is not None and self.listed[0] is self.last_line
        listed = (after_item and number == _next_number(self.listed[1])) or bool(
            following and following.group(1) == _next_number(number)
        )
        self.listed = (line, number) if listed else None
        return listed

    def _numbered_paragraph(self, line: str, words_after_number: str, next_text: str) -> bool:
        """A numbered line that opens a paragraph, not a section: a sentence ("7.3 The EqIA
        will continue to be reviewed."), a resolution ("3. RESOLVED that Cabinet agree to:"),
        a full line of running words that runs on into the next ("1.1 Transitions is the process
        of a minor or young person moving into legal" / "adulthood. For ..."; a long title wraps
        too, but its words are capitalised), or a date ("15 June 2021")."""
        if re.match(DECISION_NUMBER, words_after_number):
            return False  # an agenda item: "90. 24/00109 - Transfer the 18-25 section of the ..."
        words = words_after_number.split()
        lowercase = [word for word in words if word[:1].islower()]
        running_words = len(lowercase) >= 0.4 * len(words) or (
            next_text[:1].islower() and any(word.lower() not in RUNS_ON for word in lowercase)
        )
        return bool(
            DAY_MONTH_YEAR.match(line)
            or words[0] in ("RESOLVED", "AGREED")
            or words[-1].lower() in RUNS_ON
            or (words_after_number.endswith(".") and len(words) >= 7)
            or (len(line) >= 0.8 * self.typical_length and running_words)
        )

    def _plain_heading_level(self, text: str) -> int:
        """A short title-like line between finished sentences reads as a heading."""
        previous = self.last_line.text if self.last_line else ""
        if (
            text[:1].isupper()
            and len(text.split()) <= PLAIN_HEADING_MAX_WORDS
            and not SENTENCE_END.search(text)
            and not BULLET.match(text)
            and (not previous or SENTENCE_END.search(previous) or self.open is None)
            and not re.search(r"\d{3,}|@|\bTel\b|\b(Approved|Rejected|Abstained|Carried)\b", text)
        ):
            return 3
        return 0

    # -- text ----------------------------------------------------------------------------

    def add_line(self, line: Line, page: int, next_text: str, line_on_page: int) -> None:
        text = line.text
        if self.title_runs_on:
            self.title_runs_on = False
            self._extend_title(text)
            self.last_line = line
            return
        if line_on_page == 0:
            self.page_title = text if _title_like(text) else ""
        if (
            line_on_page < 2
            and self.blocks
            and page > self.blocks[0].page
            and _title_like(text)
            and self._starts_document(line, next_text, line_on_page)
        ):
            self._start_document(text, page, next_text)
            self.last_line = line
            return
        level = self._heading_level(line, next_text)
        if level == 1 and (numbered := NUMBERED_LINE.match(text)):
            title = self.page_title if self.page_title != text else ""
            if numbered.group(1) == "1" and (self.numbered_sections or (title and page > self.document_page)):
                self._start_document(title, page)  # a report's "1. Summary" under its title
            self.numbered_sections = True
        if level:
            self._push_heading(level, text, page)
        elif line.bullet or BULLET.match(text):
            self._start("item", BULLET.sub("", text), page)
        elif NUMBERED_PARAGRAPH.match(text) or self._starts_paragraph(text):
            self._start("paragraph", text, page)
        else:
            self.open.text = f"{self.open.text} {text}"
        self.last_line = line

    def _starts_paragraph(self, text: str) -> bool:
        if self.open is None:
            return True
        previous = self.last_line.text if self.last_line else ""
        short = len(previous) < 0.8 * self.typical_length
        return bool(short and SENTENCE_END.search(previous) and text[:1].isupper()) or bool(
            re.match(r"^(Recommendation|RESOLVED|Resolved|Approved|Decision|Action)\b", text)
        )

    def _start(self, kind: str, text: str, page: int) -> None:
        self._close()
        self.open = Block(kind, text, page, self._section())

    def _close(self) -> None:
        if self.open is not None and self.open.text.strip():
            self.blocks.append(self.open)
        self.open = None

    # -- tables --------------------------------------------------------------------------

    def add_table(self, table: Table) -> None:
        self._close()
        section = self._section() + ([table.caption] if table.caption else [])
        header = table_header_line(table)
        for row in table.rows:
            if sum(len(cell) for cell in row) < CELL_BLOCK_MIN_CHARS:
                self.blocks.append(Block("table_row", tab_separated(row), table.page, section, header=header))
                continue
            for text in long_row_texts(table, row):
                self.blocks.append(Block("table_row", text, table.page, section))
        self.last_line = None

    def finish(self) -> list[Block]:
        self._close()
        return self.blocks


def _title_like(text: str) -> bool:
    return (
        text[:1].isupper()
        and 2 <= len(text.split()) <= TITLE_MAX_WORDS
        and not re.search(r"@|https?:|www\.", text)
        and not BULLET.match(text)
        and not NUMBERED_LINE.match(text)
        and not LETTER_FORMULA.match(text)
    )


def _runs_on(title: str, next_text: str) -> bool:
    """A title's next line is more of it: "Appendix E - Proposed governance structure for
    joint" / "commissioning.", or "... OVERVIEW AND SCRUTINY" / "COMMITTEE"."""
    if not next_text or APPENDIX_TITLE.match(next_text):
        return False
    capitals = title.isupper() and next_text.isupper() and len(next_text.split()) <= 3
    return next_text[:1].islower() or title.split()[-1].lower() in RUNS_ON or capitals


def _next_number(number: str) -> str:
    """The number after "6" is "7"; after "4.1", "4.2"."""
    *parents, last = number.split(".")
    return ".".join([*parents, str(int(last) + 1)])


def tab_separated(cells: list[str]) -> str:
    """A short table row as one line, its cells in the page's order between tabs: read
    under its table's header line, each cell stands in its column, and the row's words
    are in the order the PDF shows them ("Moderate LD 6,547 29.8%"), as an officer
    copying it would quote them."""
    return "\t".join(" ".join(cell.split()) for cell in cells).rstrip("\t")


def table_header_line(table: Table) -> str:
    """What a passage of the table's rows starts with: its caption, and its column names."""
    lines = [table.caption] if table.caption else []
    if table.header:
        lines.append(tab_separated(table.header))
    return "\n".join(lines)


def long_row_texts(table: Table, row: list[str]) -> list[str]:
    """A long row (a strategy's year columns full of bullets, a risk register's fields)
    cut between cells, each piece prefixed with the table caption and the row label and
    each cell with its column name, so every cell still says which row and column it
    belongs to. Figures (a likelihood, an exposure in £m) stay with the cell before them,
    so that a passage holds a risk's consequence and its figures together."""
    header = table.header if len(table.header) == len(row) else []
    names = _row_label(row)
    label = " | ".join(names)
    caption = f"{table.caption}\n" if table.caption else ""
    texts: list[str] = []
    piece: list[str] = []
    for index, cell in enumerate(row):
        if not cell or index < len(names):
            continue
        text = f"{header[index]}:\n{cell}" if header else cell
        figure = len(cell) <= FIGURE_MAX_CHARS
        if piece and not figure and (
            len(cell) >= CELL_BLOCK_MIN_CHARS or sum(map(len, piece)) + len(text) > CELL_BLOCK_MIN_CHARS
        ):
            texts.append(_row_piece(caption, label, piece))
            piece = []
        piece.append(text)
    if piece:
        texts.append(_row_piece(caption, label, piece))
    return texts


def _row_label(row: list[str]) -> list[str]:
    """The cells that name a row: its first, and the second too when the first is only a
    code ("CYPE | High Needs Spending" in a risk register, not "CYPE")."""
    first = row[0]
    if not first or len(first) > ROW_LABEL_MAX_CHARS:
        return []
    if len(first) <= CODE_MAX_CHARS and len(row) > 1 and row[1] and len(row[1]) <= ROW_LABEL_MAX_CHARS:
        return [first, row[1]]
    return [first]


def _row_piece(caption: str, label: str, cells: list[str]) -> str:
    return caption + (f"{label} | " if label else "") + "\n".join(cells)
