"""The App Home: the Messages tab gets suggested prompts, the Home tab its view; admins' Upload and Re-ingest."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.set_suggested_prompts import SetSuggestedPrompts
from slack_sdk import WebClient

from slackbot import delivery
from slackbot.home import ACTION_REINGEST, ACTION_REMOVE, ACTION_UPLOAD, UPLOAD_FORM
from slackbot.middleware import SERVICES


def register(app: App) -> None:
    app.event("app_home_opened")(open_home)
    app.action(ACTION_REINGEST)(reingest)
    app.action(ACTION_UPLOAD)(open_upload_form)
    app.view(UPLOAD_FORM)(add_uploaded_files)
    app.action(ACTION_REMOVE)(remove_document)


def open_home(
    event: dict, context: BoltContext, client: WebClient, set_suggested_prompts: SetSuggestedPrompts | None
) -> None:
    delivery.open_home(
        context[SERVICES], client, user=event["user"], tab=event.get("tab", ""), set_suggested_prompts=set_suggested_prompts
    )


def reingest(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    delivery.reingest_from_home(context[SERVICES], client, user=body["user"]["id"])


def open_upload_form(ack: Ack, body: dict, client: WebClient) -> None:
    ack()
    delivery.open_upload_form(client, trigger_id=body["trigger_id"])


def add_uploaded_files(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    files = ((view["state"]["values"].get("file") or {}).get("file") or {}).get("files") or []
    delivery.add_uploads_from_form(
        context[SERVICES], client, user=body["user"]["id"], file_ids=[f["id"] for f in files if f.get("id")]
    )


def remove_document(ack: Ack, action: dict, body: dict, context: BoltContext, client: WebClient) -> None:
    ack()
    delivery.remove_from_home(context[SERVICES], client, user=body["user"]["id"], doc=action["value"])
