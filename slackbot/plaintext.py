"""Replies drawn as plain text for the terminal chat: the answer, then its sources under it."""

from __future__ import annotations

import textwrap

from answer.render import cells_shown
from index.models import Hit
from slackbot.blocks import CLOSEST_PASSAGES
from slackbot.replies import (
    AnswerReply,
    NoticeReply,
    Record,
    RecordsReply,
    Reply,
    SourcesReply,
    record_details,
    record_heading,
    record_text,
)

INDENT = "    "


def render(reply: Reply) -> str:
    if isinstance(reply, AnswerReply):
        return _answer(reply)
    if isinstance(reply, RecordsReply):
        return _records(reply)
    if isinstance(reply, SourcesReply):
        return _sources(reply)
    return _notice(reply)


def _quote(text: str) -> str:
    return textwrap.indent(textwrap.fill(" ".join(text.split()), width=88), INDENT + "  ")


def _hit(hit: Hit) -> str:
    return f"  {hit.citation()}\n{_quote(hit.text[:400])}"


def _answer(reply: AnswerReply) -> str:
    answer = reply.answer
    lines = [cells_shown(answer.text)]
    if answer.citations:
        lines.append("\nSources:")
        for citation in answer.citations:
            where = f"{citation.title or citation.doc}, p.{citation.page}"
            if citation.section:
                where += f", {citation.section}"
            lines.append(f"  [{citation.n}] {where}")
            if citation.quote:
                lines.append(_quote(f"“{citation.quote}”"))
    elif answer.hits:
        lines.append("\nClosest passages:")
        lines += [_hit(hit) for hit in answer.hits[:CLOSEST_PASSAGES]]
    lines.append("\n(Type `more` for more sources.)")
    return "\n".join(lines)


def _record(record: Record) -> str:
    lines = [f"- {record_heading(record)}", _quote(record_text(record))]
    lines += [f"{INDENT}  {detail}" for detail in record_details(record) if detail]
    lines.append(f"{INDENT}  {record.doc}, p.{record.page}")
    return "\n".join(lines)


def _records(reply: RecordsReply) -> str:
    if not reply.total:
        return f"{reply.counted} {reply.filters}."
    lines = [f"{reply.counted} {reply.filters} (showing {reply.shown}):"]
    lines += [_record(record) for record in reply.records]
    if reply.has_more:
        lines.append("(Type `more` for the next page.)")
    return "\n".join(lines)


def _sources(reply: SourcesReply) -> str:
    if not reply.hits:
        return "I found no further passages for that question."
    return "\n".join([f"More sources for “{reply.question}”:"] + [_hit(h) for h in reply.hits])


def _notice(reply: NoticeReply) -> str:
    return "\n".join([("! " if reply.warning else "") + reply.title] + reply.lines)
