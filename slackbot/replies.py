"""What the bot says back, before it is drawn for Slack (blocks.py) or the terminal (plaintext.py).

Keeping replies as plain records is what lets the Slack listeners and the terminal
chat run the very same handlers and differ only in how the result is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from answer.models import Answer
from ingest.models import Commitment, Decision, Hit


@dataclass
class AnswerReply:
    """An answer to a question, with the stored turn id its buttons refer to."""

    answer: Answer
    turn_id: int


@dataclass
class RecordsReply:
    """One page of commitments or decisions matching the filters."""

    kind: str  # request_words.COMMITMENTS or request_words.DECISIONS
    filters: str  # the filters in words, e.g. "SEND, priority 2, 2023-2024"
    records: list[Commitment] | list[Decision]
    total: int
    page: int
    page_size: int
    request_text: str  # the filter words as typed, to fetch the next page

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.page_size + 1

    @property
    def has_more(self) -> bool:
        return self.page * self.page_size < self.total


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
