"""Running the bot: Events API over HTTP (waitress + bolt's WSGI adapter) or Socket Mode.

Both check the settings first and say exactly what is missing, keep tokens out of the
logs, and load the model and the index before taking any request, so Slack's first
event is not the one that waits for them.
"""

from __future__ import annotations

import logging

import waitress
from slack_bolt import BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.error import BoltError
from waitress.server import BaseWSGIServer, MultiSocketServer

from errors import IndexMissing, SettingsMissing
from settings import Settings, SlackSettings
from slackbot import redact
from slackbot.app import build_app
from slackbot.services import Services, build_services

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HTTP_THREADS = 8
# The Socket Mode client notices a connection Slack closed at its next ping, then reconnects.
SOCKET_PING_SECONDS = 5.0
GUIDE = "docs/connect-to-slack.md"
HTTP = "http"
SOCKET = "socket"


def require_slack_settings(slack: SlackSettings, mode: str) -> None:
    """Raise `SettingsMissing` naming every missing or mistyped setting for `mode`."""
    needed = {"SLACK_BOT_TOKEN": (slack.bot_token, "xoxb-")}
    if mode == HTTP:
        needed["SLACK_SIGNING_SECRET"] = (slack.signing_secret, "")
    else:
        needed["SLACK_APP_TOKEN"] = (slack.app_token, "xapp-")
    problems = []
    for name, (secret, prefix) in needed.items():
        value = secret.get_secret_value()
        if not value:
            problems.append(f"{name} is not set")
        elif prefix and not value.startswith(prefix):
            problems.append(f"{name} should start with {prefix}")
    if problems:
        raise SettingsMissing(
            f"Slack {'Socket Mode' if mode == SOCKET else 'HTTP'} can't start: "
            + "; ".join(problems)
            + f". See {GUIDE}."
        )


class EventsEndpoint(SlackRequestHandler):
    """bolt's WSGI adapter, refusing a body that is not JSON or a form with 400, not a 500 traceback."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        try:
            return super().dispatch(request)
        except ValueError:
            log.warning("refused a request whose body could not be parsed")
            return BoltResponse(status=400, body="Bad Request")


def _start(settings: Settings, mode: str, services: Services | None) -> Services:
    require_slack_settings(settings.slack, mode)
    slack = settings.slack
    redact.install(
        [slack.bot_token.get_secret_value(), slack.app_token.get_secret_value(),
         slack.signing_secret.get_secret_value()]
    )  # fmt: skip
    services = services or build_services(settings)
    try:
        services.conversation.library.warm()
    except IndexMissing as exc:
        log.warning("%s Questions will be refused until an admin ingests documents.", exc)
    return services


def _app(services: Services, socket_mode: bool):
    try:
        return build_app(services, socket_mode=socket_mode)
    except BoltError as exc:  # auth.test refused the token
        raise SettingsMissing(f"Slack did not accept SLACK_BOT_TOKEN ({exc}). See {GUIDE}.") from exc


def build_http_server(
    settings: Settings, port: int, host: str = "0.0.0.0", services: Services | None = None
) -> BaseWSGIServer | MultiSocketServer:
    """The loaded, warmed app behind waitress, bound to host:port but not yet serving."""
    services = _start(settings, HTTP, services)
    handler = EventsEndpoint(_app(services, socket_mode=False), path=EVENTS_PATH)
    return waitress.create_server(handler, host=host, port=port, threads=HTTP_THREADS, ident="sendbot")


def serve_http(settings: Settings, port: int, host: str = "0.0.0.0") -> None:
    """Serve Events API, slash commands and interactivity at http://host:port/slack/events."""
    server = build_http_server(settings, port, host)
    log.info("sendbot listening on http://%s:%s%s", host, port, EVENTS_PATH)
    try:
        server.run()
    finally:
        server.close()


def build_socket_handler(settings: Settings, services: Services | None = None) -> SocketModeHandler:
    """The loaded, warmed app on a Socket Mode client (reconnects by itself), not yet connected."""
    services = _start(settings, SOCKET, services)
    return SocketModeHandler(
        _app(services, socket_mode=True),
        app_token=settings.slack.app_token.get_secret_value(),
        ping_interval=SOCKET_PING_SECONDS,
    )


def serve_socket(settings: Settings) -> None:
    """Connect to Slack over Socket Mode (no public URL needed) and serve until stopped."""
    handler = build_socket_handler(settings)
    log.info("sendbot connecting to Slack over Socket Mode")
    handler.start()
