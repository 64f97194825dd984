"""Commitments of strategies and plans: one record per promise, placed by priority and year.

Three shapes are read, each from the structure the document itself shows, never from
rules written for one file:

* priority-by-year tables: a ruled table whose column headers are years ("Year One
  (2021-2022)", "2022/23", "Year 2"). Each bullet of a year cell is one commitment. The
  priority comes from the table's caption ("Priority two: ..."), else from the nearest
  "Priority N" heading above it, else from the table it continues (a table carried over
  to the next page, with or without its header repeated). A short line at the top of a
  cell, before its bullets, names the row's theme ("EHCPs", "Short breaks"); a bullet cut
  by the page break is joined back to its start.
* action tables: a table with an "Action" column; each row is one commitment, with the
  year from a "Year"/"Timescale" column and the priority from a "Ref"/"Priority"/"Area"
  column where the table has them.
* lists: "we will" bullets (or the bullets after a "We will:" lead-in, or numbered items
  under an "Actions" heading) under "Priority 3: ..." headings, with the year from a
  "Year 2 (2022/23)" heading where there is one.

Every bullet of a year column counts, with or without "We will": a strategy's cell
commits to all it lists for that year ("Monitor and review sufficiency of Special Schools
placements", and outcomes it promises, "Children and young people are placed in
appropriate schools"). A strategy is named as an officer would name it,
from its title line ("Education Division Strategy" -> "Education", "Special Educational
Needs and Disability (SEND) Joint Commissioning Strategy 2021 - 2024" -> "SEND Joint
Commissioning"), and its period ("April 2021 to March 2024") turns relative year
headers ("Year 2") into academic years ("2022-2023").
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from index.models import Commitment
from ingest.models import Line, Page, ParsedDocument, Table
from text.themes import themes_for
from text.years import (
    ABSOLUTE_YEAR,
    NUMBER_PATTERN,
    RELATIVE_YEAR,
    academic_year,
    number_value,
    relative_year,
)

PRIORITY = re.compile(rf"^\s*priority\s+{NUMBER_PATTERN}\b\s*[:.\-–—]?\s*(.*)$", re.I | re.S)
BULLET = re.compile(r"^\s*(?:[•●▪■◦‣∙·○✓]|[-–*](?=\s)|o(?=\s+[A-Z]))\s*")
NUMBERED = re.compile(r"^\s*(?:\d{1,2}[.)]|\(?[a-z]\))\s+(?=\S)")
WE_WILL = re.compile(r"^\s*(?:and\s+)?(?:we\s+will|we'll|we\s+shall|we\s+are\s+going\s+to|we\s+commit\s+to)\b", re.I)
LEAD_IN = re.compile(r"\bwe\s+will(?:\s+also)?\s*:\s*$", re.I)
ACTIONS_HEADING = re.compile(r"^(?:key\s+|our\s+|priority\s+)?actions?\b|^what\s+we\s+will\s+do\b|^our\s+commitments?\b", re.I)
SENTENCE_END = re.compile(r"[.!?;]['\")]?$")
ACTION_COLUMN = re.compile(r"(?:key |proposed |agreed |improvement )?actions?")

MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
PERIOD = re.compile(rf"(?:{MONTHS}\s+)?((?:19|20)\d{{2}})\s*(?:-|–|to|until)\s*(?:{MONTHS}\s+)?((?:19|20)\d{{2}}|\d{{2}})(?!\d)", re.I)

TITLE_WORD = re.compile(r"\b(Strategy|Plan)\b")
GENERIC_NAME_WORDS = frozenset(
    """action actions delivery implementation improvement work business project the our this
    draft updated overall council strategy plan plans annual local proposed new revised full
    and of for a an""".split()
)
SMALL_WORDS = frozenset("and of the for to in on with a an & by at or".split())
NOT_TITLE_START = frozenset("this these it we in as by each although however if when where that there".split())



# -- public ---------------------------------------------------------------------------------


def extract_commitments(document: ParsedDocument) -> list[Commitment]:
    """Every commitment of every strategy or plan in the document, in reading order.

    A layout this reader trips on costs the document its commitments, never its passages.
    """
    try:
        reader = _Reader(document)
        reader.read()
        return reader.commitments()
    except Exception:  # noqa: BLE001 - logged, and the document is still indexed
        logging.getLogger(__name__).exception("%s: commitments not extracted", document.path)
        return []



# -- reading ----------------------------------------------------------------------------------


@dataclass
class _Strategy:
    name: str
    years: list[str] = field(default_factory=list)  # its period, as academic years
    titles: dict[int, str] = field(default_factory=dict)  # short priority titles from prose


@dataclass
class _Candidate:
    strategy: _Strategy
    priority: int | None
    caption_title: str
    year_label: str
    theme: str
    text: str
    page: int
    source: str  # year-table | action-table | list
    column: int = -1  # year column, to join a bullet cut by a page break


@dataclass
class _TableState:
    """What a year table passes on to the table that continues it."""

    strategy: _Strategy
    priority: int | None
    caption_title: str
    header: list[str]
    page: int
    last_theme: str
    last_in_column: dict[int, _Candidate]


class _Reader:
    def __init__(self, document: ParsedDocument) -> None:
        self.document = document
        self.items = list(_reading_order(document.pages))
        self.strategy: _Strategy | None = None
        if document.kind in ("strategy", "plan"):
            self.strategy = _Strategy(_strategy_name(document.title) or document.title)
            self.strategy.years = _period(document.title)
        self.candidates: list[_Candidate] = []
        self.priority: tuple[int, str] | None = None  # from the last "Priority N" heading
        self.priority_fresh = False  # seen since the last table
        self.priority_level = 0  # heading level of that heading, where the format gives one
        self.year_label = ""
        self.previous_table: _TableState | None = None
        self.item: _Candidate | None = None  # list item still taking lines
        self.item_counts = False
        self.lead_in = False
        self.actions_heading = False
        self.last_text = ""

    def read(self) -> None:
        index = 0
        while index < len(self.items):
            page, item = self.items[index]
            if isinstance(item, Table):
                self._close_item()
                self._table(item)
            else:
                index = self._line(index, page, item)
            index += 1
        self._close_item()

    # -- lines ------------------------------------------------------------------------------

    def _line(self, index: int, page: int, line: Line) -> int:
        text = line.text.strip()
        if not text:
            return index
        title = self._strategy_title(index, text)
        if title is not None:
            self._close_item()
            name, years = title
            self.strategy = _Strategy(name, years)
            self.priority, self.priority_fresh, self.year_label = None, False, ""
            self.lead_in = self.actions_heading = False
            self.previous_table = None
            self.last_text = text
            return index
        if self.strategy is None:
            self.last_text = text
            return index
        match = PRIORITY.match(text)
        if match and len(text) <= 200:
            self._close_item()
            number = number_value(match.group(1))
            title, index = self._priority_title(index, match.group(2).strip())
            if title and not WE_WILL.match(title):
                self.strategy.titles.setdefault(number, title)
            self.priority, self.priority_fresh, self.year_label = (number, title), True, ""
            self.priority_level = line.heading_level
            self.lead_in = self.actions_heading = False
            self.last_text = text
            return index
        if self._year_heading(text):
            self._close_item()
            self.year_label = text
            self.last_text = text
            return index
        bullet = BULLET.match(text) or line.bullet
        numbered = NUMBERED.match(text)
        if bullet or numbered:
            self._close_item()
            body = BULLET.sub("", text) if bullet else NUMBERED.sub("", text)
            self.item = self._candidate(body, page, "list")
            self.item_counts = bool(
                WE_WILL.match(body) or (self.lead_in and bullet) or (numbered and self.actions_heading)
            )
        elif self.item is not None and self._continues(text):
            self.item.text = _join(self.item.text, text)
        else:
            self._close_item()  # any other line ends a list; a lead-in or heading starts one
            if line.heading_level and self.priority_level and line.heading_level <= self.priority_level:
                self.priority, self.year_label = None, ""  # a sibling heading ends the priority
            self.lead_in = bool(LEAD_IN.search(text))
            self.actions_heading = bool(
                ACTIONS_HEADING.match(text) and text[:1].isupper() and len(text.split()) <= 8
                and not SENTENCE_END.search(text)
            )
        self.last_text = text
        return index

    def _continues(self, text: str) -> bool:
        previous = self.item.text if self.item else ""
        return bool(text[:1].islower() or not SENTENCE_END.search(previous)) and not PRIORITY.match(text)

    def _close_item(self) -> None:
        if self.item is not None and self.item_counts:
            self.candidates.append(self.item)
        self.item = None
        self.item_counts = False

    def _candidate(self, text: str, page: int, source: str) -> _Candidate:
        number, title = self.priority if self.priority else (None, "")
        return _Candidate(self.strategy, number, title, self.year_label, "", text, page, source)

    def _priority_title(self, index: int, title: str) -> tuple[str, int]:
        """A title left empty on the "Priority two:" line continues on the next lines."""
        if title:
            return title, index
        parts: list[str] = []
        following = index + 1
        while following < len(self.items) and len(parts) < 4:
            _, item = self.items[following]
            if isinstance(item, Table):
                break
            text = item.text.strip()
            if not text or BULLET.match(text) or PRIORITY.match(text):
                break
            if parts and (len(text) > 45 or SENTENCE_END.search(parts[-1])):
                break
            parts.append(text)
            following += 1
            if len(text) > 45:
                break
        return " ".join(parts), following - 1

    def _strategy_title(self, index: int, text: str) -> tuple[str, list[str]] | None:
        previous = self._previous_line(index)
        if not _is_title_line(text) or _continues_sentence(previous):
            return None
        name = ""
        if previous and _is_title_part(previous) and not TITLE_WORD.search(previous):
            name = _strategy_name(f"{previous} {text}")  # a title set over two lines
        name = name or _strategy_name(text)
        if not name:
            return None
        years = _period(text)
        following = self._next_line(index)
        if not years and following and len(following.split()) <= 8:
            years = _period(following)
        return name, years

    def _previous_line(self, index: int) -> str:
        """The line before, on the same page."""
        if index > 0 and isinstance(self.items[index - 1][1], Line) and self.items[index - 1][0] == self.items[index][0]:
            return self.items[index - 1][1].text.strip()
        return ""

    def _next_line(self, index: int) -> str:
        if index + 1 < len(self.items) and isinstance(self.items[index + 1][1], Line):
            return self.items[index + 1][1].text.strip()
        return ""

    def _year_heading(self, text: str) -> bool:
        if len(text.split()) > 6 or SENTENCE_END.search(text):
            return False
        rest = ABSOLUTE_YEAR.sub("", RELATIVE_YEAR.sub("", text))
        return bool(academic_year(text) or relative_year(text)) and not re.search(r"[A-Za-z]{4,}", rest.replace("Year", ""))

    # -- tables -----------------------------------------------------------------------------

    def _table(self, table: Table) -> None:
        if self.strategy is None:
            return
        header, rows = _header_and_rows(table)
        year_columns = _year_columns(header)
        if len(year_columns) >= 2:
            self._year_table(table, header, rows, year_columns)
        else:
            self._action_table(table, header, rows)
        self.priority_fresh = False

    def _year_table(self, table: Table, header: list[str], rows: list[list[str]], year_columns: dict[int, str]) -> None:
        strategy = self.strategy
        previous = self.previous_table
        continues = (
            previous is not None
            and previous.strategy is strategy
            and previous.page in (table.page, table.page - 1)
            and len(previous.header) == len(header)
        )
        caption = PRIORITY.match(table.caption or "")
        if caption:
            priority, caption_title = number_value(caption.group(1)), caption.group(2).strip()
        elif self.priority_fresh and self.priority:
            priority, caption_title = self.priority
        elif continues:
            priority, caption_title = previous.priority, previous.caption_title
        elif self.priority:
            priority, caption_title = self.priority
        else:
            priority, caption_title = None, ""
        same_priority = continues and previous.priority == priority
        theme = previous.last_theme if same_priority else ""  # a theme runs on until the next one
        last_in_column = dict(previous.last_in_column) if same_priority else {}
        label_columns = [i for i in range(len(header)) if i not in year_columns]
        first_year_column = min(year_columns)
        bulleted_table = any(BULLET.match(s) for row in rows for cell in row for s in _segments(cell))
        for row_number, row in enumerate(rows):
            row_label = _clean(" ".join(row[i] for i in label_columns if i < len(row) and row[i]))
            row_priority = PRIORITY.match(row_label)
            if row_priority:  # priorities down the side, years across the top
                priority, caption_title = number_value(row_priority.group(1)), row_priority.group(2).strip()
                theme, last_in_column = "", {}
            elif row_label and len(row_label.split()) <= 12:
                theme = row_label
            for column, label in year_columns.items():
                cell = row[column] if column < len(row) else ""
                for number, segment in enumerate(_segments(cell)):
                    bulleted = bool(BULLET.match(segment))
                    text = _clean(BULLET.sub("", segment))
                    if not text:
                        continue
                    if not bulleted and number == 0:
                        earlier = last_in_column.get(column)
                        if earlier is not None and row_number == 0 and text[:1].islower():
                            earlier.text = _join(earlier.text, text)  # a bullet cut by the page break
                            continue
                        lone = len(_segments(cell)) == 1
                        if column == first_year_column and _is_theme(text) and bulleted_table and (
                            not lone or any(row[c] for c in year_columns if c != column and c < len(row))
                        ):
                            theme = text
                            continue
                    candidate = _Candidate(
                        strategy, priority, caption_title, label, theme, text, table.page, "year-table", column
                    )
                    self.candidates.append(candidate)
                    last_in_column[column] = candidate
        self.previous_table = _TableState(
            strategy, priority, caption_title, header, table.page, theme, last_in_column
        )

    def _action_table(self, table: Table, header: list[str], rows: list[list[str]]) -> None:
        lowered = [h.lower().strip(" ?:") for h in header]
        action = next((i for i, h in enumerate(lowered) if ACTION_COLUMN.fullmatch(h)), None)
        if action is None:
            return
        ref = next((i for i, h in enumerate(lowered) if i != action and re.match(r"(ref|priority|area)\b", h)), None)
        title = next(
            (i for i, h in enumerate(lowered)
             if i not in (action, ref) and re.search(r"\b(priority|area|objective|theme|weakness|outcome)\b", h)),
            None,
        )
        year = next((i for i, h in enumerate(lowered) if i != action and re.search(r"\byear\b|timescale|by when|deadline", h)), None)
        for row in rows:
            if [c.lower() for c in row] == [h.lower() for h in header]:
                continue  # a header repeated on a later page
            cell = row[action] if action < len(row) else ""
            if not cell or not re.search(r"[a-z]{3}", cell):
                continue
            priority = None
            if ref is not None and ref < len(row):
                found = re.match(r"\s*(\d{1,2})\b", row[ref])
                priority = int(found.group(1)) if found else None
            caption_title = _clean(row[title]) if title is not None and title < len(row) else ""
            year_label = _clean(row[year]) if year is not None and year < len(row) else ""
            segments = [s for s in _segments(cell) if BULLET.match(s)]
            texts = [_clean(BULLET.sub("", s)) for s in segments] if len(segments) >= 2 else [_clean(cell)]
            for text in texts:
                self.candidates.append(
                    _Candidate(self.strategy, priority, caption_title, year_label, "", text, table.page, "action-table")
                )

    # -- result ------------------------------------------------------------------------------

    def commitments(self) -> list[Commitment]:
        by_strategy: dict[int, list[_Candidate]] = {}
        for candidate in self.candidates:
            by_strategy.setdefault(id(candidate.strategy), []).append(candidate)
        records: list[Commitment] = []
        seen: set[tuple] = set()
        for candidates in by_strategy.values():
            if any(c.source == "year-table" for c in candidates):
                # the tables are the strategy's commitments; its prose and lists describe them
                candidates = [c for c in candidates if c.source != "list"]
            for candidate in candidates:
                record = self._record(candidate)
                key = (record.strategy, record.priority, record.year, record.text)
                if len(record.text.split()) >= 3 and key not in seen:
                    seen.add(key)
                    records.append(record)
        return records

    def _record(self, candidate: _Candidate) -> Commitment:
        strategy = candidate.strategy
        years = strategy.years or self._table_years(strategy)
        title = candidate.caption_title
        if (not title or WE_WILL.match(title)) and candidate.priority in strategy.titles:
            title = strategy.titles[candidate.priority]
        title = title.rstrip(" .:")
        text = candidate.text.strip()
        themes = themes_for(title, candidate.theme, text)
        if candidate.theme and candidate.theme.lower() not in {t.lower() for t in themes}:
            themes.append(candidate.theme)
        return Commitment(
            strategy=strategy.name,
            priority=candidate.priority,
            priority_title=title,
            year=academic_year(candidate.year_label, years),
            themes=themes,
            text=text,
            page=candidate.page,
            year_label=candidate.year_label,
        )

    def _table_years(self, strategy: _Strategy) -> list[str]:
        found = {academic_year(c.year_label) for c in self.candidates if c.strategy is strategy}
        return sorted(y for y in found if y)


# -- helpers ----------------------------------------------------------------------------------


def _reading_order(pages: list[Page]):
    """(page number, line or table) in the order they stand on each page."""
    for page in pages:
        if not page.tables:
            items: list = [line for line in page.lines if line.text]
        elif any(line.top == -1 for line in page.lines):  # formats marking a table's place
            tables = iter(page.tables)
            items = [next(tables, None) if line.top == -1 else line for line in page.lines
                     if line.text or line.top == -1]
            items = [item for item in items if item is not None]
        else:
            items = sorted([*[line for line in page.lines if line.text], *page.tables], key=lambda i: i.top)
        for item in items:
            yield page.number, item


def _header_and_rows(table: Table) -> tuple[list[str], list[list[str]]]:
    """The column header, taken from the first row when the loader found none."""
    header, rows = list(table.header), [list(r) for r in table.rows]
    first = rows[0] if rows else []
    if not any(header) and sum(1 for c in first if c) >= 2 and (
        all(len(c) <= 80 for c in first) or any(ACTION_COLUMN.fullmatch(c.lower().strip(" ?:")) for c in first)
    ):
        header, rows = rows[0], rows[1:]
    return [" ".join(h.split()) for h in header], rows


def _year_columns(header: list[str]) -> dict[int, str]:
    columns = {}
    for index, cell in enumerate(header):
        if cell and len(cell) <= 40 and (academic_year(cell) or relative_year(cell)) and not re.search(r"£|%|\bforecast|\bactuals?\b|budget", cell, re.I):
            columns[index] = cell
    return columns


def _segments(cell: str) -> list[str]:
    """A cell's bullets (the cleaner keeps a line break only where a bullet starts); a cell
    of several unbulleted "We will ..." sentences is split at each one."""
    parts = [p.strip() for p in (cell or "").split("\n") if p.strip()]
    if len(parts) == 1 and not BULLET.match(parts[0]):
        pieces = re.split(r"(?<=\S)\s+(?=We will\b)", parts[0])
        if len(pieces) > 1 and all(WE_WILL.match(p) for p in pieces[1:]):
            return pieces
    return parts


def _is_theme(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 10
        and text[:1].isupper()
        and not WE_WILL.match(text)
        and not SENTENCE_END.search(text)
    )


def _is_title_line(text: str) -> bool:
    """A line standing alone that names a strategy or plan ("SEND Division Strategy",
    "Joint Commissioning Strategy 2021 - 2024"), not a sentence that mentions one."""
    found = list(TITLE_WORD.finditer(text))
    if not found or BULLET.match(text) or NUMBERED.match(text) or "http" in text:
        return False
    words = text.split()
    if len(words) > 14 or SENTENCE_END.search(text) or text.endswith((":", ",", "?")) or ". " in text:
        return False
    if re.match(r"\d+(\.\d+)*\s", text) or words[-1].lower() in SMALL_WORDS:
        return False
    if words[0].lower() in NOT_TITLE_START or not (words[0][:1].isupper() or words[0][:1].isdigit()):
        return False
    rest = text[found[-1].end():]
    rest = re.sub(rf"\(\w+\)|{MONTHS}|\d+", " ", rest, flags=re.I)
    if any(w[:1].islower() and w not in SMALL_WORDS and w not in ("to", "until") for w in re.findall(r"[A-Za-z]+", rest)):
        return False  # "... Plan (APP) approved by DfE": a sentence about the plan
    significant = [w for w in words if w.lower() not in SMALL_WORDS and re.match(r"[A-Za-z]", w)]
    capitalised = [w for w in significant if w[:1].isupper()]
    return bool(significant) and len(capitalised) >= 0.75 * len(significant)


def _continues_sentence(previous: str) -> bool:
    """The line before runs on into this one (a wrapped sentence or bullet)."""
    if not previous or SENTENCE_END.search(previous) or previous.endswith(":"):
        return False
    words = previous.split()
    return len(words) > 10 or words[-1].lower() in SMALL_WORDS or previous.endswith(",")


def _is_title_part(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 10 or SENTENCE_END.search(text) or text.endswith((":", ",")):
        return False
    if BULLET.match(text) or NUMBERED.match(text) or re.match(r"appendix\b", text, re.I):
        return False
    significant = [w for w in words if w.lower() not in SMALL_WORDS and re.match(r"[A-Za-z(]", w)]
    return bool(significant) and all(w.lstrip("(")[:1].isupper() for w in significant)


def _strategy_name(title: str) -> str:
    """What an officer calls a strategy or plan, from its title."""
    text = " ".join((title or "").split())
    found = list(TITLE_WORD.finditer(text))
    if not found:
        return ""
    last = found[-1]
    name = text[: last.end()]
    name = re.sub(r"^appendix\s+[\w.]+\s*[:\-–—]?\s*", "", name, flags=re.I)
    name = _acronyms(name)
    name = re.sub(r"\b\d+[- ]year\b", "", name, flags=re.I)
    name = PERIOD.sub("", name)
    name = re.sub(r"\b(?:19|20)\d{2}\b", "", name)
    if name.rstrip().endswith("Strategy"):
        shorter = re.sub(r"\s*\b(?:Divisional|Division)?\s*Strategy$", "", name.rstrip())
        name = shorter if shorter.strip(" -–:,&") else name
    name = " ".join(name.split()).strip(" -–—:,&")
    name = re.sub(r"^(?:the|our|this)\s+", "", name, flags=re.I)
    words = [w.lower().strip("(),") for w in name.split()]
    if not words or all(w in GENERIC_NAME_WORDS for w in words):
        return ""
    return name


def _acronyms(text: str) -> str:
    """"Special Educational Needs and Disability (SEND) Joint ..." -> "SEND Joint ..."."""

    def replace(match: re.Match) -> str:
        before, acronym = match.group(1), match.group(2)
        words = before.split()
        for start in range(len(words)):
            tail = words[start:]
            initials = "".join(w[0] for w in tail if w.lower() not in SMALL_WORDS)
            if initials.upper() == acronym.upper():
                return " ".join(words[:start] + [acronym])
        return match.group(0)

    return re.sub(r"([A-Za-z&' ]+?)\s*\(([A-Z]{2,6})\)", replace, text)


def _period(text: str) -> list[str]:
    """"April 2021 to March 2024" -> ["2021-2022", "2022-2023", "2023-2024"]."""
    match = PERIOD.search(text or "")
    if not match:
        return []
    start = int(match.group(1))
    end_text = match.group(2)
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if not 1 <= end - start <= 10:
        return []
    return [f"{year}-{year + 1}" for year in range(start, end)]


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _join(first: str, second: str) -> str:
    if first.endswith("-") and first[-2:-1].isalpha() and second[:1].islower():
        return first[:-1] + second
    return f"{first} {second}"
