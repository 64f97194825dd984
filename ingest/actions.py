"""The actions of improvement and action plans, read from their tables.

An action plan is a table with an action column and at least one of a lead, a deadline or a
status column, found by its header words (ACTION_COLUMNS), not by one council's layout; under a
heading that names an action plan ("Appendix C - Action Plan"), an action column is enough. A
column with no header whose cells are all numbers is the actions' reference. Its
header may sit in the table's first rows (with a second row naming sub-columns, such as
"SENDIB / Status / RAG rating"); a page that carries on the table without a header takes the
header of the plan before it when the column count is the same (a table with a header row of its
own is another table). A row with no action text
carries on the action before it. Status is kept as the plan states it: a status word or a
colour, spelled out by the plan's own key (a two-column table of statuses and colours) where it
has one. A status cell that says neither ("See above", empty) is no status: "none stated" is
what the plan says, and the bot never guesses one.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace

from index.models import Action, ActionChange
from ingest.models import Line, ParsedDocument, Table
from ingest.structure import reading_order
from text.statuses import COLOURS, STATUS

# What each field's column is called, tried in this order, so "Action Milestone" is a deadline
# and "Action" the action. Each pattern is matched against the column's header text.
ACTION_COLUMNS = (
    ("status", r"\bstatus\b|\brag\b|\bbrag\b|\brating\b"),
    (
        "due",
        r"\bmilestones?\b|\bdeadlines?\b|\bdue\b|\btimescales?\b|\btimeframe\b|\bby when\b|"
        r"\btarget date\b|\bcompletion date\b|\bby date\b|^date$|^when$|\b(?:suggested|proposed|target) year\b",
    ),
    ("owner", r"\blead\b|\bleads\b|\bowners?\b|\bresponsib|\baccountable\b|^who\b|\bby whom\b"),
    ("progress", r"\bprogress\b|\bupdate\b|\bcommentary\b|\bcomments?\b"),
    ("ref", r"^(?:ref|ref\.|reference|no\.?|number|#|id|action (?:ref|no\.?|number))$"),
    (
        "action",
        r"^(?:(?:agreed|key|improvement|planned)\s+)?actions?\b(?!\s+(?:completed|outstanding|partially|subject))|"
        r"^what (?:we will|will we) do\b|^activit(?:y|ies)$|^tasks?$",
    ),
    ("area", r"\barea\b|\bpriorit(?:y|ies)\b|\btheme\b|\bworkstream\b|\bobjective\b|\bweakness\b|\baim\b"),
)
_COLOUR = "|".join(c.capitalize() for c in COLOURS)
KEY_ENTRY = re.compile(  # "Green = On track", "Amber - some slippage;" in a key written as text
    rf"\b({_COLOUR})\s*[:=\u2013-]\s*([A-Za-z][A-Za-z /&'-]{{1,40}}?)\s*(?=[,;.]|$|\b(?:{_COLOUR})\b\s*[:=\u2013-])"
)
LEADING_NUMBER = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})?)[.)]?\s+(?=\S)")
PLAN_TITLE = re.compile(r"\b(?:plan|programme|statement of action|wsoa|app)\b", re.I)
ACTION_PLAN_TITLE = re.compile(r"\baction plan\b|\bstatement of action\b", re.I)  # where an action column is enough
REF_CELL = re.compile(r"^\d{1,2}(?:\.\d{1,2})?\.?$")
PLAN_TITLE_MAX_CHARS = 120
PLAN_TITLE_MAX_WORDS = 12  # a longer line is running text that mentions a plan, not its title
MONTH = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
DUE_DATE = re.compile(
    r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*['’]?(\d{4}|\d{2})\b"
    r"|\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b",
    re.I,
)


@dataclass
class _Plan:
    """An action table as read so far: which column holds what, and the plan's name."""

    name: str
    columns: dict[str, list[int]]
    width: int
    page: int


def extract_actions(document: ParsedDocument) -> list[Action]:
    """Every action of every action plan table in the document, in page order."""
    key = _status_key(document)
    actions: list[Action] = []
    plan: _Plan | None = None
    title_above = document.title
    for page in document.pages:
        for item in reading_order(page):
            if isinstance(item, Line):
                if (
                    PLAN_TITLE.search(item.text)
                    and len(item.text) <= PLAN_TITLE_MAX_CHARS
                    and len(item.text.split()) <= PLAN_TITLE_MAX_WORDS
                ):
                    title_above = item.text.strip()
                continue
            found = _plan_of(item, title_above, plan)
            if found is None:
                continue
            plan, body = found
            for row in body:
                _add_row(actions, plan, row, page.number, key)
    return actions


def _plan_of(table: Table, title_above: str, previous: _Plan | None) -> tuple[_Plan, list[list[str]]] | None:
    """The plan this table belongs to and its body rows; None when it is no action table."""
    rows = [table.header, *table.rows] if table.header else list(table.rows)
    for index, row in enumerate(rows[:3]):
        columns = _columns(row)
        if "action" in columns and ({"owner", "due", "status"} & set(columns) or ACTION_PLAN_TITLE.search(title_above)):
            body = rows[index + 1 :]
            _add_unheaded_ref(columns, row, body)
            while body and _sub_header(body[0]):
                for position, cell in enumerate(body[0]):
                    field = _field(cell)
                    if cell and field and position not in columns.get(field, []):
                        columns.setdefault(field, []).append(position)
                body = body[1:]
            return _Plan(title_above, columns, len(row), table.page), body
    # another table's header: two known column names, or a header row of its own
    headed = bool(table.header) or any(sum(map(len, _columns(row).values())) >= 2 for row in rows[:3])
    if (
        previous is not None
        and rows
        and not headed
        and all(len(row) == previous.width for row in rows)
        and (table.page - previous.page <= 1)
    ):
        return replace(previous, page=table.page), rows  # the plan's table run on over the page, no header
    return None


def _add_unheaded_ref(columns: dict[str, list[int]], header: list[str], body: list[list[str]]) -> None:
    """A column without a header whose every filled cell is a number ("1", "2.3") numbers the actions."""
    if "ref" in columns:
        return
    for position, name in enumerate(header):
        cells = [row[position].strip() for row in body if position < len(row) and row[position].strip()]
        if not name.strip() and cells and all(REF_CELL.match(cell) for cell in cells):
            columns["ref"] = [position]
            return


def _columns(row: list[str]) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    for position, cell in enumerate(row):
        field = _field(cell)
        if field:
            columns.setdefault(field, []).append(position)
    return columns


def _field(header: str) -> str:
    text = " ".join((header or "").split()).lower()
    if not text or len(text) > 160:
        return ""
    for field, pattern in ACTION_COLUMNS:
        if re.search(pattern, text):
            return field
    return ""


def _sub_header(row: list[str]) -> bool:
    """A header's second row: a few short column names under a spanning one, nothing else."""
    filled = [cell for cell in row if cell]
    return bool(filled) and len(filled) <= len(row) // 2 and all(len(c) <= 30 and _field(c) for c in filled)


def _add_row(actions: list[Action], plan: _Plan, row: list[str], page: int, key: dict[str, str]) -> None:
    def cell(field: str) -> str:
        for position in plan.columns.get(field, []):
            if position < len(row) and row[position].strip():
                return " ".join(row[position].split())
        return ""

    text = cell("action")
    if not text:  # the rest of the action before, run on past a page break
        if actions and actions[-1].plan == plan.name and any(c.strip() for c in row):
            more = cell("progress")
            if more:
                actions[-1].progress = f"{actions[-1].progress} {more}".strip()
        return
    number = LEADING_NUMBER.match(text)
    action_text = text[number.end() :] if number else text
    area_ref = cell("ref")
    ref = ".".join(part for part in (area_ref, number.group(1) if number else "") if part)
    due = cell("due")
    actions.append(Action(
        plan=plan.name, ref=ref, area=cell("area"), action=action_text, owner=cell("owner"), due=due,
        due_date=due_date(due), status=stated_status(cell("status"), key), progress=cell("progress"), page=page,
    ))  # fmt: skip


def stated_status(text: str, key: dict[str, str]) -> str:
    """The status a cell states, with its colour or meaning from the plan's key: "Red" ->
    "Major delay (Red)", "On track" -> "On track (Green)"; "" when the cell states none."""
    text = " ".join((text or "").split())
    if not text or not STATUS.search(text) and text.lower() not in key:
        return ""
    meaning = key.get(text.lower())
    return (
        f"{meaning} ({text})"
        if meaning and text.lower() in COLOURS
        else (f"{text} ({meaning})" if meaning else text)
    )


def _status_key(document: ParsedDocument) -> dict[str, str]:
    """The plan's key of statuses and colours, both ways ({"red": "Major delay", "major delay":
    "Red"}): a two-column table of statuses and colours, or lines such as "Blue = Complete,
    Green = On track"."""
    key: dict[str, str] = {}

    def add(status: str, colour: str) -> None:
        key[colour.lower()] = status
        key[status.lower()] = colour

    for page in document.pages:
        for table in page.tables:
            rows = [r for r in ([table.header, *table.rows] if table.header else table.rows) if len(r) == 2]
            pairs = [(a.strip(), b.strip()) for a, b in rows if a.strip() and b.strip()]
            coloured = [(a, b) for a, b in pairs if b.lower() in COLOURS or a.lower() in COLOURS]
            if len(coloured) >= 2:
                for a, b in coloured:
                    add(*((b, a) if a.lower() in COLOURS else (a, b)))
        for line in page.lines:
            found = KEY_ENTRY.findall(line.text)
            if len(found) >= 2:
                for colour, status in found:
                    add(status.strip(), colour)
    return key


def due_date(text: str) -> str:
    """The last date a deadline cell names, as the last day of its month when it gives no day:
    "Dec 21 Mar 22" -> "2022-03-31", "31/03/2022" -> "2022-03-31"; "" when it names none."""
    found = []
    for match in DUE_DATE.finditer(text or ""):
        if match.group(2):
            day, month, year = match.group(1), MONTH[match.group(2).lower()[:3]], match.group(3)
        else:
            day, month, year = match.group(4), int(match.group(5)), match.group(6)
            if not 1 <= month <= 12:
                continue
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        last = calendar.monthrange(full_year, month)[1]
        found.append(f"{full_year:04d}-{month:02d}-{min(int(day), last) if day else last:02d}")
    return max(found) if found else ""


def changed_actions(before: list[Action], after: list[Action]) -> list[ActionChange]:
    """How a plan's actions moved from its previous version to this one: each action whose status
    is not what it was, each new one and each dropped one, in the new version's order. An action
    is the same action when its plan and reference are (or, without a reference, its words)."""

    def key(action: Action) -> tuple[str, str]:
        return (action.plan, action.ref or " ".join(action.action.lower().split()))

    old = {key(a): a for a in before}
    new = {key(a) for a in after}
    changes = []
    for action in after:
        was = old.get(key(action))
        if was is None:
            changes.append(
                ActionChange(action.plan, action.ref, action.action, "added", "", action.status, action.page)
            )
        elif was.status != action.status:
            changes.append(
                ActionChange(
                    action.plan, action.ref, action.action, "status", was.status, action.status, action.page
                )
            )
    for action in before:
        if key(action) not in new:
            changes.append(
                ActionChange(
                    action.plan, action.ref, action.action, "removed", action.status, "", action.page
                )
            )
    return changes
