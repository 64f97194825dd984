"""Buttons under answers and listings: helpful / not helpful, more sources, more records."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from slackbot import delivery
from slackbot.blocks import (
    ACTION_HELPFUL,
    ACTION_MORE_RECORDS,
    ACTION_MORE_SOURCES,
    ACTION_NOT_HELPFUL,
    ACTION_SHARE,
)
from slackbot.middleware import SERVICES


def register(app: App) -> None:
    app.action(ACTION_HELPFUL)(mark_helpful)
    app.action(ACTION_NOT_HELPFUL)(mark_not_helpful)
    app.action(ACTION_MORE_SOURCES)(show_more_sources)
    app.action(ACTION_MORE_RECORDS)(show_more_records)
    app.action(ACTION_SHARE)(share_answer)


def mark_helpful(ack: Ack, action: dict, body: dict, context: BoltContext, respond: Respond) -> None:
    ack()
    delivery.record_feedback(
        context[SERVICES],
        respond,
        user=body["user"]["id"],
        turn_id=action["value"],
        verdict="helpful",
    )


def mark_not_helpful(ack: Ack, action: dict, body: dict, context: BoltContext, respond: Respond) -> None:
    ack()
    delivery.record_feedback(
        context[SERVICES],
        respond,
        user=body["user"]["id"],
        turn_id=action["value"],
        verdict="not_helpful",
    )


def show_more_sources(
    ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    delivery.show_more_sources(
        context[SERVICES],
        client,
        respond,
        user=body["user"]["id"],
        channel=clicked_in(body),
        turn_id=action["value"],
    )


def show_more_records(
    ack: Ack,
    action: dict,
    body: dict,
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    ack()
    delivery.show_more_records(
        context[SERVICES],
        client,
        respond,
        user=body["user"]["id"],
        channel=clicked_in(body),
        value=action["value"],
    )


def share_answer(ack: Ack, action: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    delivery.share_answer(context[SERVICES], client, respond, turn_id=action["value"])


def clicked_in(body: dict) -> str:
    """The conversation a button was clicked in ("" if Slack does not say: public documents only)."""
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
