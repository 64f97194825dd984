"""slack/manifest.yml asks Slack for what the code serves, no more and no less."""

from __future__ import annotations

import re
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


# What Slack requires for each thing the code does (docs.slack.dev/reference/methods and /events).
METHOD_SCOPES = {
    "chat_postMessage": {"chat:write", "im:write"},  # im:write: posting to a person opens the DM
    "chat_update": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "conversations_info": {"channels:read", "groups:read", "mpim:read", "im:read"},
    "usergroups_users_list": {"usergroups:read"},
    "files_info": {"files:read"},
    "views_publish": set(),
    "views_open": set(),
    "conversations_open": {"im:write"},
    "files_upload_v2": {"files:write"},
    "set_status": {"assistant:write"},  # bolt's SetStatus: assistant.threads.setStatus
    "set_suggested_prompts": {"assistant:write"},  # bolt's SetSuggestedPrompts
}
EVENT_SCOPES = {
    "app_mention": {"app_mentions:read"},
    "app_home_opened": set(),
    "file_shared": {"files:read"},
    "message.im": {"im:history"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
}
SOURCES = Path(__file__).resolve().parents[2] / "slackbot"


class RecordingApp:
    """Stands in for bolt's App to see which events, actions and commands the listeners register."""

    def __init__(self) -> None:
        self.events: list = []
        self.commands: list = []

    def event(self, matcher):
        self.events.append(matcher)
        return lambda listener: listener

    def action(self, matcher):
        return lambda listener: listener

    def view(self, callback_id):
        return lambda listener: listener

    def command(self, name):
        self.commands.append(name)
        return lambda listener: listener


def events_the_code_listens_to() -> set[str]:
    from slackbot.listeners import register_listeners
    from slackbot.listeners.messages import CHANNEL_TYPES

    app = RecordingApp()
    register_listeners(app)
    names = {m if isinstance(m, str) else m["type"] for m in app.events}
    if "message" in names:  # DMs, and follow-ups in channels of CHANNEL_TYPES
        names.remove("message")
        names |= {"message.im"} | {f"message.{'channels' if t == 'channel' else 'groups'}" for t in CHANNEL_TYPES}
    return names


def scopes_the_code_needs() -> set[str]:
    code = "\n".join(path.read_text() for path in SOURCES.rglob("*.py"))
    called = set(re.findall(r"client\.(\w+)\(", code)) | set(re.findall(r"\b(set_status|set_suggested_prompts)\(", code))
    unknown = called - set(METHOD_SCOPES)
    assert not unknown, f"add the scopes of {unknown} to METHOD_SCOPES"
    needed = set().union(*(METHOD_SCOPES[method] for method in called))
    needed |= set().union(*(EVENT_SCOPES[event] for event in events_the_code_listens_to()))
    return needed | {"commands"}  # the slash command


def test_the_manifest_asks_for_exactly_the_scopes_and_events_the_code_uses(manifest):
    assert sorted(manifest["settings"]["event_subscriptions"]["bot_events"]) == sorted(events_the_code_listens_to())
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(scopes_the_code_needs())
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    app_home = manifest["features"]["app_home"]
    assert app_home["home_tab_enabled"] and app_home["messages_tab_enabled"]  # the Home tab, and DMs
    assert manifest["features"]["agent_view"]["agent_description"]  # the Messages tab's agent experience


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
                   "SENDBOT_MAX_UPLOAD_MB", "bot.py feedback", "SENDBOT_ACCESS_FILE", "SENDBOT_UPLOAD_FOLDER",
                   "SENDBOT_CHANNEL_ANSWERS", "SENDBOT_PRIVATE_CHANNELS", "Home tab", "Messages tab",
                   "SENDBOT_RETENTION_DAYS", "bot.py forget --user"]:  # fmt: skip
        assert needed in guide, needed
