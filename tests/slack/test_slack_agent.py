"""The Slack experience of an AI app: Messages-tab prompts, Slack's status while answering, the
Home tab, private answers shared on request, follow-ups without a mention, and no answers in
channels shared with other organisations. The real bolt app over signed HTTP, the real index,
the fake Web API recording every call."""

from __future__ import annotations

import json
import time

from fake_slack_api import RESPONSE_URL, block_texts, buttons, turn_id
from slack_payloads import ADMIN, app_home_opened, channel_message, mention

from slackbot import blocks
from slackbot.home import ACTION_REINGEST

QUESTION = "What did we commit to on EHCP quality in year two?"
QUIET_SECONDS = 1.0


def test_opening_the_messages_tab_sets_prompts_drawn_from_the_index_within_three_seconds(start_bot, fake_slack):
    bot = start_bot()
    started = time.monotonic()

    bot.event(app_home_opened("U1", "messages", channel="D0MSG"))

    [call] = fake_slack.wait_for("assistant.threads.setSuggestedPrompts", timeout=3)
    assert time.monotonic() - started < 3
    assert call.body["channel_id"] == "D0MSG" and "thread_ts" not in call.body  # agent_view: no thread
    prompts = call.body["prompts"]
    assert 3 <= len(prompts) <= 4 and all(p["title"] and p["message"] for p in prompts)
    assert any(p["message"].startswith(("commitments Education priority", "commitments SEND priority")) for p in prompts)
    assert any(p["message"].startswith("decisions ") for p in prompts)


def test_the_home_tab_shows_what_is_indexed_and_admins_get_their_tools(start_bot, fake_slack, corpus_index):
    import sqlite3

    with sqlite3.connect(corpus_index / "current" / "index.sqlite") as db:
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    bot = start_bot()

    bot.event(app_home_opened("U1", "home"))
    bot.event(app_home_opened(ADMIN, "home"))

    published = {c.body["user_id"]: c.body["view"] for c in fake_slack.wait_for("views.publish", count=2)}
    for view in published.values():
        view = json.loads(view) if isinstance(view, str) else view
        assert view["type"] == "home"
        assert f"{documents} documents" in json.dumps(view)
    staff, admin = (json.dumps(published[u]) for u in ("U1", ADMIN))
    assert ACTION_REINGEST not in staff and "Feedback:" not in staff
    assert ACTION_REINGEST in admin and "Feedback:" in admin


def test_a_private_answers_channel_answers_the_asker_alone_then_shares_on_request(start_bot, fake_slack, monkeypatch):
    monkeypatch.setenv("SENDBOT_PRIVATE_CHANNELS", "C0PRIVATE")
    bot = start_bot()
    event = mention(QUESTION, user="U5", channel="C0PRIVATE")

    bot.event(event)

    [private] = fake_slack.wait_for("chat.postEphemeral", timeout=30)
    assert (private.body["user"], private.body["thread_ts"]) == ("U5", event["ts"])
    assert "*Sources*" in block_texts(private.body)
    assert not [c for c in fake_slack.calls_to("chat.postMessage") if c.body.get("channel") == "C0PRIVATE"]
    [share] = [b for b in buttons(private.body) if b["action_id"] == blocks.ACTION_SHARE]

    bot.click(blocks.ACTION_SHARE, share["value"], user="U5", channel="C0PRIVATE")

    [shared] = fake_slack.wait_for("chat.postMessage", where=lambda c: c.body.get("channel") == "C0PRIVATE")
    assert shared.body["thread_ts"] == event["ts"] and shared.body["text"] == private.body["text"]
    assert fake_slack.wait_for(RESPONSE_URL)[0].body["text"] == "Shared in the thread."


def test_a_channel_shared_with_another_organisation_is_not_answered_and_the_asker_is_told_why(start_bot, fake_slack):
    fake_slack.shared_channels.add("C0CONNECT")
    bot = start_bot()

    bot.event(mention(QUESTION, user="U5", channel="C0CONNECT"))
    bot.command(f"ask {QUESTION}", user="U5", channel="C0CONNECT")

    [told] = fake_slack.wait_for("chat.postEphemeral")
    assert told.body["text"] == blocks.SHARED_CHANNEL and told.body["user"] == "U5"
    assert fake_slack.wait_for(RESPONSE_URL)[0].body["text"] == blocks.SHARED_CHANNEL
    time.sleep(QUIET_SECONDS)
    assert not fake_slack.calls_to("chat.postMessage") and not fake_slack.calls_to("assistant.threads.setStatus")


def test_a_reply_in_an_answered_thread_is_a_follow_up_without_a_mention(start_bot, fake_slack):
    bot = start_bot()
    first = mention(QUESTION, channel="C1")
    bot.event(first)
    answer = fake_slack.final_reply("C1", first["ts"])

    bot.event(channel_message("and in year three?", channel="C1", thread_ts=first["ts"]))
    bot.event(channel_message("<@U0COLLEAGUE> can you check this?", channel="C1", thread_ts=first["ts"]))
    bot.event(channel_message("what about transport?", channel="C1"))  # not in a thread: chatter
    bot.event(channel_message("what about transport?", channel="C1", thread_ts="1600000000.000001"))  # not ours

    replies = fake_slack.wait_for("chat.postMessage", count=2, where=lambda c: c.body.get("thread_ts") == first["ts"])
    time.sleep(QUIET_SECONDS)
    assert len(fake_slack.calls_to("chat.postMessage")) == 2  # the answer and the one follow-up
    follow_up = replies[1].body
    assert "Year Three" in follow_up["text"] or "2023-2024" in follow_up["text"], follow_up["text"]
    assert turn_id(follow_up) != turn_id(answer)
