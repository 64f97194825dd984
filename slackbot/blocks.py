"""Replies drawn as Slack Block Kit messages: answer with [n] markers, its sources, buttons.

Every function returns the keyword arguments of chat.postMessage / chat.update
(`text` for notifications and screen readers, `blocks` for the layout).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from slack_sdk.models.blocks import ContextActionsBlock, FeedbackButtonObject, FeedbackButtonsElement

from answer.models import Answer, Citation
from answer.render import cells_shown
from index.models import Action, Decision, Hit
from index.records import Digest
from slackbot.mrkdwn import escape, link
from slackbot.replies import (
    AnswerReply,
    NoticeReply,
    Record,
    RecordsReply,
    Reply,
    SourcesReply,
    group_heading,
    record_details,
    record_text,
)

ACTION_FEEDBACK = "feedback"  # Slack's feedback buttons; the value says "helpful:<turn>" or "not_helpful:<turn>"
# The buttons of answers posted before the feedback buttons: still in Slack, still answered.
ACTION_HELPFUL = "feedback_helpful"
ACTION_NOT_HELPFUL = "feedback_not_helpful"
FEEDBACK_FORM = "feedback_form"  # the "not helpful" form's callback_id
FEEDBACK_REASONS = {
    "wrong_source": "Wrong source",
    "missing": "Something is missing",
    "out_of_date": "Out of date",
    "other": "Other",
}
ACTION_MORE_SOURCES = "more_sources"
ACTION_MORE_RECORDS = "more_records"
ACTION_MORE_DIGEST = "more_digest"  # the digest's next page, shown to whoever clicks
ACTION_RECORDS_CSV = "records_csv"

SECTION_LIMIT = 3000  # characters of one section block's text
MAX_SOURCES = 10
MAX_TEXT_SECTIONS = 30  # with the heading, MAX_SOURCES sources and the buttons, under Slack's 50 blocks
CLOSEST_PASSAGES = 3
SNIPPET_CHARS = 300
PROGRESS_ICON = ":hourglass_flowing_sand:"  # marks a placeholder, never a reply
SEARCHING = "Searching…"
INGESTING = "Ingesting the documents folder…"
READING_UPLOAD = "Reading your file…"
APOLOGY = "Sorry, something went wrong while answering that. Please try again in a moment."
CHANNEL_NOT_ALLOWED = "I only answer in some channels here. Send me a direct message instead."
SHARED_CHANNEL = (
    "I don't answer in channels shared with other organisations: council documents stay inside the"
    " council. Send me a direct message instead."
)
ACTION_SHARE = "share_answer"
DIGEST_TITLE = "New in the SEND documents"
DIGEST_ITEMS = 10  # lines of one kind shown in the digest message; the rest are counted


def render(reply: Reply, links: DocumentLinks | None = None, asked_by: str = "", shareable: bool = False) -> dict:
    """`asked_by` (a user id) repeats the question, for slash commands whose words Slack hides;
    `shareable` adds "Share in thread" to an answer only its asker sees."""
    if isinstance(reply, AnswerReply):
        return _answer(reply, links or DocumentLinks(), asked_by, shareable)
    if isinstance(reply, RecordsReply):
        return _records(reply, links or DocumentLinks())
    if isinstance(reply, SourcesReply):
        return _more_sources(reply, links or DocumentLinks())
    return _notice(reply)


def progress(text: str) -> dict:
    """The placeholder that stands in for a reply until it is ready."""
    return {
        "text": text,
        "blocks": [_context(f"{PROGRESS_ICON} {escape(text)}")],
    }


def apology() -> dict:
    return _notice(NoticeReply(APOLOGY, warning=True))


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _sections(text: str) -> list[dict]:
    """Long text split over several sections, at line breaks where possible."""
    blocks = []
    while text:
        cut = len(text) if len(text) <= SECTION_LIMIT else text.rfind("\n", 0, SECTION_LIMIT)
        if cut <= 0:
            cut = SECTION_LIMIT
        blocks.append(_section(text[:cut]))
        text = text[cut:].lstrip("\n")
    return blocks


def _button(label: str, action_id: str, value: str, style: str = "") -> dict:
    button = {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


@dataclass(frozen=True)
class DocumentLinks:
    """Where a source can be opened: the document at its page under SENDBOT_DOCUMENT_BASE_URL, else,
    for a document uploaded through Slack, its Slack file (slackbot.uploads.uploaded_files)."""

    base_url: str = ""
    uploaded: Mapping[str, str] = field(default_factory=dict)  # file name -> Slack permalink

    def url(self, doc: str, page: int) -> str:
        if self.base_url and doc:
            return f"{self.base_url.rstrip('/')}/{quote(doc)}#page={page}"
        return self.uploaded.get(doc, "")


def document_link(links: DocumentLinks, doc: str, page: int, label: str) -> str:
    """The label, linked to where the document can be opened when there is such a place."""
    url = links.url(doc, page)
    return link(url, label) if url else escape(label)


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"


def document_date(iso: str) -> str:
    """"2024-02-13" -> "13 Feb 2024", "2024-02" -> "Feb 2024", "2024" stays; "" for none."""
    parts = (iso or "").split("-")
    if not parts[0].isdigit():
        return ""
    months = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    month = months[int(parts[1])] if len(parts) > 1 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12 else ""
    day = str(int(parts[2])) if len(parts) > 2 and parts[2].isdigit() and month else ""
    return " ".join(part for part in (day, month, parts[0]) if part)


def _citation_line(citation: Citation, links: DocumentLinks) -> str:
    where = document_link(links, citation.doc, citation.page, citation.title or citation.doc)
    dated = f" ({document_date(citation.date)})" if document_date(citation.date) else ""
    line = f"*[{citation.n}]* {where}{dated}, p.{citation.page}"
    if citation.section:
        line += f" · {escape(citation.section)}"
    if citation.quote:
        line += f"\n> {escape(_snippet(citation.quote))}"
    return line


def _hit_line(hit: Hit, links: DocumentLinks) -> str:
    where = document_link(links, hit.doc, hit.page, hit.title or hit.doc)
    pages = f"p.{hit.page}" if hit.page == hit.page_end else f"pp.{hit.page}-{hit.page_end}"
    dated = f" ({document_date(hit.date)})" if document_date(hit.date) else ""
    line = f"{where}{dated}, {pages}" + (f" · {escape(hit.section)}" if hit.section else "")
    return line + f"\n> {escape(_snippet(hit.text))}"


def _answer(reply: AnswerReply, links: DocumentLinks, asked_by: str, shareable: bool) -> dict:
    answer: Answer = reply.answer
    blocks = []
    if asked_by:
        blocks.append(_context(f"<@{asked_by}> asked: {escape(answer.question)}"))
    text = _sections(escape(cells_shown(answer.text)))
    if len(text) > MAX_TEXT_SECTIONS:  # Slack takes 50 blocks a message: the sources and buttons must fit
        text = text[:MAX_TEXT_SECTIONS] + [_context("The answer goes on; the sources below hold the rest.")]
    blocks += text
    if answer.citations:
        blocks.append({"type": "divider"})
        blocks.append(_context("*Sources*"))
        blocks += [_section(_citation_line(c, links)) for c in answer.citations[:MAX_SOURCES]]
        if len(answer.citations) > MAX_SOURCES:
            blocks.append(_context(f"and {len(answer.citations) - MAX_SOURCES} more sources"))
    elif answer.hits:
        blocks.append({"type": "divider"})
        blocks.append(_context("*Closest passages*"))
        blocks += [_section(_hit_line(hit, links)) for hit in answer.hits[:CLOSEST_PASSAGES]]
    turn = str(reply.turn_id)
    blocks.append(
        {
            "type": "actions",
            "elements": [
                _button("More sources", ACTION_MORE_SOURCES, turn),
                *([_button("Share in thread", ACTION_SHARE, turn, style="primary")] if shareable else []),
            ],
        }
    )
    blocks.append(_feedback_buttons(turn))
    return {"text": answer.text, "blocks": blocks}


def _feedback_buttons(turn: str) -> dict:
    """Slack's own thumbs up / down under an answer."""
    return ContextActionsBlock(elements=[FeedbackButtonsElement(
        action_id=ACTION_FEEDBACK,
        positive_button=FeedbackButtonObject(text="Helpful", value=f"helpful:{turn}"),
        negative_button=FeedbackButtonObject(text="Not helpful", value=f"not_helpful:{turn}"),
    )]).to_dict()  # fmt: skip


def feedback_form(turn_id: int) -> dict:
    """The short form a "not helpful" opens: what was wrong, and anything to add."""
    options = [{"text": {"type": "plain_text", "text": label}, "value": key} for key, label in FEEDBACK_REASONS.items()]
    return {
        "type": "modal",
        "callback_id": FEEDBACK_FORM,
        "private_metadata": str(turn_id),
        "title": {"type": "plain_text", "text": "What was wrong?"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Skip"},
        "blocks": [
            {"type": "input", "block_id": "reason", "label": {"type": "plain_text", "text": "The answer had"},
             "element": {"type": "radio_buttons", "action_id": "reason", "options": options}},
            {"type": "input", "block_id": "detail", "optional": True,
             "label": {"type": "plain_text", "text": "Anything to add (which document, what was missing)"},
             "element": {"type": "plain_text_input", "action_id": "detail", "multiline": True, "max_length": 1000}},
        ],
    }  # fmt: skip


def feedback_for_admins(question: str, answer: str, user: str, reason: str, detail: str) -> dict:
    """What the admins are sent when someone says an answer was not helpful, and why."""
    text = f"<@{user}> found an answer not helpful: {FEEDBACK_REASONS.get(reason, reason)}"
    lines = [f"*{escape(text)}*", f"*Question:* {escape(question)}", f"*Answer:* {escape(_snippet(answer))}"]
    if detail:
        lines.append(f"*They added:* {escape(detail)}")
    return {"text": text, "blocks": _sections("\n".join(lines))}


def _record_line(record: Record, links: DocumentLinks) -> str:
    """One record as one bullet, cited: "• We will … (_s.pdf, p.17_)"."""
    parts = [escape(record_text(record))]
    if isinstance(record, Decision):
        item = f"item {record.item}: {record.item_title}" if record.item else record.item_title
        parts = ([f"*{escape(item)}*"] if item else []) + parts
    if isinstance(record, Action) and record.ref:
        parts = [f"*{escape(record.ref)}*"] + parts
    parts += [escape(detail) for detail in record_details(record) if detail]
    source = f"_{document_link(links, record.doc, record.page, record.doc)}, p.{record.page}_"
    return "• " + " ".join(parts) + f" ({source})"


def more_records_value(reply: RecordsReply) -> str:
    """What the "More" button carries: enough to ask for the next page again."""
    return json.dumps({"text": f"{reply.kind} {reply.request_text}"[:1500], "page": reply.page + 1})


def _records(reply: RecordsReply, links: DocumentLinks) -> dict:
    if not reply.total:
        summary = f"{reply.counted} {escape(reply.filters)}."
        return {"text": summary, "blocks": [_section(summary)]}
    summary = f"*{reply.counted}* {escape(reply.filters)} (showing {reply.shown})"
    blocks = [_section(summary)]
    groups: list[tuple[str, list[str]]] = []
    for record in reply.records:  # consecutive records of one group, under one heading
        heading = group_heading(record)
        if not groups or groups[-1][0] != heading:
            groups.append((heading, []))
        groups[-1][1].append(_record_line(record, links))
    for heading, lines in groups:
        blocks += _sections(f"*{escape(heading)}*\n" + "\n".join(lines))
    listing = json.dumps({"text": f"{reply.kind} {reply.request_text}"[:1500]})
    buttons = [_button("More", ACTION_MORE_RECORDS, more_records_value(reply))] if reply.has_more else []
    buttons.append(_button(f"All {reply.total} as a spreadsheet (CSV)", ACTION_RECORDS_CSV, listing))
    blocks.append({"type": "actions", "elements": buttons})
    return {"text": summary.replace("*", ""), "blocks": blocks}


def _more_sources(reply: SourcesReply, links: DocumentLinks) -> dict:
    heading = f"More sources for “{escape(reply.question)}”"
    if not reply.hits:
        text = "I found no further passages for that question."
        return {"text": text, "blocks": [_section(text)]}
    blocks = [_context(heading)] + [_section(_hit_line(hit, links)) for hit in reply.hits]
    return {"text": heading, "blocks": blocks}


def _notice(reply: NoticeReply) -> dict:
    title = (":warning: " if reply.warning else "") + f"*{escape(reply.title)}*"
    body = "\n".join(escape(line) for line in reply.lines)
    return {
        "text": reply.title,
        "blocks": _sections(title + ("\n" + body if body else "")),
    }


def digest_message(digest: Digest, links: DocumentLinks | None = None, page: int = 1) -> dict:
    """What an ingest brought, as one message: the documents, then their decisions with votes, new
    commitments and the actions of updated plans whose status moved, each line with its source.
    Long lists are paged: each page shows the next DIGEST_ITEMS of every kind, counts what is left,
    and has a "More" button for the next page."""
    links = links or DocumentLinks()

    def source(doc: str, page: int) -> str:
        return f"_{document_link(links, doc, page, doc)}, p.{page}_"

    def record(r: Record) -> str:  # "• SEND priority 2: …, Year Two: We will … (_source_)"
        return f"• {escape(group_heading(r))}: {_record_line(r, links).removeprefix('• ')}"

    def document(d: dict) -> str:
        about = ", ".join(p for p in (d["kind"], document_date(d["date"])) if p)
        return f"• {escape(d['title'] or d['doc'])}" + (f" ({escape(about)})" if about else "")

    def changed(a) -> str:
        return f"• {escape(a.plan)}, action {escape(a.ref)}: {escape(a.action)}: *{escape(a.moved)}* {source(a.doc, a.page)}"

    kinds = [
        ("Documents", [document(d) for d in digest.documents]),
        ("Decisions", [record(d) for d in digest.decisions]),
        ("New commitments", [record(c) for c in digest.commitments]),
        ("Actions that changed", [changed(a) for a in digest.action_changes]),
    ]
    counted = f"{len(digest.documents)} document{'s' if len(digest.documents) != 1 else ''} since {digest.since[:10]}"
    start, end = (page - 1) * DIGEST_ITEMS, page * DIGEST_ITEMS
    if page > 1:
        counted += f", page {page}"
    message_blocks = [{"type": "header", "text": {"type": "plain_text", "text": DIGEST_TITLE}}, _context(counted)]
    for title, lines in kinds:
        shown = lines[start:end]
        if shown:
            more = f"\n_… and {len(lines) - end} more_" if len(lines) > end else ""
            message_blocks += _sections(f"*{title}* ({len(lines)})\n" + "\n".join(shown) + more)
    if any(len(lines) > end for _, lines in kinds):
        value = json.dumps({"since": digest.since, "page": page + 1})
        message_blocks = message_blocks[:49] + [
            {"type": "actions", "elements": [_button("More", ACTION_MORE_DIGEST, value)]}
        ]
    return {"text": f"{DIGEST_TITLE}: {counted}", "blocks": message_blocks[:50]}
