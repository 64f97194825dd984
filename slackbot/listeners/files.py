"""A file shared in a DM with the bot: an admin's document to add."""

from __future__ import annotations

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from slackbot import delivery
from slackbot.middleware import SERVICES


def register(app: App) -> None:
    app.event("file_shared")(add_shared_file)


def add_shared_file(event: dict, context: BoltContext, client: WebClient) -> None:
    delivery.add_upload(
        context[SERVICES],
        client,
        channel=event.get("channel_id", ""),
        user=event["user_id"],
        file_id=event["file_id"],
    )
