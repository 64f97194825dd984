"""Socket Mode against a real local WebSocket endpoint: envelopes in, acknowledgements out."""

from __future__ import annotations

import time

from fake_slack_api import RESPONSE_URL, turn_id
from slack_payloads import block_action, event_callback, mention, slash_command

from slackbot import blocks
from slackbot.conversation import HELP_TITLE

QUESTION = "How did the Schools Forum vote on de-delegation?"
ACK_SECONDS = 3.0


def test_every_envelope_is_acknowledged_at_once_and_answered(start_socket_bot, socket_mode, fake_slack):
    start_socket_bot()
    socket_mode.wait_for_connections(1)
    event = mention(QUESTION)

    envelope = socket_mode.send("events_api", event_callback(event))

    assert socket_mode.wait_for_ack(envelope, timeout=ACK_SECONDS) == {"envelope_id": envelope}
    reply = fake_slack.final_reply("C1", event["ts"])

    command = socket_mode.send("slash_commands", slash_command("help", fake_slack.response_url("command")))
    socket_mode.wait_for_ack(command, timeout=ACK_SECONDS)
    [help_reply] = fake_slack.wait_for(RESPONSE_URL)
    assert help_reply.body["text"] == HELP_TITLE

    click = socket_mode.send(
        "interactive", block_action(blocks.ACTION_HELPFUL, turn_id(reply), fake_slack.response_url("action"))
    )
    socket_mode.wait_for_ack(click, timeout=ACK_SECONDS)
    fake_slack.wait_for(RESPONSE_URL, count=2)


def test_after_the_server_closes_the_socket_the_bot_reconnects_and_answers(
    start_socket_bot, socket_mode, fake_slack
):
    start_socket_bot()
    socket_mode.wait_for_connections(1)

    socket_mode.close_newest()

    socket_mode.wait_for_connections(2)
    assert len(fake_slack.calls_to("apps.connections.open")) >= 2  # a fresh URL for the new session
    event = mention(QUESTION)
    envelope = socket_mode.send("events_api", event_callback(event))
    socket_mode.wait_for_ack(envelope, timeout=ACK_SECONDS)
    assert fake_slack.final_reply("C1", event["ts"])


def test_when_slack_asks_for_a_new_connection_the_bot_opens_one_and_answers_there(
    start_socket_bot, socket_mode, fake_slack
):
    start_socket_bot()
    socket_mode.wait_for_connections(1)

    socket_mode.ask_to_reconnect()

    socket_mode.wait_for_connections(2, timeout=5)
    socket_mode.wait_for_closed(1, timeout=5)  # the bot moved over and let the old one go
    event = mention(QUESTION)
    envelope = socket_mode.send("events_api", event_callback(event))
    socket_mode.wait_for_ack(envelope, timeout=ACK_SECONDS)
    assert fake_slack.final_reply("C1", event["ts"])


def test_a_redelivered_envelope_is_acknowledged_but_answered_once(start_socket_bot, socket_mode, fake_slack):
    start_socket_bot()
    socket_mode.wait_for_connections(1)
    event = mention(QUESTION)
    body = event_callback(event, event_id="EvSOCKET")

    first = socket_mode.send("events_api", body)
    again = socket_mode.send("events_api", body, retry_attempt=1)

    socket_mode.wait_for_ack(first, timeout=ACK_SECONDS)
    socket_mode.wait_for_ack(again, timeout=ACK_SECONDS)
    fake_slack.final_reply("C1", event["ts"])
    time.sleep(0.5)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
