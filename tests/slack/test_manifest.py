"""slack/manifest.yml asks Slack for what the code serves, no more and no less."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from slackbot.listeners.commands import COMMAND
from slackbot.server import EVENTS_PATH

yaml = pytest.importorskip("yaml")
MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yml"
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "connect-to-slack.md"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text())


def test_the_manifest_asks_for_exactly_the_scopes_and_events_the_bot_uses(manifest):
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(
        ["app_mentions:read", "chat:write", "im:history", "im:read", "im:write", "commands",
         "files:read", "users:read", "usergroups:read", "channels:read", "groups:read", "mpim:read"]
    )  # fmt: skip
    assert sorted(manifest["settings"]["event_subscriptions"]["bot_events"]) == [
        "app_mention",
        "file_shared",
        "message.im",
    ]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_every_request_url_is_the_path_the_server_listens_on(manifest):
    [command] = manifest["features"]["slash_commands"]
    urls = [
        command["url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
    ]
    assert command["command"] == COMMAND
    assert {urlparse(url).path for url in urls} == {EVENTS_PATH}


def test_the_guide_covers_both_ways_of_connecting_and_every_slack_setting():
    guide = GUIDE.read_text()
    for needed in ["serve --socket", "serve --http", "connections:write", "slack/manifest.yml",
                   "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SENDBOT_ADMINS",
                   "SENDBOT_ADMIN_USERGROUP", "SENDBOT_ALLOWED_CHANNELS", "SENDBOT_DOCUMENT_BASE_URL",
                   "SENDBOT_MAX_UPLOAD_MB", "bot.py feedback", "SENDBOT_ACCESS_FILE", "SENDBOT_UPLOAD_FOLDER"]:  # fmt: skip
        assert needed in guide, needed
