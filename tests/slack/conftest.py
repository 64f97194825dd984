"""Slack tests run the real bot (waitress, bolt, the real index and model) against local fakes.

`fake_slack` is the Web API, `socket_mode` a WebSocket endpoint; `start_bot` serves the
app on 127.0.0.1 at a random port and posts requests signed as Slack signs them. The
index and the model come once per session from tests/conftest.py (`corpus_index`,
`embedder`); a test that ingests works on its own copy (`writable_index`).
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from fake_slack_api import FakeSlack
from fake_socket_mode import FakeSocketMode
from slack_payloads import (
    ADMIN,
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    block_action,
    event_callback,
    form,
    interactive_form,
    signature_headers,
    slash_command,
)
from waitress import wasyncore

from settings import Settings
from slackbot.library import Library
from slackbot.server import EVENTS_PATH, build_http_server, build_socket_handler
from slackbot.services import Services, build_services

MAX_UPLOAD_MB = 1


@pytest.fixture(autouse=True)
def slack_env(monkeypatch, tmp_path: Path) -> None:
    """Every test gets its own data and documents folders and a clean Slack environment."""
    for name in ("SENDBOT_ALLOWED_CHANNELS", "SENDBOT_ADMIN_USERGROUP", "SENDBOT_DOCUMENT_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SENDBOT_ADMINS", ADMIN)
    monkeypatch.setenv("SENDBOT_MAX_UPLOAD_MB", str(MAX_UPLOAD_MB))
    monkeypatch.setenv("SENDBOT_INDEX_DIR", str(tmp_path / "no-index"))
    monkeypatch.setenv("SENDBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SENDBOT_DOCUMENTS_DIR", str(tmp_path / "workspace" / "documents"))


@pytest.fixture
def fake_slack(monkeypatch):
    fake = FakeSlack().start()
    monkeypatch.setenv("SENDBOT_SLACK_API_URL", fake.api_url)
    yield fake
    fake.stop()


@pytest.fixture
def socket_mode(fake_slack: FakeSlack):
    endpoint = FakeSocketMode().start()
    fake_slack.socket_url = endpoint.url
    yield endpoint
    endpoint.stop()


@pytest.fixture
def corpus_env(monkeypatch, corpus_index: Path) -> Path:
    """The bot reads the shared corpus index."""
    monkeypatch.setenv("SENDBOT_INDEX_DIR", str(corpus_index))
    return corpus_index


@pytest.fixture
def writable_index(monkeypatch, tmp_path: Path, corpus_env: Path) -> Path:
    """A private copy of the corpus index, for tests that ingest into it."""
    copy = tmp_path / "index"
    shutil.copytree(corpus_env, copy, symlinks=True)
    monkeypatch.setenv("SENDBOT_INDEX_DIR", str(copy))
    return copy


class RunningBot:
    """The bot serving over HTTP, and a Slack that signs what it sends it."""

    def __init__(self, url: str, fake: FakeSlack, services: Services) -> None:
        self.url = url
        self.fake = fake
        self.services = services

    def post(self, body: str, content_type: str, headers: dict | None = None) -> requests.Response:
        sent = {"Content-Type": content_type, **signature_headers(body), **(headers or {})}
        return requests.post(self.url, data=body.encode(), headers=sent, timeout=10)

    def event(self, event: dict, event_id: str | None = None, headers: dict | None = None):
        body = event_callback(event, event_id)
        return self.post(json.dumps(body), "application/json", headers)

    def command(self, text: str, user: str = "U1", channel: str = "C1") -> requests.Response:
        fields = slash_command(text, self.fake.response_url("command"), user, channel)
        return self.post(form(fields), "application/x-www-form-urlencoded")

    def click(self, action_id: str, value: str, user: str = "U1", channel: str = "C1"):
        payload = block_action(action_id, value, self.fake.response_url("action"), user, channel)
        return self.post(interactive_form(payload), "application/x-www-form-urlencoded")


@pytest.fixture
def start_bot(fake_slack: FakeSlack, corpus_env: Path, embedder) -> Callable[..., RunningBot]:
    """start_bot(library=None) -> RunningBot; settings are read from the environment at call time."""
    started = []

    def start(library: Library | None = None) -> RunningBot:
        settings = Settings()
        services = build_services(settings, library)
        server = build_http_server(settings, 0, "127.0.0.1", services)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        started.append((server, thread, services))
        return RunningBot(f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}", fake_slack, services)

    yield start
    for server, thread, services in started:
        stop_waitress(server)
        thread.join(5)
        services.workers.shutdown(wait=True, cancel_futures=True)


def stop_waitress(server) -> None:
    """Close waitress from inside its own loop, so the loop ends instead of polling closed sockets."""

    def close_all() -> None:
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)

    server.trigger.pull_trigger(close_all)


@pytest.fixture
def start_socket_bot(
    fake_slack: FakeSlack, socket_mode: FakeSocketMode, corpus_env: Path, embedder
) -> Callable[[], Services]:
    """start_socket_bot() connects the bot to the local Socket Mode endpoint; returns its services."""
    started = []

    def start() -> Services:
        settings = Settings()
        services = build_services(settings)
        handler = build_socket_handler(settings, services)
        handler.connect()
        started.append((handler, services))
        return services

    yield start
    for handler, services in started:
        handler.close()
        services.workers.shutdown(wait=True, cancel_futures=True)
