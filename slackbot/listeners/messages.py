"""Direct messages to the bot: answered in the message's thread. Edits, deletions,
file shares (see files.py) and channel chatter are acknowledged and left alone."""

from __future__ import annotations

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from slackbot import delivery
from slackbot.middleware import SERVICES
from slackbot.mrkdwn import plain_text


def register(app: App) -> None:
    app.event({"type": "message", "subtype": None})(answer_direct_message)
    app.event("message")(ignore_message)


def answer_direct_message(event: dict, context: BoltContext, client: WebClient) -> None:
    if event.get("channel_type") != "im":
        return
    delivery.answer_in_thread(
        context[SERVICES],
        client,
        channel=event["channel"],
        thread_ts=event.get("thread_ts") or event["ts"],
        user=event["user"],
        text=plain_text(event.get("text", ""), context.bot_user_id),
    )


def ignore_message() -> None:
    """Edits, deletions and file shares need no answer (uploads arrive as file_shared)."""
