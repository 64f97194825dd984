"""What the bot says back, before it is drawn for Slack (blocks.py) or the terminal (plaintext.py).

Keeping replies as plain records is what lets the Slack listeners and the terminal
chat run the very same handlers and differ only in how the result is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from answer.models import Answer
from index.models import NONE_STATED, Action, Commitment, Decision, Hit
from slackbot import request_words


@dataclass
class AnswerReply:
    """An answer to a question, with the stored turn id its buttons refer to."""

    answer: Answer
    turn_id: int


@dataclass
class RecordsReply:
    """One page of commitments, decisions or plan actions matching the filters."""

    kind: str  # request_words.COMMITMENTS, DECISIONS or ACTIONS
    filters: str  # the filters in words, e.g. "SEND, priority 2, 2023-2024"
    records: list[Commitment] | list[Decision] | list[Action]
    total: int
    page: int
    start: int  # how many records come before this page
    request_text: str  # the filter words as typed, to fetch the next page

    @property
    def first_number(self) -> int:
        return self.start + 1

    @property
    def has_more(self) -> bool:
        return self.start + len(self.records) < self.total

    @property
    def counted(self) -> str:
        """E.g. "No commitments match", "1 decision matches", "9 commitments match"."""
        noun = {request_words.COMMITMENTS: "commitment", request_words.ACTIONS: "action"}.get(self.kind, "decision")
        if self.total == 1:
            return f"1 {noun} matches"
        return f"{self.total or 'No'} {noun}s match"

    @property
    def shown(self) -> str:
        """Which of the records this page holds: "1–5"."""
        return f"{self.first_number}–{self.first_number + len(self.records) - 1}"


Record = Commitment | Decision | Action


def record_heading(record: Record) -> str:
    """The line naming a record, e.g. "SEND priority 2: Effective, Year Two (2022-2023)",
    "Schools' Forum, 2024-02-13, item 3: De-Delegation for School Improvement" or
    "Accelerated Progress Plan, Lack of Joint Commissioning, action 1.1"."""
    if isinstance(record, Action):
        parts = [record.plan, record.area, f"action {record.ref}" if record.ref else ""]
    elif isinstance(record, Commitment):
        priority = f"priority {record.priority}" if record.priority is not None else ""
        named = " ".join(part for part in (record.strategy, priority) if part) or "Commitment"
        parts = [f"{named}: {record.priority_title}" if record.priority_title else named]
        parts.append(record.year_label or record.year)
    else:
        item = f"item {record.item}: {record.item_title}" if record.item else record.item_title
        parts = [record.body, record.date, item]
    return ", ".join(part for part in parts if part)


def group_heading(record: Record) -> str:
    """The heading records are listed under: a strategy's priority in one year, a meeting, or a
    plan's area."""
    if isinstance(record, Commitment):
        return record_heading(record)
    if isinstance(record, Action):
        return ", ".join(part for part in (record.plan, record.area) if part)
    return ", ".join(part for part in (record.body, record.date) if part)


def record_text(record: Record) -> str:
    """The record's own words: the commitment, the decision, the action."""
    return record.action if isinstance(record, Action) else record.text


def record_details(record: Record) -> list[str]:
    """What follows the record's words: a decision's outcome and vote; an action's lead, deadline
    and status as the plan states them."""
    if isinstance(record, Action):
        return [f"Lead: {record.owner}" if record.owner else "", f"Due: {record.due}" if record.due else "",
                f"Status: {record.status or NONE_STATED}"]  # fmt: skip
    if isinstance(record, Decision) and decision_outcome(record):
        return [f"Outcome: {decision_outcome(record)}"]
    return []


def decision_outcome(record: Decision) -> str:
    """The outcome and, where recorded, the vote as the minutes print it."""
    outcome = record.outcome.capitalize()
    if record.votes:
        return f"{outcome} ({record.vote_line()})" if outcome else record.vote_line()
    return outcome


@dataclass
class SourcesReply:
    """Further passages for a question, beyond those its answer cited."""

    question: str
    hits: list[Hit]


@dataclass
class NoticeReply:
    """Help, the index status, an ingest summary, a refusal or a problem, in a few lines."""

    title: str
    lines: list[str] = field(default_factory=list)
    warning: bool = False


Reply = AnswerReply | RecordsReply | SourcesReply | NoticeReply
