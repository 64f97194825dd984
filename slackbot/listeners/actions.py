"""Buttons under answers and listings: Slack's feedback buttons (and the "not helpful" form they
open), more sources, share in thread, more records, the digest's next page."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from slackbot import delivery
from slackbot.blocks import (
    ACTION_FEEDBACK,
    ACTION_HELPFUL,
    ACTION_MORE_DIGEST,
    ACTION_MORE_RECORDS,
    ACTION_MORE_SOURCES,
    ACTION_NOT_HELPFUL,
    ACTION_RECORDS_CSV,
    ACTION_SHARE,
    FEEDBACK_FORM,
)
from slackbot.middleware import SERVICES


def register(app: App) -> None:
    app.action(ACTION_FEEDBACK)(give_feedback)
    app.view(FEEDBACK_FORM)(explain_feedback)
    app.action(ACTION_HELPFUL)(mark_helpful)
    app.action(ACTION_NOT_HELPFUL)(mark_not_helpful)
    app.action(ACTION_MORE_SOURCES)(show_more_sources)
    app.action(ACTION_MORE_RECORDS)(show_more_records)
    app.action(ACTION_MORE_DIGEST)(show_more_digest)
    app.action(ACTION_SHARE)(share_answer)
    app.action(ACTION_RECORDS_CSV)(send_records_csv)


def give_feedback(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    verdict, _, turn = str(action.get("value", "")).partition(":")
    if verdict not in ("helpful", "not_helpful") or not turn.isdigit():
        return
    delivery.record_feedback(context[SERVICES], respond, user=body["user"]["id"], turn_id=turn, verdict=verdict)
    if verdict == "not_helpful":
        delivery.ask_why(client, trigger_id=body["trigger_id"], turn_id=int(turn))


def explain_feedback(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    values = view["state"]["values"]
    reason = ((values.get("reason") or {}).get("reason") or {}).get("selected_option") or {}
    detail = ((values.get("detail") or {}).get("detail") or {}).get("value") or ""
    delivery.explain_feedback(
        context[SERVICES], client, user=body["user"]["id"], turn_id=view["private_metadata"],
        reason=reason.get("value", "other"), detail=detail,
    )  # fmt: skip


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


def show_more_digest(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    delivery.show_more_digest(
        context[SERVICES], client, respond, user=body["user"]["id"], channel=clicked_in(body), value=action["value"]
    )


def share_answer(ack: Ack, action: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    delivery.share_answer(context[SERVICES], client, respond, turn_id=action["value"])


def send_records_csv(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    delivery.send_records_csv(
        context[SERVICES], client, user=body["user"]["id"], channel=clicked_in(body), value=action["value"]
    )


def clicked_in(body: dict) -> str:
    """The conversation a button was clicked in ("" if Slack does not say: public documents only)."""
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
