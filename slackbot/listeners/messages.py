"""Messages: a DM to the bot, or a reply in a channel thread the bot has answered (a follow-up,
no mention needed), answered in the thread; a deleted message takes what the bot kept of it
(slackbot.retention). Edits, file shares (see files.py) and other channel chatter are
acknowledged and left alone."""

from __future__ import annotations

import re

from slack_bolt import App, BoltContext
from slack_bolt.context.set_status import SetStatus
from slack_sdk import WebClient

from slackbot import delivery
from slackbot.middleware import SERVICES
from slackbot.mrkdwn import plain_text

CHANNEL_TYPES = {"channel", "group"}  # public and private channels (message.channels, message.groups)
MENTION = re.compile(r"<@[UW][A-Z0-9]+>")


def register(app: App) -> None:
    app.event({"type": "message", "subtype": None})(answer_message)
    app.event({"type": "message", "subtype": "message_deleted"})(forget_deleted_message)
    app.event("message")(ignore_message)


def answer_message(event: dict, context: BoltContext, client: WebClient, set_status: SetStatus | None) -> None:
    if event.get("channel_type") != "im" and not _follow_up(event, context):
        return
    delivery.answer_in_thread(
        context[SERVICES],
        client,
        channel=event["channel"],
        thread_ts=event.get("thread_ts") or event["ts"],
        user=event["user"],
        text=plain_text(event.get("text", ""), context.bot_user_id),
        message_ts=event["ts"],
        set_status=set_status,
    )


def _follow_up(event: dict, context: BoltContext) -> bool:
    """A person's reply in a channel thread the bot has answered, mentioning nobody: a mention of
    the bot arrives as app_mention too (answered there), one of someone else is for them."""
    thread_ts = event.get("thread_ts")
    if event.get("channel_type") not in CHANNEL_TYPES or not thread_ts or thread_ts == event.get("ts"):
        return False
    if MENTION.search(event.get("text") or ""):
        return False
    return context[SERVICES].conversation.memory.knows(delivery.thread_key(event["channel"], thread_ts))


def forget_deleted_message(event: dict, context: BoltContext) -> None:
    ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
    if ts:
        delivery.forget_deleted_message(context[SERVICES], channel=event.get("channel", ""), ts=ts)


def ignore_message() -> None:
    """Edits, deletions and file shares need no answer (uploads arrive as file_shared)."""
