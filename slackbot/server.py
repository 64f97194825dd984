"""Running the bot: Events API over HTTP (waitress + bolt's WSGI adapter) or Socket Mode.

Both check the settings first and say exactly what is missing, keep tokens out of the
logs, and load the model and the index before taking any request, so Slack's first
event is not the one that waits for them. On SIGTERM or SIGINT both stop taking
requests, finish the answers already under way (up to GRACE_SECONDS) and return, so
a restart leaves nobody with a "Searching..." message that is never replaced.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable

import waitress
from slack_bolt import BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.error import BoltError
from waitress.server import BaseWSGIServer, MultiSocketServer

from errors import IndexMissing, SettingsMissing
from ingest.access import check_applied
from settings import Settings, SlackSettings
from slackbot import redact
from slackbot.app import build_app
from slackbot.retention import Sweeper
from slackbot.services import Services, build_services

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HTTP_THREADS = 8
# Slack's requests are a few KB; anything far bigger is refused (413) before it is read.
MAX_BODY_BYTES = 1024 * 1024
# The Socket Mode client notices a connection Slack closed at its next ping, then reconnects.
SOCKET_PING_SECONDS = 5.0
GUIDE = "docs/connect-to-slack.md"
HTTP = "http"
SOCKET = "socket"
# For the answers under way at SIGTERM; systemd waits 90 s before SIGKILL, Kubernetes 30 s.
GRACE_SECONDS = 20.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


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
    check_applied(settings.paths.access_path, settings.paths.index_dir)
    services = services or build_services(settings)
    if services.sweeper is None:
        services.sweeper = Sweeper(settings.paths.data_dir, settings.slack.retention_days).start()
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
    handler = EventsEndpoint(_app(_start(settings, HTTP, services), socket_mode=False), path=EVENTS_PATH)
    return waitress.create_server(
        handler, host=host, port=port, threads=HTTP_THREADS, ident="sendbot", max_request_body_size=MAX_BODY_BYTES
    )


class Stop(SystemExit):
    """Raised in the main thread at SIGTERM or SIGINT to end the serving loop (a SystemExit,
    as waitress's loop lets only that and KeyboardInterrupt through)."""


def _raise_stop(signum, frame) -> None:
    raise Stop()


def _run_until_stopped(run: Callable[[], object]) -> None:
    """Call the blocking `run` until SIGTERM or SIGINT arrives, then put the old handlers back."""
    previous = {sig: signal.signal(sig, _raise_stop) for sig in STOP_SIGNALS}
    try:
        run()
    except Stop:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _finish_in_flight(services: Services) -> None:
    """Let the requests already acknowledged be answered, for up to GRACE_SECONDS in all."""
    started = time.monotonic()
    finished, unfinished = services.drain(GRACE_SECONDS)
    log.info(
        "stopped in %.1f s; answers in flight: %d finished, %d unfinished after the %.0f s grace",
        time.monotonic() - started, finished, unfinished, GRACE_SECONDS,
    )  # fmt: skip


def serve_http(settings: Settings, port: int, host: str = "0.0.0.0") -> None:
    """Serve Events API, slash commands and interactivity at http://host:port/slack/events
    until SIGTERM or SIGINT."""
    services = build_services(settings)
    server = build_http_server(settings, port, host, services)
    log.info("sendbot listening on http://%s:%s%s", host, port, EVENTS_PATH)
    try:
        _run_until_stopped(server.run)
    finally:
        server.close()  # connections are refused from here on
    _finish_in_flight(services)


def build_socket_handler(settings: Settings, services: Services | None = None) -> SocketModeHandler:
    """The loaded, warmed app on a Socket Mode client (reconnects by itself), not yet connected."""
    services = _start(settings, SOCKET, services)
    return SocketModeHandler(
        _app(services, socket_mode=True),
        app_token=settings.slack.app_token.get_secret_value(),
        ping_interval=SOCKET_PING_SECONDS,
    )


def serve_socket(settings: Settings) -> None:
    """Connect to Slack over Socket Mode (no public URL needed) and serve until SIGTERM or SIGINT."""
    services = build_services(settings)
    handler = build_socket_handler(settings, services)
    log.info("sendbot connecting to Slack over Socket Mode")
    try:
        _run_until_stopped(handler.start)  # connects, then waits on an Event, which a signal interrupts
    finally:
        handler.close()  # disconnects, after acknowledging the envelopes being handled
    _finish_in_flight(services)
