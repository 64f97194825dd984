"""Commitments, decisions and plan actions as extracted at ingest, found by what an officer asks for.

All are read from the live generation's SQLite (`commitments`, `decisions`, `actions`, joined
to `documents` for the file name). Filters are plain and deterministic: a strategy or body
by name (an exact name wins over names that merely contain it), a priority by number
("2", "two", "Priority 2"), a year in any common spelling ("2022-2023", "2022/23",
"22-23", "Year Two", "year 2", the last two relative to each strategy's own year
columns), a theme tag, dates as ISO days, and query words that must all appear in the
record (prefix match, so "EHCP" finds "EHCPs").
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sqlite3
import textwrap
from dataclasses import dataclass, field
from typing import IO

from errors import BadFilter
from index.models import NONE_STATED, Action, ActionChange, Commitment, Decision
from index.search import STOPWORDS
from text.themes import themes_for
from text.years import NUMBER_WORDS, academic_year, relative_year

COMMITMENT_COLUMNS = ["strategy", "priority", "priority_title", "year", "year_label", "theme", "text", "doc", "page"]
DECISION_COLUMNS = ["body", "date", "item", "item_title", "text", "approved", "rejected", "abstained",
                    "presenter", "outcome", "doc", "page"]
ACTION_COLUMNS = ["plan", "ref", "area", "action", "owner", "due", "due_date", "status", "progress", "doc", "page"]
ISO_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


# -- commitments ------------------------------------------------------------------------------


def find_commitments(
    searcher,
    strategy: str | None = None,
    priority: int | str | None = None,
    year: str | None = None,
    theme: str | None = None,
    query: str | None = None,
) -> list[Commitment]:
    """Commitments matching every filter given, ordered by document, priority, year, page."""
    rows = _rows(
        searcher,
        "SELECT c.*, d.doc FROM commitments c JOIN documents d USING (doc_id) ORDER BY d.doc, c.commitment_id",
    )
    records = [
        (row["commitment_id"], Commitment(
            strategy=row["strategy"] or "", priority=row["priority"], priority_title=row["priority_title"] or "",
            year=row["year"] or "", themes=json.loads(row["themes"] or "[]"), text=row["text"],
            page=row["page"] or 0, year_label=row["year_label"] or "", doc=row["doc"],
        ))
        for row in rows
    ]
    if strategy:
        records = _by_name(records, strategy, lambda c: c.strategy)
    if priority not in (None, ""):
        wanted = parse_priority(priority)
        records = [(i, c) for i, c in records if c.priority == wanted]
    if year:
        records = _by_year(records, year)
    if theme:
        records = [(i, c) for i, c in records if _has_theme(c, theme)]
    if query:
        words = _query_words(query)
        records = [(i, c) for i, c in records
                   if _matches(words, " ".join([c.text, c.priority_title, c.strategy, c.year_label, *c.themes]))]
    records.sort(key=lambda pair: (pair[1].doc, pair[1].priority is None, pair[1].priority or 0,
                                   pair[1].year or "~", pair[1].page, pair[0]))
    return [c for _, c in records]


def normalise_year(text: str, available_years: list[str] | None = None) -> str:
    """A year as officers write it, as the index stores it: "2022-2023".

    Accepts "2022-2023", "2022-23", "2022/23", "22-23", "2022/2023", "2022 to 2023" and
    "2022" (the year starting then); "Year Two", "year 2", "second year" and "Y2" count
    from the first of `available_years` (a strategy's own year columns). "" when the text
    names no year, or a relative year the strategy does not have.
    """
    text = " ".join((text or "").split())
    found = academic_year(text.replace(" to ", "-"))
    if found:
        return found
    single = re.fullmatch(r"(?:19|20)\d{2}", text)
    if single:
        start = int(text)
        return f"{start}-{start + 1}"
    relative = relative_year(text)
    years = sorted(set(y for y in (available_years or []) if y))
    if relative and relative <= len(years):
        return years[relative - 1]
    return ""


def parse_priority(value: int | str) -> int:
    """2, "2", "two", "Priority 2", "priority two" -> 2."""
    if isinstance(value, int):
        return value
    text = re.sub(r"^\s*priority\s*", "", str(value), flags=re.I).strip().lower()
    if text.isdigit():
        return int(text)
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    raise BadFilter(f'"{value}" is not a priority number (try 2, "two" or "Priority 2").')


def _by_year(records: list[tuple[int, Commitment]], year: str) -> list[tuple[int, Commitment]]:
    """Relative years ("Year Two") are resolved against each strategy's own years."""
    years_of: dict[tuple[str, str], list[str]] = {}
    for _, c in records:
        years_of.setdefault((c.doc, c.strategy), [])
        if c.year and c.year not in years_of[(c.doc, c.strategy)]:
            years_of[(c.doc, c.strategy)].append(c.year)
    absolute = normalise_year(year)
    relative = 0 if absolute else relative_year(year)
    if not relative and not absolute:
        raise BadFilter(
            f'"{year}" is not a year I understand (try 2022-2023, 2022/23, 22-23 or "Year Two").'
        )
    kept = []
    for pair in records:
        c = pair[1]
        if absolute:
            if c.year == absolute:
                kept.append(pair)
        elif relative_year(c.year_label):  # printed as "Year Two (2022-2023)" or "Year 2"
            if relative_year(c.year_label) == relative:
                kept.append(pair)
        elif c.year and c.year == normalise_year(year, years_of[(c.doc, c.strategy)]):
            kept.append(pair)
    return kept


def _has_theme(commitment: Commitment, theme: str) -> bool:
    wanted = theme.lower().strip()
    implied = {t.lower() for t in themes_for(theme)}
    for tag in commitment.themes:
        tag = tag.lower()
        if wanted in tag or tag in implied or (len(tag) > 3 and tag.rstrip("s") == wanted.rstrip("s")):
            return True
    return False


# -- decisions --------------------------------------------------------------------------------


def find_decisions(
    searcher,
    body: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    query: str | None = None,
) -> list[Decision]:
    """Decisions matching every filter given, ordered by date, document and page."""
    rows = _rows(
        searcher,
        "SELECT x.*, d.doc FROM decisions x JOIN documents d USING (doc_id) ORDER BY d.doc, x.decision_id",
    )
    records = [
        (row["decision_id"], Decision(
            body=row["body"] or "", date=row["date"] or "", item=row["item"] or "",
            item_title=row["item_title"] or "", text=row["text"], page=row["page"] or 0,
            votes=json.loads(row["votes"]) if row["votes"] else None, presenter=row["presenter"] or "",
            outcome=row["outcome"] or "", doc=row["doc"],
        ))
        for row in rows
    ]
    if body:
        records = _by_name(records, body, lambda d: d.body)
    if date_from:
        start = iso_day(date_from, end=False)
        records = [(i, d) for i, d in records if d.date and d.date >= start]
    if date_to:
        end = iso_day(date_to, end=True)
        records = [(i, d) for i, d in records if d.date and d.date <= end]
    if query:
        words = _query_words(query)
        records = [(i, d) for i, d in records
                   if _matches(words, " ".join([d.text, d.item_title, d.body, d.presenter, d.outcome]))]
    records.sort(key=lambda pair: (pair[1].date, pair[1].doc, pair[1].page, pair[0]))
    return [d for _, d in records]


def iso_day(text: str, end: bool = False) -> str:
    """"2024-02-13" as it is; "2024-02" and "2024" as their first (or, for `end`, last) day."""
    match = ISO_DAY.match((text or "").strip())
    if not match:
        raise BadFilter(f'"{text}" is not a date I understand (use YYYY-MM-DD, YYYY-MM or YYYY).')
    year, month, day = match.group(1), match.group(2), match.group(3)
    if day:
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if month:
        return f"{year}-{int(month):02d}-{'31' if end else '01'}"
    return f"{year}-{'12-31' if end else '01-01'}"


# -- actions ----------------------------------------------------------------------------------


def find_actions(
    searcher,
    plan: str | None = None,
    status: str | None = None,
    owner: str | None = None,
    due_before: str | None = None,
    query: str | None = None,
) -> list[Action]:
    """Plan actions matching every filter given, in the order their plans print them.

    A plan by name, part of it or its initials ("APP" for the Accelerated Progress Plan); a status
    by any word of it as stated or of its key ("red", "complete", "on track"; "none" for actions
    whose plan states no status); an owner by part of the name; a deadline before a day."""
    try:
        rows = _rows(searcher, "SELECT a.*, d.doc FROM actions a JOIN documents d USING (doc_id) "
                               "ORDER BY d.doc, a.action_id")
    except sqlite3.OperationalError:  # an index built before actions were read
        rows = []
    records = [(row["action_id"], Action.from_row(row, doc=row["doc"])) for row in rows]
    if plan:
        records = [(i, a) for i, a in records if _names_plan(a, plan)]
    if status:
        records = [(i, a) for i, a in records if _has_status(a, status)]
    if owner:
        records = [(i, a) for i, a in records if _folded(owner) in _folded(a.owner)]
    if due_before:
        before = iso_day(due_before, end=False)
        records = [(i, a) for i, a in records if a.due_date and a.due_date < before]
    if query:
        words = _query_words(query)
        records = [(i, a) for i, a in records if _matches(words, " ".join([a.action, a.area, a.progress, a.plan]))]
    return [a for _, a in records]


def _names_plan(action: Action, wanted: str) -> bool:
    """ "APP" names the Accelerated Progress Plan; "progress plan" and the file name do too."""
    folded = _folded(wanted)
    words = re.compile(rf"(?<![a-z0-9]){re.escape(folded)}(?![a-z0-9])")  # whole words: "app" is not "appendix"
    if words.search(_folded(action.plan)) or words.search(_folded(action.doc)):
        return True
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z][\w'-]*", action.plan)).lower()
    return bool(re.fullmatch(r"[a-z]{2,8}", folded)) and folded in initials


def _has_status(action: Action, wanted: str) -> bool:
    folded = _folded(wanted)
    if not action.status:
        return folded in ("none", NONE_STATED, "no status", "blank")
    return re.search(rf"\b{re.escape(folded)}", _folded(action.status)) is not None


# -- digest -----------------------------------------------------------------------------------


@dataclass
class Digest:
    """What the documents that came in since a time added: the documents, their decisions with
    votes, their commitments, and how updated plans' actions moved against their previous version."""

    since: str  # the ISO time or day it starts at ("" when nothing was ever ingested)
    documents: list[dict] = field(default_factory=list)  # doc, title, kind, date, ingested
    decisions: list[Decision] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    action_changes: list[ActionChange] = field(default_factory=list)

    def as_json_lines(self) -> list[dict]:
        """One object per item, each with its "type", documents first."""
        return [
            *({"type": "document", **d} for d in self.documents),
            *({"type": "decision", **d.as_json()} for d in self.decisions),
            *({"type": "commitment", **c.as_json()} for c in self.commitments),
            *({"type": "action_change", **a.as_json()} for a in self.action_changes),
        ]


def find_digest(searcher, since: str | None = None) -> Digest:
    """What came in since `since` (a day, YYYY-MM-DD, YYYY-MM or YYYY, or the exact time a digest
    started at); by default, what the most recent ingest that brought anything new brought."""
    try:
        rows = _rows(searcher, "SELECT doc_id, doc, title, kind, date, ingested FROM documents ORDER BY doc")
    except sqlite3.OperationalError:  # an index built before ingest times were kept
        return Digest(since=since or "")
    exact = since and "T" in since and _is_time(since)  # the time a digest started at
    start = since if exact else iso_day(since) if since else max((row["ingested"] for row in rows), default="")
    chosen = [row for row in rows if start and row["ingested"] >= start]
    docs = {row["doc"] for row in chosen}
    changes = _rows(searcher, "SELECT x.*, d.doc FROM action_changes x JOIN documents d USING (doc_id) "
                              "ORDER BY d.doc, x.change_id")  # fmt: skip
    return Digest(
        since=start,
        documents=[{k: row[k] for k in ("doc", "title", "kind", "date", "ingested")} for row in chosen],
        decisions=[d for d in find_decisions(searcher) if d.doc in docs],
        commitments=[c for c in find_commitments(searcher) if c.doc in docs],
        action_changes=[ActionChange.from_row(r, doc=r["doc"]) for r in changes if r["doc"] in docs],
    )


def _is_time(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def render_digest(digest: Digest) -> str:
    """The digest as an officer reads it, every item with its document and page."""
    if not digest.documents:
        return "Nothing new has been indexed" + (f" since {digest.since[:16].replace('T', ' ')}." if digest.since else ".")
    since = digest.since[:16].replace("T", " ")
    lines = [f"Since {since}: {len(digest.documents)} document{'s' if len(digest.documents) != 1 else ''}"]
    lines += ["", "Documents:"] + [
        f"  {d['title'] or d['doc']} ({', '.join(p for p in (d['kind'], d['date']) if p)}) - {d['doc']}"
        for d in digest.documents
    ]
    if digest.decisions:
        lines += ["", "Decisions:"]
        for d in digest.decisions:
            where = ", ".join(p for p in (d.body, d.date) if p)
            lines.append(f"  {where}: {' '.join(p for p in (d.text, d.vote_line()) if p)} - {d.doc} p.{d.page}")
    if digest.commitments:
        lines += ["", f"New commitments ({len(digest.commitments)}):"]
        for c in digest.commitments:
            where = ", ".join(p for p in (c.strategy, f"priority {c.priority}" if c.priority is not None else "",
                                          c.year_label or c.year) if p)  # fmt: skip
            lines.append(f"  {where}: {c.text} - {c.doc} p.{c.page}")
    if digest.action_changes:
        lines += ["", "Actions that changed since the plan's previous version:"]
        for a in digest.action_changes:
            lines.append(f"  {a.plan}, action {a.ref}: {a.action}: {a.moved} - {a.doc} p.{a.page}")
    return "\n".join(lines)


# -- output -----------------------------------------------------------------------------------


def render_commitments(records: list[Commitment], width: int = 100) -> str:
    """A readable table: strategy, priority, year, commitment, source page."""
    if not records:
        return "No commitments match."
    rows = [(c.strategy, f"{c.priority}" if c.priority is not None else "-", c.year or c.year_label or "-",
             c.text, f"{c.doc} p.{c.page}") for c in records]
    return _table(["Strategy", "Priority", "Year", "Commitment", "Source"], rows, wrap=3, width=width) + (
        f"\n{len(records)} commitment{'s' if len(records) != 1 else ''}."
    )


def render_decisions(records: list[Decision], width: int = 100) -> str:
    """A readable table: body, date, item, decision, votes, source page."""
    if not records:
        return "No decisions match."
    rows = []
    for d in records:
        votes = f"{d.votes['approved']}-{d.votes['rejected']}-{d.votes['abstained']}" if d.votes else d.outcome or "-"
        item = f"{d.item}. {d.item_title}".strip(". ") if d.item or d.item_title else "-"
        rows.append((d.body, d.date, item, d.text, votes, f"{d.doc} p.{d.page}"))
    return _table(["Body", "Date", "Item", "Decision", "Vote (for-against-abstain)", "Source"], rows, wrap=3,
                  width=width) + f"\n{len(records)} decision{'s' if len(records) != 1 else ''}."


def render_actions(records: list[Action], width: int = 100) -> str:
    """A readable table: plan, ref, action, owner, due, status, source page."""
    if not records:
        return "No actions match."
    rows = [(a.plan, a.ref or "-", a.action, a.owner or "-", a.due or "-", a.status or NONE_STATED,
             f"{a.doc} p.{a.page}") for a in records]
    return _table(["Plan", "Ref", "Action", "Owner", "Due", "Status", "Source"], rows, wrap=2, width=width) + (
        f"\n{len(records)} action{'s' if len(records) != 1 else ''}."
    )


def write_actions_csv(records: list[Action], out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(ACTION_COLUMNS)
    for a in records:
        writer.writerow([a.plan, a.ref, a.area, a.action, a.owner, a.due, a.due_date, a.status or NONE_STATED,
                         a.progress, a.doc, a.page])


def write_commitments_csv(records: list[Commitment], out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(COMMITMENT_COLUMNS)
    for c in records:
        writer.writerow([c.strategy, "" if c.priority is None else c.priority, c.priority_title, c.year,
                         c.year_label, "; ".join(c.themes), c.text, c.doc, c.page])


def write_decisions_csv(records: list[Decision], out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(DECISION_COLUMNS)
    for d in records:
        votes = d.votes or {}
        writer.writerow([d.body, d.date, d.item, d.item_title, d.text, votes.get("approved", ""),
                         votes.get("rejected", ""), votes.get("abstained", ""), d.presenter, d.outcome, d.doc,
                         d.page])


# -- helpers ----------------------------------------------------------------------------------


def _rows(searcher, sql: str) -> list:
    """The rows of `sql` (which selects doc_id) from the documents the searcher's audience may see."""
    db, visible = searcher.snapshot()
    return [row for row in db.execute(sql).fetchall() if visible is None or row["doc_id"] in visible]


def _folded(text: str) -> str:
    return " ".join(re.sub(r"['’`]", "", text or "").lower().split())


def _by_name(records: list, name: str, key) -> list:
    """Records named `name` (case and apostrophes aside); failing that, those whose name is
    the longest contained in `name` ("Education Division Strategy" -> "Education"); failing
    that, those whose name contains it ("joint" -> "SEND Joint Commissioning")."""
    wanted = _folded(name)
    exact = [pair for pair in records if _folded(key(pair[1])) == wanted]
    if exact:
        return exact
    inside = [pair for pair in records if key(pair[1]) and re.search(rf"\b{re.escape(_folded(key(pair[1])))}\b", wanted)]
    if inside:
        longest = max(len(_folded(key(pair[1]))) for pair in inside)
        return [pair for pair in inside if len(_folded(key(pair[1]))) == longest]
    return [pair for pair in records if wanted in _folded(key(pair[1]))]


def _query_words(query: str) -> list[str]:
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9£%]+", query or "")]
    return [w for w in words if w not in STOPWORDS] or words


def _matches(words: list[str], haystack: str) -> bool:
    tokens = re.findall(r"[a-z0-9£%]+", _folded(haystack))
    return all(any(t.startswith(_stem(w)) for t in tokens) for w in words)


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _table(headers: list[str], rows: list[tuple], wrap: int, width: int) -> str:
    """Fixed columns, with the `wrap` column wrapped to what the width leaves it."""
    caps = [min(max(len(h), *(len(str(r[i])) for r in rows)), 40) for i, h in enumerate(headers)]
    caps[wrap] = max(30, width - sum(c for i, c in enumerate(caps) if i != wrap) - 2 * (len(headers) - 1))
    lines = ["  ".join(h.ljust(caps[i]) for i, h in enumerate(headers)).rstrip(),
             "  ".join("-" * caps[i] for i in range(len(headers)))]
    for row in rows:
        cells = [textwrap.wrap(str(cell), caps[i]) or [""] for i, cell in enumerate(row)]
        for n in range(max(len(c) for c in cells)):
            lines.append("  ".join((c[n] if n < len(c) else "").ljust(caps[i]) for i, c in enumerate(cells)).rstrip())
    return "\n".join(lines)
