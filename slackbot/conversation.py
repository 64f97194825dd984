"""The bot's handlers, free of any transport: (who, what, which thread) -> a Reply.

Slack listeners and the terminal chat both call these and only differ in how they
draw the Reply, so what a council officer gets in Slack is exactly what a developer
sees in `python bot.py chat`. Errors written for users (errors.SendBotError) become a
notice here; anything else is the transport's to apologise for.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from answer.models import Answer, Citation
from errors import IndexMissing, NotAllowed, SendBotError
from index.audience import PUBLIC, Audience
from index.models import Action, Commitment, Decision
from index.records import write_actions_csv, write_commitments_csv, write_decisions_csv
from settings import Settings
from slackbot import request_words
from slackbot.feedback import record_feedback, record_reason
from slackbot.filters import parse_action_filters, parse_commitment_filters, parse_decision_filters
from slackbot.library import Library
from slackbot.replies import (
    AnswerReply,
    NoticeReply,
    Record,
    RecordsReply,
    Reply,
    SourcesReply,
    group_heading,
)
from slackbot.request_words import Request
from slackbot.threads import ThreadMemory
from slackbot.uploads import IncomingFile, check_name, receive, remember_upload

log = logging.getLogger(__name__)

# A listing page holds whole groups (a strategy's priority in one year; a meeting) up to
# PAGE_LINES records, so a priority's three years read on one page; a group longer than that is
# split. A line per record, each cited, under its group's heading (slackbot.blocks).
PAGE_LINES = 30
MORE_SOURCES = 5
MORE_SOURCES_SEARCHED = 20  # passages looked at to find MORE_SOURCES on pages the answer did not cite
HELP_TITLE = "How to use sendbot"
HELP_LINES = [
    (
        "Ask about the council's SEND documents: mention me in a channel, send me a DM,"
        " or use `/sendbot ask <question>`. Ask follow-ups in the same thread."
    ),
    (
        "Action plans: ask \"which APP actions are still red?\", \"who leads the EP recruitment action?\""
        " or \"what's overdue in the WSoA plan?\" (lead, deadline and status as the plan states them)."
    ),
    (
        "`commitments SEND priority 2 year 2023-24`: a strategy's commitments (strategy,"
        " priority, year in any spelling; other words search)."
    ),
    ("`decisions Schools Forum de-delegation`: meeting decisions (body, date or year; other words search)."),
    "`actions APP red`: an action plan's actions (plan name or initials, status or colour, `lead <name>`).",
    "`status`: what is indexed. `help`: this message.",
    "Admins: `ingest` re-reads the documents folder; DM me a PDF or Word file to add it.",
]
NOT_ADMIN = "Sorry, only sendbot admins can add documents or run an ingest. Nothing has been changed."
# The index's own message names server paths and CLI commands; officers get this instead.
NO_INDEX_YET = (
    "No documents have been indexed yet. An admin can add some with `/sendbot ingest`,"
    " or by sending me a PDF or Word file in a DM."
)
ADMIN_VERBS = {request_words.INGEST}
# The record listings, each with how its spreadsheet is written.
LISTINGS = {
    request_words.COMMITMENTS: write_commitments_csv,
    request_words.DECISIONS: write_decisions_csv,
    request_words.ACTIONS: write_actions_csv,
}
FEEDBACK_THANKS = {
    "helpful": "Thanks, glad it helped.",
    "not_helpful": "Thanks, noted.",
}


@dataclass(frozen=True)
class Requester:
    """Who is asking; the transport decides whether they are an admin and which documents
    the conversation may see (its audience: a channel's, or in a DM the person's)."""

    user: str
    is_admin: bool = False
    audience: Audience = PUBLIC
    message: str = ""  # the Slack message asking ("C123:ts"), so deleting it deletes what was kept


class Conversation:
    def __init__(
        self,
        library: Library,
        data_dir: Path,
        documents_dir: Path,
        max_upload_bytes: int,
        upload_folder: str = "",
    ) -> None:
        self.library = library
        self.data_dir = Path(data_dir)
        self.memory = ThreadMemory(self.data_dir)
        self.documents_dir = Path(documents_dir)
        self.max_upload_bytes = max_upload_bytes
        # Uploads land here and take its access (SENDBOT_ACCESS_FILE matches paths inside documents_dir).
        self.uploads_dir = self.documents_dir / upload_folder

    def handle(
        self,
        requester: Requester,
        request: Request,
        thread: str,
        progress: Callable[[str], None] | None = None,
    ) -> Reply:
        """Answer one request; `thread` names the conversation whose earlier turns count."""
        refused = self.refusal(requester, request)
        if refused is not None:
            return refused
        try:
            if request.verb == request_words.ASK:
                return self._ask(requester, request.text, thread)
            if request.verb in LISTINGS:
                return _page(request.verb, *self._matching(request, requester.audience), request)
            if request.verb == request_words.STATUS:
                return NoticeReply("Index status", self.library.status_lines(requester.audience))
            if request.verb == request_words.INGEST:
                return self._ingest(requester.audience, progress)
            return NoticeReply(HELP_TITLE, HELP_LINES)
        except SendBotError as exc:
            return _problem(exc)

    def _ask(self, requester: Requester, question: str, thread: str) -> AnswerReply:
        answer = self.library.answer(question, self.memory.history(thread), requester.audience)
        turn_id = self.memory.remember(thread, requester.user, answer, requester.message)
        return AnswerReply(answer, turn_id)

    def _matching(self, request: Request, audience: Audience) -> tuple[str, list[Record]]:
        """The listing's filters in words, and every record they match."""
        if request.verb == request_words.COMMITMENTS:
            return self._matching_commitments(request, audience)
        if request.verb == request_words.ACTIONS:
            return self._matching_actions(request, audience)
        return self._matching_decisions(request, audience)

    def _matching_commitments(self, request: Request, audience: Audience) -> tuple[str, list[Commitment]]:
        filters = parse_commitment_filters(request.text, self.library.strategy_names(audience))
        return filters.describe(), self.library.commitments(filters, audience)

    def _matching_decisions(self, request: Request, audience: Audience) -> tuple[str, list[Decision]]:
        filters = parse_decision_filters(request.text, self.library.body_names(audience))
        return filters.describe(), self.library.decisions(filters, audience)

    def _matching_actions(self, request: Request, audience: Audience) -> tuple[str, list[Action]]:
        filters = parse_action_filters(request.text, self.library.plan_names(audience))
        return filters.describe(), self.library.actions(filters, audience)

    def records_csv(self, requester: Requester, request: Request) -> tuple[str, str]:
        """Every record a listing matches, as a spreadsheet: (file name, CSV text)."""
        out = io.StringIO()
        LISTINGS[request.verb](self._matching(request, requester.audience)[1], out)
        return f"{request.verb}.csv", out.getvalue()

    def refusal(self, requester: Requester, request: Request) -> NoticeReply | None:
        """The polite no for a request this requester may not make, before anything is done."""
        if request.verb in ADMIN_VERBS and not requester.is_admin:
            return _problem(NotAllowed(NOT_ADMIN))
        return None

    def _ingest(self, audience: Audience, progress: Callable[[str], None] | None) -> Reply:
        report = self._reread_folder(audience, progress)
        return NoticeReply("Ingest finished", report.summary_lines(), warning=bool(report.failed))

    def _reread_folder(self, audience: Audience, progress: Callable[[str], None] | None):
        """Ingest the documents folder; the report names only what the conversation may see."""
        return self.library.ingest([self.documents_dir], progress).without(self.library.hidden_from(audience))

    def more_sources(self, turn_id: int, audience: Audience) -> Reply:
        """Passages close to an earlier question that its answer did not cite, from what the
        conversation the button is clicked in may see."""
        turn = self.memory.get(turn_id)
        if turn is None:
            return NoticeReply("I no longer have that answer; please ask again.", warning=True)
        try:
            cited = {(source["doc"], source["page"]) for source in turn.sources}
            hits = self.library.search(turn.resolved_question, audience, k=MORE_SOURCES_SEARCHED)
        except SendBotError as exc:
            return _problem(exc)
        fresh = [hit for hit in hits if (hit.doc, hit.page) not in cited]
        return SourcesReply(turn.question, fresh[:MORE_SOURCES])

    def stored_answer(self, turn_id: int) -> tuple[str, AnswerReply] | None:
        """An earlier answer as it was given, and its thread: for sharing a private answer."""
        turn = self.memory.get(turn_id)
        if turn is None:
            return None
        citations = [Citation(**source) for source in turn.sources]
        answer = Answer(turn.question, turn.answer, turn.found, citations, resolved_question=turn.resolved_question)
        return turn.thread, AnswerReply(answer, turn.id)

    def explain_feedback(self, turn_id: int, user: str, reason: str, detail: str):
        """Why the answer was not helpful: stored with the verdict; the turn, for telling the admins."""
        turn = self.memory.get(turn_id)
        if turn is None or not record_reason(self.data_dir, turn_id, user, reason, detail):
            return None
        return turn

    def record_feedback(self, turn_id: int, user: str, verdict: str) -> Reply:
        turn = self.memory.get(turn_id)
        if turn is None:
            return NoticeReply("I no longer have that answer, so I couldn't record that.")
        try:
            restricted = self.library.restricted_documents()
        except SendBotError:
            restricted = {source["doc"] for source in turn.sources}  # can't tell: keep no quote
        record_feedback(self.data_dir, turn, user, verdict, restricted)
        return NoticeReply(FEEDBACK_THANKS[verdict])

    def remove_document(self, requester: Requester, name: str, progress: Callable[[str], None] | None = None) -> Reply:
        """An admin's Remove: the file leaves the documents folder, and the folder is ingested again."""
        try:
            if not requester.is_admin:
                raise NotAllowed(NOT_ADMIN)
            folder = self.documents_dir.resolve()
            found = [d.path for d in self.library.documents(requester.audience) if d.doc == name]
            if not found or folder not in found[0].resolve().parents:
                return NoticeReply(f"I can't remove {name}", ["Only documents in the documents folder can be removed here."],
                                   warning=True)  # fmt: skip
            found[0].unlink(missing_ok=True)
            log.info("%s removed %s", requester.user, name)
            report = self._reread_folder(requester.audience, progress)
        except SendBotError as exc:
            return _problem(exc)
        return NoticeReply(f"Removed {name}", report.summary_lines())

    def add_upload(
        self,
        requester: Requester,
        upload: IncomingFile,
        progress: Callable[[str], None] | None = None,
    ) -> Reply:
        """An admin's document: checked, saved into the documents folder and ingested.

        A new file that cannot be read is removed again, so later ingests don't keep
        reporting it; a replaced one stays, as the index keeps its earlier version.
        """
        try:
            if not requester.is_admin:
                raise NotAllowed(NOT_ADMIN)
            replacing = (self.uploads_dir / check_name(upload.name)).exists()
            path = receive(upload, self.uploads_dir, self.max_upload_bytes)
            log.info("saved upload from %s as %s", requester.user, path.name)
            report = self.library.ingest([path], progress)
        except SendBotError as exc:
            return _problem(exc)
        failure = dict(report.failed).get(path.name)
        if failure is None:
            remember_upload(self.data_dir, path.name, upload.link)
            return NoticeReply(f"Added {path.name}", report.summary_lines())
        if replacing:
            return NoticeReply(
                f"I couldn't read the new {path.name}; the index keeps the earlier version",
                [failure],
                warning=True,
            )
        path.unlink(missing_ok=True)
        return NoticeReply(
            f"I couldn't read {path.name}, so I removed it again",
            [failure],
            warning=True,
        )


def _page(kind: str, filters: str, records: list, request: Request) -> RecordsReply:
    pages = page_bounds([group_heading(record) for record in records], PAGE_LINES)
    start, end = pages[min(request.page, len(pages)) - 1] if pages else (0, 0)
    return RecordsReply(
        kind=kind,
        filters=filters,
        records=records[start:end],
        total=len(records),
        page=request.page,
        start=start,
        request_text=request.text,
    )


def page_bounds(groups: list[str], limit: int) -> list[tuple[int, int]]:
    """(start, end) of each page: whole runs of equal `groups` while they fit in `limit`."""
    pages: list[tuple[int, int]] = []
    start = run = 0
    for i in range(1, len(groups) + 1):
        if i < len(groups) and groups[i] == groups[i - 1]:
            continue
        if i - start > limit and run > start:  # this run does not fit: the page ends before it
            pages.append((start, run))
            start = run
        while i - start > limit:  # one run longer than a page
            pages.append((start, start + limit))
            start += limit
        run = i
    if start < len(groups):
        pages.append((start, len(groups)))
    return pages


def _problem(exc: SendBotError) -> NoticeReply:
    message = NO_INDEX_YET if isinstance(exc, IndexMissing) else str(exc)
    return NoticeReply("Sorry, I couldn't do that", [message], warning=True)


def build_conversation(settings: Settings, library: Library | None = None) -> Conversation:
    """The conversation over the configured folders (`library` lets a caller share or wrap one)."""
    return Conversation(
        library or Library(settings.paths.index_dir),
        data_dir=settings.paths.data_dir,
        documents_dir=settings.paths.documents_dir,
        max_upload_bytes=int(settings.slack.max_upload_mb * 1024 * 1024),
        upload_folder=settings.slack.upload_folder,
    )
