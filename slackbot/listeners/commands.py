"""/sendbot ask | commitments | decisions | status | ingest | help."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from slackbot import delivery
from slackbot.middleware import SERVICES

COMMAND = "/sendbot"


def register(app: App) -> None:
    app.command(COMMAND)(run_sendbot)


def run_sendbot(ack: Ack, command: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    delivery.run_command(context[SERVICES], client, respond, command)
