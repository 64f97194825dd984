"""Stopping the bot (SIGTERM from systemd, Kubernetes or a deploy) loses no answer.

On SIGTERM the bot stops taking requests at once, finishes the answers already under way
(for up to GRACE_SECONDS), logs how many, and exits with status 0; with nothing under way
it exits at once. Over HTTP `python bot.py serve --http` runs as its own process, as in
bench/faults/soak.py; Socket Mode runs in this process, signalled by it.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen

import pytest
import requests
from fake_slack_api import block_texts, is_placeholder
from slack_payloads import event_callback, mention, signature_headers

from bench.faults import soak
from settings import Settings
from slackbot.server import EVENTS_PATH, GRACE_SECONDS, serve_socket

QUESTION = "How did the Schools Forum vote on de-delegation?"
SLACK_DELAY = 3.0  # the fake Web API holds the delayed call this long ...
SIGTERM_AFTER = 1.0  # ... and SIGTERM comes this long after the mention was acknowledged
REFUSED_AFTER = 0.5  # by then the bot no longer accepts connections
PROMPT_EXIT_SECONDS = 5.0


@dataclass
class BotProcess:
    process: Popen
    url: str
    log: Path

    def mention(self, event: dict) -> requests.Response:
        body = json.dumps(event_callback(event))
        headers = {"Content-Type": "application/json", **signature_headers(body)}
        return requests.post(self.url, data=body.encode(), headers=headers, timeout=10)


@pytest.fixture
def bot(fake_slack, corpus_index, tmp_path):
    """`bot.py serve --http` on the corpus index, against the fake Web API."""
    data = tmp_path / "data"
    data.mkdir()
    port = soak.free_port()
    log = tmp_path / "bot.log"
    process = soak.start_bot(corpus_index, data, fake_slack.api_url, port, log)
    yield BotProcess(process, f"http://127.0.0.1:{port}{EVENTS_PATH}", log)
    soak.stop_bot(process)  # if a test left it running


def answers_sent(fake) -> list:
    return [call for call in fake.calls_to("chat.postMessage") if call.response.get("ok") and not is_placeholder(call.body)]


@pytest.mark.parametrize(
    "held",
    ["assistant.threads.setStatus",  # the status being set: the job is not yet with the workers
     "chat.postMessage"],  # the answer being written: the job is on a worker
)  # fmt: skip
def test_an_answer_in_flight_at_sigterm_is_delivered_then_the_bot_exits_0(bot, fake_slack, held):
    fake_slack.delays[held] = SLACK_DELAY
    event = mention(QUESTION)
    assert bot.mention(event).status_code == 200
    time.sleep(SIGTERM_AFTER)
    assert answers_sent(fake_slack) == []  # still in flight

    bot.process.send_signal(signal.SIGTERM)
    time.sleep(REFUSED_AFTER)

    with pytest.raises(requests.ConnectionError):
        bot.mention(mention("Is anyone still there?"))
    assert bot.process.wait(timeout=GRACE_SECONDS) == 0
    reply = fake_slack.final_reply("C1", event["ts"], timeout=0)  # delivered before the exit
    assert "*Sources*" in block_texts(reply)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # the late mention got nothing
    log = bot.log.read_text()
    assert "answers in flight: 1 finished, 0 unfinished" in log
    assert "Traceback" not in log


def test_with_nothing_in_flight_sigterm_exits_0_promptly(bot):
    started = time.monotonic()

    bot.process.send_signal(signal.SIGTERM)

    assert bot.process.wait(timeout=PROMPT_EXIT_SECONDS) == 0
    assert time.monotonic() - started < PROMPT_EXIT_SECONDS
    assert "answers in flight: 0 finished, 0 unfinished" in bot.log.read_text()


def test_over_socket_mode_an_answer_in_flight_at_sigterm_is_delivered_before_serving_returns(
    fake_slack, socket_mode, corpus_env, embedder
):
    fake_slack.delays["chat.postMessage"] = SLACK_DELAY
    event = mention(QUESTION)
    before = signal.getsignal(signal.SIGTERM)

    def slack_then_sigterm() -> None:
        try:
            socket_mode.wait_for_connections(1)
            socket_mode.wait_for_ack(socket_mode.send("events_api", event_callback(event)))
            time.sleep(SIGTERM_AFTER)
        finally:
            if signal.getsignal(signal.SIGTERM) is not before:  # serve_socket's handler, not pytest's end
                os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=slack_then_sigterm, daemon=True).start()
    started = time.monotonic()

    serve_socket(Settings())  # returns, rather than the process dying

    assert time.monotonic() - started < GRACE_SECONDS
    socket_mode.wait_for_closed(1)
    reply = fake_slack.final_reply("C1", event["ts"], timeout=0)
    assert "*Sources*" in block_texts(reply)
    assert signal.getsignal(signal.SIGTERM) is before  # the previous handler is back
