"""Replies drawn as Slack Block Kit messages: answer with [n] markers, its sources, buttons.

Every function returns the keyword arguments of chat.postMessage / chat.update
(`text` for notifications and screen readers, `blocks` for the layout).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from answer.models import Answer, Citation
from answer.render import cells_shown
from ingest.models import Commitment, Decision, Hit
from slackbot.mrkdwn import escape, link
from slackbot.replies import (
    AnswerReply,
    NoticeReply,
    RecordsReply,
    Reply,
    SourcesReply,
    decision_outcome,
    group_heading,
)

ACTION_HELPFUL = "feedback_helpful"
ACTION_NOT_HELPFUL = "feedback_not_helpful"
ACTION_MORE_SOURCES = "more_sources"
ACTION_MORE_RECORDS = "more_records"

SECTION_LIMIT = 3000  # characters of one section block's text
MAX_SOURCES = 10
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


def render(reply: Reply, document_base_url: str = "", asked_by: str = "", shareable: bool = False) -> dict:
    """`asked_by` (a user id) repeats the question, for slash commands whose words Slack hides;
    `shareable` adds "Share in thread" to an answer only its asker sees."""
    if isinstance(reply, AnswerReply):
        return _answer(reply, document_base_url, asked_by, shareable)
    if isinstance(reply, RecordsReply):
        return _records(reply, document_base_url)
    if isinstance(reply, SourcesReply):
        return _more_sources(reply, document_base_url)
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


def document_link(base_url: str, doc: str, page: int, label: str) -> str:
    """A link to the page of the document where a base URL is configured, else the label."""
    if not base_url or not doc:
        return escape(label)
    return link(f"{base_url.rstrip('/')}/{quote(doc)}#page={page}", label)


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"


def _citation_line(citation: Citation, base_url: str) -> str:
    where = document_link(base_url, citation.doc, citation.page, citation.title or citation.doc)
    line = f"*[{citation.n}]* {where}, p.{citation.page}"
    if citation.section:
        line += f" · {escape(citation.section)}"
    if citation.quote:
        line += f"\n> {escape(_snippet(citation.quote))}"
    return line


def _hit_line(hit: Hit, base_url: str) -> str:
    where = document_link(base_url, hit.doc, hit.page, hit.title or hit.doc)
    pages = f"p.{hit.page}" if hit.page == hit.page_end else f"pp.{hit.page}-{hit.page_end}"
    line = f"{where}, {pages}" + (f" · {escape(hit.section)}" if hit.section else "")
    return line + f"\n> {escape(_snippet(hit.text))}"


def _answer(reply: AnswerReply, base_url: str, asked_by: str, shareable: bool) -> dict:
    answer: Answer = reply.answer
    blocks = []
    if asked_by:
        blocks.append(_context(f"<@{asked_by}> asked: {escape(answer.question)}"))
    blocks += _sections(escape(cells_shown(answer.text)))
    if answer.citations:
        blocks.append({"type": "divider"})
        blocks.append(_context("*Sources*"))
        blocks += [_section(_citation_line(c, base_url)) for c in answer.citations[:MAX_SOURCES]]
        if len(answer.citations) > MAX_SOURCES:
            blocks.append(_context(f"and {len(answer.citations) - MAX_SOURCES} more sources"))
    elif answer.hits:
        blocks.append({"type": "divider"})
        blocks.append(_context("*Closest passages*"))
        blocks += [_section(_hit_line(hit, base_url)) for hit in answer.hits[:CLOSEST_PASSAGES]]
    turn = str(reply.turn_id)
    blocks.append(
        {
            "type": "actions",
            "elements": [
                _button(":thumbsup: Helpful", ACTION_HELPFUL, turn),
                _button(":thumbsdown: Not helpful", ACTION_NOT_HELPFUL, turn),
                _button("More sources", ACTION_MORE_SOURCES, turn),
                *([_button("Share in thread", ACTION_SHARE, turn, style="primary")] if shareable else []),
            ],
        }
    )
    return {"text": answer.text, "blocks": blocks}


def _record_line(record: Commitment | Decision, base_url: str) -> str:
    """One record as one bullet, cited: "• We will … (_s.pdf, p.17_)"."""
    parts = [escape(record.text)]
    if isinstance(record, Decision):
        item = f"item {record.item}: {record.item_title}" if record.item else record.item_title
        parts = ([f"*{escape(item)}*"] if item else []) + parts
        if decision_outcome(record):
            parts.append(f"Outcome: {escape(decision_outcome(record))}")
    source = f"_{document_link(base_url, record.doc, record.page, record.doc)}, p.{record.page}_"
    return "• " + " ".join(parts) + f" ({source})"


def more_records_value(reply: RecordsReply) -> str:
    """What the "More" button carries: enough to ask for the next page again."""
    return json.dumps({"text": f"{reply.kind} {reply.request_text}"[:1500], "page": reply.page + 1})


def _records(reply: RecordsReply, base_url: str) -> dict:
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
        groups[-1][1].append(_record_line(record, base_url))
    for heading, lines in groups:
        blocks += _sections(f"*{escape(heading)}*\n" + "\n".join(lines))
    if reply.has_more:
        button = _button("More", ACTION_MORE_RECORDS, more_records_value(reply))
        blocks.append({"type": "actions", "elements": [button]})
    return {"text": summary.replace("*", ""), "blocks": blocks}


def _more_sources(reply: SourcesReply, base_url: str) -> dict:
    heading = f"More sources for “{escape(reply.question)}”"
    if not reply.hits:
        text = "I found no further passages for that question."
        return {"text": text, "blocks": [_section(text)]}
    blocks = [_context(heading)] + [_section(_hit_line(hit, base_url)) for hit in reply.hits]
    return {"text": heading, "blocks": blocks}


def _notice(reply: NoticeReply) -> dict:
    title = (":warning: " if reply.warning else "") + f"*{escape(reply.title)}*"
    body = "\n".join(escape(line) for line in reply.lines)
    return {
        "text": reply.title,
        "blocks": _sections(title + ("\n" + body if body else "")),
    }
