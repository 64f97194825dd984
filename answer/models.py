"""What an answer is: text with [n] markers, and the quoted evidence behind each marker."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.models import Hit


@dataclass
class Citation:
    n: int
    doc: str
    title: str
    page: int
    section: str
    quote: str  # the line of the passage that supports the marker
    date: str = ""  # the document's date (ISO, as precise as the document says), so staff see how current it is

    def as_json(self) -> dict:
        return {
            "n": self.n,
            "doc": self.doc,
            "title": self.title,
            "page": self.page,
            "section": self.section,
            "quote": self.quote,
            "date": self.date,
        }


@dataclass
class Turn:
    """One earlier exchange of a conversation (a Slack thread or a --history file)."""

    question: str
    answer: str = ""


@dataclass
class Answer:
    question: str
    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)  # closest passages, shown when not found
    resolved_question: str = ""  # the question after follow-up resolution
    dropped: list[str] = field(default_factory=list)  # model sentences no cited passage supported

    def as_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "found": self.found,
            "citations": [c.as_json() for c in self.citations],
        }
