"""Slack's request bodies as the bot receives them, and Slack's way of signing them."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from urllib.parse import urlencode

from fake_slack_api import BOT_USER_ID, TEAM_ID

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-1111-2222-testbottoken"
APP_TOKEN = "xapp-1-A0001-3333-testapptoken"
ADMIN = "UADMIN"  # the one member of SENDBOT_ADMINS
_counter = itertools.count(1)


def next_ts() -> str:
    return f"1800000000.{next(_counter):06d}"


def signature_headers(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict:
    """X-Slack-Signature is v0= HMAC-SHA256 of "v0:<timestamp>:<body>" with the signing secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def event_callback(event: dict, event_id: str | None = None) -> dict:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_counter):08d}",
        "event_time": int(time.time()),
        "event": event,
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


def mention(text: str, user: str = "U1", channel: str = "C1", thread_ts: str | None = None) -> dict:
    ts = next_ts()
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(text: str, user: str = "U1", channel: str = "D1", thread_ts: str | None = None) -> dict:
    ts = next_ts()
    event = {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def file_shared(file_id: str, user: str, channel: str = "D1") -> dict:
    return {
        "type": "file_shared",
        "file_id": file_id,
        "user_id": user,
        "file": {"id": file_id},
        "channel_id": channel,
        "event_ts": next_ts(),
    }


def slash_command(text: str, response_url: str, user: str = "U1", channel: str = "C1") -> dict:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "channel_id": channel,
        "user_id": user,
        "command": "/sendbot",
        "text": text,
        "response_url": response_url,
        "trigger_id": f"trigger-{next(_counter)}",
        "api_app_id": "A0001",
    }


def block_action(
    action_id: str, value: str, response_url: str, user: str = "U1", channel: str = "C1"
) -> dict:
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID},
        "user": {"id": user},
        "api_app_id": "A0001",
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": channel},
        "message": {"ts": "1700000000.000001", "text": "an answer"},
        "response_url": response_url,
        "trigger_id": f"trigger-{next(_counter)}",
        "actions": [
            {"type": "button", "action_id": action_id, "block_id": "b", "value": value,
             "action_ts": str(time.time())},
        ],
    }  # fmt: skip


def form(fields: dict) -> str:
    return urlencode(fields)


def interactive_form(payload: dict) -> str:
    return urlencode({"payload": json.dumps(payload)})


def app_home_opened(user: str, tab: str, channel: str = "D0HOME") -> dict:
    return {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab, "event_ts": next_ts()}


def channel_message(text: str, user: str = "U1", channel: str = "C1", thread_ts: str | None = None) -> dict:
    """A person's message in a public channel (message.channels), in a thread when thread_ts is given."""
    ts = next_ts()
    event = {"type": "message", "channel_type": "channel", "user": user, "text": text, "ts": ts,
             "channel": channel, "event_ts": ts}  # fmt: skip
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event
