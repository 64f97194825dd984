"""What every request passes through before a listener: the shared services, retries, other bots.

Bolt itself verifies signatures and drops the bot's own events; these add that an event
is taken on once however often Slack re-sends it (the re-sends are acknowledged all the
same), and that other bots' messages never start a conversation between bots.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltResponse

from slackbot.services import Services

log = logging.getLogger(__name__)

SERVICES = "services"  # the context key listeners read the shared services from


def register(app: App, services: Services) -> None:
    def attach_services(context: BoltContext, next: Callable[[], None]) -> None:
        context[SERVICES] = services
        next()

    def answer_events_once(body: dict, next: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not services.seen_events.first_sighting(event_id):
            log.info("event %s already taken on; acknowledging the re-send only", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    app.use(attach_services)
    app.use(ignore_other_bots)
    app.use(answer_events_once)


def ignore_other_bots(body: dict, next: Callable[[], None]) -> BoltResponse | None:
    event = body.get("event") if isinstance(body, dict) else None
    if isinstance(event, dict) and (event.get("bot_id") or event.get("subtype") == "bot_message"):
        return BoltResponse(status=200, body="")
    next()
    return None
