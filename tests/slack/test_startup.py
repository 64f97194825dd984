"""Starting the bot: settings checked with a clear message, secrets kept out of the logs,
the index loaded before the server listens, feedback readable for `bot.py feedback`."""

from __future__ import annotations

import logging

import pytest
from fake_slack_api import block_texts
from slack_payloads import mention

from errors import SettingsMissing
from settings import Settings, SlackSettings
from slackbot import redact
from slackbot.conversation import NO_INDEX_YET
from slackbot.feedback import list_feedback
from slackbot.library import WARM_UP_QUERY, Library
from slackbot.server import HTTP, SOCKET, build_http_server, require_slack_settings
from slackbot.services import build_services


@pytest.mark.parametrize(
    ("unset", "mode", "message"),
    [
        (["SLACK_BOT_TOKEN"], HTTP, "SLACK_BOT_TOKEN is not set"),
        (["SLACK_SIGNING_SECRET"], HTTP, "SLACK_SIGNING_SECRET is not set"),
        (["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"], HTTP, "SLACK_BOT_TOKEN is not set; SLACK_SIGNING_SECRET is not set"),
        (["SLACK_APP_TOKEN"], SOCKET, "SLACK_APP_TOKEN is not set"),
    ],
)  # fmt: skip
def test_missing_settings_are_named(monkeypatch, unset, mode, message):
    for name in unset:
        monkeypatch.delenv(name)

    with pytest.raises(SettingsMissing, match=message) as raised:
        require_slack_settings(SlackSettings(), mode)

    assert "docs/connect-to-slack.md" in str(raised.value)


@pytest.mark.parametrize(
    ("name", "value", "mode", "message"),
    [
        ("SLACK_BOT_TOKEN", "xapp-1-wrong-kind", HTTP, "SLACK_BOT_TOKEN should start with xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind", SOCKET, "SLACK_APP_TOKEN should start with xapp-"),
    ],
)
def test_a_token_of_the_wrong_kind_is_named(monkeypatch, name, value, mode, message):
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsMissing, match=message):
        require_slack_settings(SlackSettings(), mode)


def test_a_token_slack_refuses_stops_the_start_with_a_clear_message(fake_slack, monkeypatch):
    monkeypatch.setattr(fake_slack, "answer", lambda method, body: {"ok": False, "error": "invalid_auth"})

    with pytest.raises(SettingsMissing, match="Slack did not accept SLACK_BOT_TOKEN"):
        build_http_server(Settings(), 0, "127.0.0.1")


def test_tokens_and_secrets_never_reach_the_log(caplog):
    secrets = ["xoxb-1111-2222-abc", "xapp-1-A1-333-def", "signing-secret-value"]
    logger = logging.getLogger("sendbot.test")

    with caplog.at_level(logging.INFO):
        redact.install(["signing-secret-value"])
        logger.info("token %s then %s", secrets[0], secrets[1])
        logger.warning("secret is signing-secret-value; another bot token xoxb-9-9-zzz")
        try:
            raise RuntimeError(f"failed with {secrets[0]}")
        except RuntimeError:
            logger.exception("call failed")

    assert caplog.text.count(redact.REDACTED) >= 5
    assert not any(secret in caplog.text for secret in [*secrets, "xoxb-9-9-zzz"])


def test_the_index_and_model_are_loaded_before_the_server_listens(fake_slack, corpus_env, embedder):
    class CountingLibrary(Library):
        def __init__(self, *args) -> None:
            super().__init__(*args)
            self.searches = []

        def search(self, query, audience, k=10):
            self.searches.append(query)
            return super().search(query, audience, k)

    settings = Settings()
    library = CountingLibrary(corpus_env)

    server = build_http_server(settings, 0, "127.0.0.1", build_services(settings, library))

    assert library.searches == [WARM_UP_QUERY]
    server.close()


def test_without_an_index_the_bot_still_starts_and_says_so(start_bot, fake_slack, monkeypatch, tmp_path):
    monkeypatch.setenv("SENDBOT_INDEX_DIR", str(tmp_path / "nothing-here"))
    bot = start_bot()
    event = mention("what did we commit to?")

    bot.event(event)

    reply = fake_slack.final_reply("C1", event["ts"])
    assert reply["text"].startswith("Sorry")
    assert NO_INDEX_YET in block_texts(reply)[0]


def test_feedback_list_is_empty_before_any_verdict(tmp_path):
    assert list_feedback(tmp_path / "data") == []
    assert not (tmp_path / "data").exists()  # reading never creates the database
