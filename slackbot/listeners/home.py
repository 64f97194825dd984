"""The App Home: the Messages tab gets suggested prompts, the Home tab its view; admins' Re-ingest."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.set_suggested_prompts import SetSuggestedPrompts
from slack_sdk import WebClient

from slackbot import delivery
from slackbot.home import ACTION_REINGEST
from slackbot.middleware import SERVICES


def register(app: App) -> None:
    app.event("app_home_opened")(open_home)
    app.action(ACTION_REINGEST)(reingest)


def open_home(
    event: dict, context: BoltContext, client: WebClient, set_suggested_prompts: SetSuggestedPrompts | None
) -> None:
    delivery.open_home(
        context[SERVICES], client, user=event["user"], tab=event.get("tab", ""), set_suggested_prompts=set_suggested_prompts
    )


def reingest(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    delivery.reingest_from_home(context[SERVICES], client, user=body["user"]["id"])
