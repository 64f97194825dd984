"""Replies drawn as plain text for the terminal chat: the answer, then its sources under it."""

from __future__ import annotations

import textwrap

from ingest.models import Commitment, Decision, Hit
from slackbot import request_words
from slackbot.blocks import CLOSEST_PASSAGES
from slackbot.replies import AnswerReply, NoticeReply, RecordsReply, Reply, SourcesReply

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
    lines = [answer.text]
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


def _commitment(record: Commitment) -> str:
    heading = f"Priority {record.priority}" if record.priority is not None else "Commitment"
    if record.priority_title:
        heading += f": {record.priority_title}"
    year = record.year_label or record.year
    return (
        f"- {heading}" + (f" ({year})" if year else "") + f"\n{_quote(record.text)}\n"
        f"{INDENT}  {record.strategy or record.doc}, p.{record.page}"
    )


def _decision(record: Decision) -> str:
    heading = f"{record.body}, {record.date}" if record.date else record.body
    if record.item or record.item_title:
        heading += f", item {record.item}: {record.item_title}"
    outcome = record.outcome
    if record.votes:
        votes = ", ".join(f"{count} {name}" for name, count in record.votes.items())
        outcome = f"{outcome} ({votes})" if outcome else votes
    lines = [f"- {heading}", _quote(record.text)]
    if outcome:
        lines.append(f"{INDENT}  Outcome: {outcome}")
    lines.append(f"{INDENT}  {record.doc}, p.{record.page}")
    return "\n".join(lines)


def _records(reply: RecordsReply) -> str:
    noun = "commitments" if reply.kind == request_words.COMMITMENTS else "decisions"
    if not reply.total:
        return f"No {noun} match {reply.filters}."
    last = reply.first_number + len(reply.records) - 1
    lines = [f"{reply.total} {noun} match {reply.filters} (showing {reply.first_number}-{last}):"]
    lines += [_commitment(r) if isinstance(r, Commitment) else _decision(r) for r in reply.records]
    if reply.has_more:
        lines.append("(Type `more` for the next page.)")
    return "\n".join(lines)


def _sources(reply: SourcesReply) -> str:
    if not reply.hits:
        return "I found no further passages for that question."
    return "\n".join([f"More sources for “{reply.question}”:"] + [_hit(h) for h in reply.hits])


def _notice(reply: NoticeReply) -> str:
    return "\n".join([("! " if reply.warning else "") + reply.title] + reply.lines)
