"""`python bot.py chat`: the bot's own handlers in a terminal, no Slack credentials needed.

The whole session is one thread, so follow-ups ("and in year three?") work as in Slack.
`more` does what the buttons do in Slack: more sources after an answer, the next page
after a listing. The local user is trusted as an admin (they own the folders anyway).
"""

from __future__ import annotations

import getpass
import logging
import sys
import uuid
from typing import TextIO

from index.audience import EVERYONE, Audience
from settings import Settings
from slackbot import plaintext
from slackbot.blocks import APOLOGY
from slackbot.conversation import Conversation, Requester, build_conversation
from slackbot.replies import AnswerReply, RecordsReply, Reply
from slackbot.request_words import parse_request

log = logging.getLogger(__name__)

GREETING = "sendbot: ask about the SEND documents (`help` for commands, `quit` to leave)."
MORE = "more"
QUIT_WORDS = {"quit", "exit", ":q"}
PROMPT = "> "


def run_chat(
    settings: Settings,
    input: TextIO = sys.stdin,
    output: TextIO = sys.stdout,
    audience: Audience = EVERYONE,
) -> None:
    """A conversation on the server's terminal: an admin's, who sees every document unless
    `audience` says whose view to take (`bot.py chat --as C0SENDLEADS`)."""
    conversation = build_conversation(settings)
    requester = Requester(user=f"terminal:{getpass.getuser()}", is_admin=True, audience=audience)
    thread = f"terminal:{uuid.uuid4().hex}"
    last: Reply | None = None

    def show(text: str) -> None:
        output.write(text + "\n")
        output.flush()

    show(GREETING)
    while True:
        output.write(PROMPT)
        output.flush()
        line = input.readline()
        if not line:
            break
        text = line.strip()
        if text.lower() in QUIT_WORDS:
            break
        if not text:
            continue
        try:
            last = _reply(conversation, requester, thread, text, last, show)
            show(plaintext.render(last) + "\n")
        except Exception:
            log.exception("chat request failed: %r", text)
            show(APOLOGY + "\n")


def _reply(conversation: Conversation, requester, thread, text, last, progress) -> Reply:
    if text.lower() == MORE and isinstance(last, AnswerReply):
        return conversation.more_sources(last.turn_id, requester.audience)
    if text.lower() == MORE and isinstance(last, RecordsReply) and last.has_more:
        request = parse_request(f"{last.kind} {last.request_text}", page=last.page + 1)
        return conversation.handle(requester, request, thread)
    return conversation.handle(requester, parse_request(text), thread, progress=progress)
