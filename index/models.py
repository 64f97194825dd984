"""What the index holds and gives back: extracted records (commitments, decisions, actions) and search hits.

Ingest produces the records and index stores and finds them, so the types live here, where
ingest (upstream) and answer and slackbot (downstream) all may import them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Commitment:
    """One "we will ..." promise of a strategy, placed by priority and year."""

    strategy: str
    priority: int | None
    priority_title: str
    year: str  # normalised "2022-2023", or "" where the document gives none
    themes: list[str]
    text: str
    page: int
    year_label: str = ""  # as printed: "Year Two (2022-2023)"
    doc: str = ""  # file name, filled in when stored

    def as_json(self) -> dict:
        return {
            "strategy": self.strategy,
            "priority": self.priority,
            "priority_title": self.priority_title,
            "year": self.year,
            "year_label": self.year_label,
            "theme": self.themes,
            "text": self.text,
            "doc": self.doc,
            "page": self.page,
        }


@dataclass
class Decision:
    """One recommendation or resolution of a meeting, with its vote where recorded."""

    body: str
    date: str
    item: str  # agenda item number as printed, e.g. "4"
    item_title: str
    text: str
    page: int
    votes: dict[str, int] | None = None  # {"approved", "rejected", "abstained"}
    presenter: str = ""
    outcome: str = ""  # approved | noted | rejected | resolved ...
    doc: str = ""  # file name, filled in when stored

    def as_json(self) -> dict:
        return {
            "body": self.body,
            "date": self.date,
            "item": self.item,
            "item_title": self.item_title,
            "text": self.text,
            "votes": self.votes,
            "presenter": self.presenter,
            "outcome": self.outcome,
            "doc": self.doc,
            "page": self.page,
        }

    def vote_line(self) -> str:
        """The vote as the minutes print it, so it can be checked against the page; "" when none
        was recorded."""
        votes = self.votes
        if not votes:
            return ""
        return (
            f"Approved: {votes.get('approved', 0)} Rejected: {votes.get('rejected', 0)} "
            f"Abstained: {votes.get('abstained', 0)}"
        )


NONE_STATED = "none stated"  # what an action's status is shown as when its plan states none


@dataclass
class Action:
    """One action of an improvement or action plan, as its table states it (ingest.actions)."""

    plan: str  # the plan's name, as printed above its table
    ref: str  # "2.3": the row's reference and the action's own number
    area: str  # the area, priority or weakness it belongs to
    action: str
    owner: str  # lead / owner, as printed
    due: str  # milestone or deadline, as printed: "Dec 21 Mar 22"
    due_date: str  # the last date `due` names, ISO; "" when it names none
    status: str  # as stated, with the key's colour or meaning: "Major delay (Red)"; "" when none
    progress: str
    page: int
    doc: str = ""  # file name, filled in when stored

    @classmethod
    def from_row(cls, row, doc: str = "") -> Action:
        """An action as the index's `actions` table holds it."""
        return cls(
            plan=row["plan"] or "", ref=row["ref"] or "", area=row["area"] or "", action=row["action"],
            owner=row["owner"] or "", due=row["due"] or "", due_date=row["due_date"] or "",
            status=row["status"] or "", progress=row["progress"] or "", page=row["page"] or 0, doc=doc,
        )

    def as_json(self) -> dict:
        return {**asdict(self), "status": self.status or NONE_STATED}


@dataclass
class ActionChange:
    """How an action stands against the previous version of its plan (an updated file re-ingested):
    its status moved, or it was added or dropped (ingest.actions.changed_actions)."""

    plan: str
    ref: str
    action: str
    change: str  # status | added | removed
    was: str  # the status before ("" when none was stated, or the action is new)
    now: str  # the status now ("" when none is stated, or the action was dropped)
    page: int
    doc: str = ""  # file name, filled in when stored

    @classmethod
    def from_row(cls, row, doc: str = "") -> ActionChange:
        """A change as the index's `action_changes` table holds it."""
        return cls(
            plan=row["plan"] or "", ref=row["ref"] or "", action=row["action"], change=row["change"],
            was=row["was"] or "", now=row["now"] or "", page=row["page"] or 0, doc=doc,
        )

    @property
    def moved(self) -> str:
        """What happened to it, in words: "Red -> Amber", "new (On track)", "no longer in the plan"."""
        if self.change == "added":
            return f"new ({self.now or NONE_STATED})"
        if self.change == "removed":
            return "no longer in the plan"
        return f"{self.was or NONE_STATED} -> {self.now or NONE_STATED}"

    def as_json(self) -> dict:
        return {**asdict(self), "was": self.was or NONE_STATED, "now": self.now or NONE_STATED}


@dataclass
class Hit:
    """One passage returned by search, with everything needed to cite it."""

    chunk_id: int
    score: float
    text: str
    doc: str
    title: str
    page: int
    page_end: int
    section: str
    kind: str
    date: str
    # How search saw it: each unit's cosine to the query (in text.units order) and the
    # share of the names the query gives that are this document's (index.names).
    unit_scores: tuple[float, ...] = ()
    named: float = 0.0

    def citation(self) -> str:
        """The human-readable name used when citing this passage."""
        page = f"p.{self.page}" if self.page == self.page_end else f"pp.{self.page}-{self.page_end}"
        return f"{self.title}, {page}" + (f", {self.section}" if self.section else "")

    def as_json(self) -> dict:
        return {
            "text": self.text,
            "doc": self.doc,
            "title": self.title,
            "page": self.page,
            "page_end": self.page_end,
            "section": self.section,
            "kind": self.kind,
            "date": self.date,
            "score": round(self.score, 6),
            "chunk_id": self.chunk_id,
        }


@dataclass(frozen=True)
class IndexedDocument:
    """A document as the live generation holds it."""

    doc_id: int
    doc: str  # file name, the citation key
    title: str  # "" when the document gives none
    date: str
    path: Path  # where it was ingested from
    passages: int
    names: tuple[str, ...] = ()  # whose it is (ingest.identity), the name its file or title opens with first
