"""@sendbot in a channel: answered in the message's thread."""

from __future__ import annotations

from slack_bolt import App, BoltContext
from slack_bolt.context.set_status import SetStatus
from slack_sdk import WebClient

from slackbot import delivery
from slackbot.middleware import SERVICES
from slackbot.mrkdwn import plain_text


def register(app: App) -> None:
    app.event("app_mention")(answer_mention)


def answer_mention(event: dict, context: BoltContext, client: WebClient, set_status: SetStatus | None) -> None:
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
