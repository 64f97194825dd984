"""The bot over HTTP, end to end: signed requests in, Web API calls out, real index and model."""

from __future__ import annotations

import json
import logging
import re
import threading
import time

import pytest
from fake_slack_api import RESPONSE_URL, block_texts, buttons, is_placeholder, turn_id
from slack_payloads import direct_message, event_callback, mention, signature_headers

from index.search import AudienceView
from slackbot import blocks, delivery
from slackbot.conversation import HELP_TITLE
from slackbot.feedback import list_feedback
from slackbot.library import Library
from slackbot.server import MAX_BODY_BYTES
from slackbot.threads import ThreadMemory

QUESTION = "What did we commit to on EHCP quality in year two?"
VOTE_QUESTION = "How did the Schools Forum vote on de-delegation?"
QUIET_SECONDS = 0.5  # how long to watch for a message that must not come


def posts_in_thread(fake, channel: str, thread_ts: str | None) -> list:
    return [
        call
        for call in fake.calls_to("chat.postMessage")
        if call.body.get("channel") == channel and call.body.get("thread_ts") == thread_ts
    ]


class RecordingLibrary(Library):
    """The real library, noting the history each question was asked with."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[tuple[str, list]] = []

    def answer(self, question, history, audience):
        self.asked.append((question, list(history)))
        return super().answer(question, history, audience)


class SlowSearcher:
    """The real searcher, made slow on purpose: every search takes `delay` seconds longer."""

    def __init__(self, searcher, delay: float) -> None:
        self._searcher = searcher
        self.delay = delay

    def search(self, *args, **kwargs):
        time.sleep(self.delay)
        return self._searcher.search(*args, **kwargs)

    def seen_by(self, audience):
        return AudienceView(self, audience)

    def __getattr__(self, name):
        return getattr(self._searcher, name)


def test_a_mention_shows_slacks_status_then_gets_one_message_in_its_thread(start_bot, fake_slack):
    bot = start_bot()
    event = mention(QUESTION)

    assert bot.event(event).status_code == 200

    reply = fake_slack.final_reply("C1", event["ts"])
    [status] = fake_slack.calls_to("assistant.threads.setStatus")
    assert (status.body["channel_id"], status.body["thread_ts"]) == ("C1", event["ts"])
    assert status.body["status"] == delivery.STATUS and status.body["loading_messages"]
    assert status.headers is not None and status in fake_slack.calls[: fake_slack.calls.index(
        fake_slack.calls_to("chat.postMessage")[0])]  # set before the answer  # fmt: skip
    [posted] = posts_in_thread(fake_slack, "C1", event["ts"])
    assert posted.body == reply and not fake_slack.calls_to("chat.update")  # one message, no placeholder
    texts = block_texts(reply)
    assert "*Sources*" in texts
    assert any(text.startswith("*[1]*") and "p." in text for text in texts)
    assert [button["action_id"] for button in buttons(reply)] == [blocks.ACTION_MORE_SOURCES]
    [feedback] = [b for b in reply["blocks"] if b["type"] == "context_actions"]  # Slack's own feedback buttons
    [thumbs] = feedback["elements"]
    assert thumbs["type"] == "feedback_buttons" and thumbs["action_id"] == blocks.ACTION_FEEDBACK
    assert thumbs["negative_button"]["value"] == f"not_helpful:{turn_id(reply)}"
    assert len(reply["blocks"]) <= 50
    time.sleep(QUIET_SECONDS)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # no separate sources message


def test_sources_link_to_the_document_page_when_a_base_url_is_set(start_bot, fake_slack, monkeypatch):
    monkeypatch.setenv("SENDBOT_DOCUMENT_BASE_URL", "https://docs.example.org/send/")
    bot = start_bot()
    event = mention(VOTE_QUESTION)
    bot.event(event)

    texts = block_texts(fake_slack.final_reply("C1", event["ts"]))

    assert any("<https://docs.example.org/send/" in text and "#page=" in text for text in texts)
    assert any("(13 Feb 2024), p." in text for text in texts)  # each source says how current it is


def test_direct_message_is_answered_in_its_thread(start_bot, fake_slack):
    bot = start_bot()
    event = direct_message(VOTE_QUESTION, channel="D42")

    bot.event(event)

    reply = fake_slack.final_reply("D42", event["ts"])
    assert "*Sources*" in block_texts(reply)


def test_an_action_plan_question_is_answered_from_the_plans_actions(start_bot, fake_slack):
    """The Accelerated Progress Plan prints a status key but no statuses: the bot says so, cited."""
    bot = start_bot()
    event = direct_message("which APP actions are still red?", channel="D42")

    bot.event(event)

    texts = " ".join(block_texts(fake_slack.final_reply("D42", event["ts"])))
    assert "states no status for any of its 12 actions" in texts
    assert "p.101 · Accelerated Progress Plan" in texts


def test_follow_up_in_a_thread_is_asked_with_the_earlier_turns(start_bot, fake_slack, corpus_index):
    library = RecordingLibrary(corpus_index)
    bot = start_bot(library)
    first = mention(QUESTION)
    bot.event(first)
    fake_slack.final_reply("C1", first["ts"])

    follow_up = mention("and in year three?", thread_ts=first["ts"])
    bot.event(follow_up)
    fake_slack.wait_for("chat.postMessage", count=2, where=lambda c: c.body.get("thread_ts") == first["ts"])

    (question_one, history_one), (question_two, history_two) = library.asked
    assert history_one == []
    assert question_two == "and in year three?"
    assert [turn.question for turn in history_two] == [QUESTION]
    assert history_two[0].answer  # the earlier answer text goes along too
    other_thread = mention("and in year three?")
    bot.event(other_thread)
    fake_slack.final_reply("C1", other_thread["ts"])
    assert library.asked[-1][1] == []  # a new thread starts with no history


def test_slash_ask_posts_in_the_channel_then_updates_with_the_question_shown(start_bot, fake_slack):
    bot = start_bot()

    response = bot.command(f"ask {VOTE_QUESTION}", user="U7", channel="C5")

    assert response.status_code == 200 and response.text == ""
    reply = fake_slack.final_reply("C5", None)
    assert f"<@U7> asked: {VOTE_QUESTION}" in block_texts(reply)
    assert "*Sources*" in block_texts(reply)


def test_slash_ask_where_the_bot_is_not_a_member_is_answered_privately(start_bot, fake_slack):
    fake_slack.not_in_channels.add("C9")
    bot = start_bot()

    bot.command(f"ask {VOTE_QUESTION}", channel="C9")

    [private] = fake_slack.wait_for(RESPONSE_URL)
    assert private.body["response_type"] == "ephemeral"
    assert "*Sources*" in block_texts(private.body)


@pytest.mark.parametrize(
    ("text", "expected_title"),
    [("help", HELP_TITLE), ("", HELP_TITLE), ("status", "Index status")],
)
def test_help_and_status_are_answered_privately(start_bot, fake_slack, text, expected_title):
    bot = start_bot()

    bot.command(text)

    [private] = fake_slack.wait_for(RESPONSE_URL)
    assert private.body["response_type"] == "ephemeral"
    assert private.body["text"] == expected_title
    assert not fake_slack.calls_to("chat.postMessage")


def test_a_priority_s_three_years_of_commitments_read_on_one_page_one_cited_line_each(start_bot, fake_slack):
    bot = start_bot()

    bot.command("commitments SEND priority 2")

    [listing] = fake_slack.wait_for(RESPONSE_URL)
    texts = block_texts(listing.body)
    assert texts[0].startswith("*29 commitments match*") and "(showing 1–29)" in texts[0]  # 2 without "We will"
    lines = [line for text in texts[1:] for line in text.splitlines() if line.startswith("• ")]
    assert len(lines) == 29 and all(", p." in line for line in lines)
    groups = [text for text in texts[1:] if "\n• " in text]
    assert [text.splitlines()[0] for text in groups] == [
        f"*SEND priority 2: Effective by managing increasing levels of demand and need in SEND, {year}*"
        for year in ("Year One (2021-2022)", "Year Two (2022-2023)", "Year Three (2023-2024)")
    ]
    assert sum("EHCP" in line for line in lines) >= 3
    assert [b["action_id"] for b in buttons(listing.body)] == [blocks.ACTION_RECORDS_CSV]  # no More: all shown
    assert len(listing.body["blocks"]) <= 50


def test_a_long_listing_pages_by_whole_groups_and_more_gives_the_next(start_bot, fake_slack):
    bot = start_bot()

    bot.command("commitments SEND")

    [first] = fake_slack.wait_for(RESPONSE_URL)
    texts = block_texts(first.body)
    assert "commitments match*" in texts[0] and "(showing 1–" in texts[0]
    [more] = [b for b in buttons(first.body) if b["action_id"] == blocks.ACTION_MORE_RECORDS]
    assert more["action_id"] == blocks.ACTION_MORE_RECORDS

    bot.click(blocks.ACTION_MORE_RECORDS, more["value"])

    second = fake_slack.wait_for(RESPONSE_URL, count=2)[1]
    assert second.body["replace_original"] is True
    shown = int(texts[0].split("(showing 1–")[1].split(")")[0])
    assert 9 <= shown <= 30
    assert f"(showing {shown + 1}–" in block_texts(second.body)[0]


def test_decisions_are_listed_with_their_sources(start_bot, fake_slack):
    bot = start_bot()

    bot.command("decisions de-delegation")

    [listing] = fake_slack.wait_for(RESPONSE_URL)
    sections = [block["text"]["text"] for block in listing.body["blocks"] if block["type"] == "section"]
    assert re.match(r"\*\d+ decisions? match(es)?\* “de-delegation”", sections[0])
    assert len(sections) > 1
    assert all(", p." in record for record in sections[1:])  # each record cites its page


def test_feedback_click_is_stored_with_question_answer_and_sources(start_bot, fake_slack, tmp_path):
    bot = start_bot()
    event = mention(QUESTION)
    bot.event(event)
    reply = fake_slack.final_reply("C1", event["ts"])
    response = bot.click(blocks.ACTION_FEEDBACK, f"not_helpful:{turn_id(reply)}", user="U3")

    assert response.status_code == 200
    [thanks] = fake_slack.wait_for(RESPONSE_URL)
    assert thanks.body["response_type"] == "ephemeral" and thanks.body["replace_original"] is False
    [stored] = list_feedback(bot.services.conversation.data_dir)
    assert stored["question"] == QUESTION
    assert stored["answer"] == reply["text"]
    assert stored["sources"] and {"doc", "page", "quote"} <= set(stored["sources"][0])
    assert (stored["user"], stored["verdict"]) == ("U3", "not_helpful")
    assert stored["time"]


def test_more_sources_click_shows_passages_the_answer_did_not_cite(start_bot, fake_slack):
    bot = start_bot()
    event = mention(VOTE_QUESTION)
    bot.event(event)
    reply = fake_slack.final_reply("C1", event["ts"])
    turn = ThreadMemory(bot.services.conversation.data_dir).get(int(turn_id(reply)))

    bot.click(blocks.ACTION_MORE_SOURCES, str(turn.id))

    [more] = fake_slack.wait_for(RESPONSE_URL)
    assert more.body["response_type"] == "ephemeral"
    texts = block_texts(more.body)
    assert texts[0] == f"More sources for “{VOTE_QUESTION}”"
    assert len(texts) > 1
    cited = {f"{source['title']}, p.{source['page']}" for source in turn.sources}
    assert not any(text.startswith(tuple(cited)) for text in texts[1:])


@pytest.mark.parametrize(
    "sign",
    [
        lambda body: {"X-Slack-Signature": "v0=" + "0" * 64},
        lambda body: signature_headers("a different body"),
        lambda body: signature_headers(body, secret="not-the-secret"),
        lambda body: signature_headers(body, timestamp=int(time.time()) - 3600),
    ],
    ids=["forged", "signed-other-body", "signed-other-secret", "stale-timestamp"],
)
def test_requests_not_signed_by_slack_are_refused(start_bot, fake_slack, sign):
    bot = start_bot()
    body = json.dumps(event_callback(mention(QUESTION)))

    response = bot.post(body, "application/json", sign(body))

    assert response.status_code == 401
    time.sleep(QUIET_SECONDS)
    assert not fake_slack.calls_to("chat.postMessage")


def test_an_oversized_request_is_refused_unread_and_the_bot_answers_on(start_bot, fake_slack):
    bot = start_bot()
    event = event_callback(mention(QUESTION))
    event["padding"] = "x" * (MAX_BODY_BYTES + 1)
    body = json.dumps(event)

    response = bot.post(body, "application/json", signature_headers(body))

    assert response.status_code == 413
    answered = mention(QUESTION)
    bot.event(answered)
    assert fake_slack.final_reply("C1", answered["ts"])
    assert not any(call.body.get("thread_ts") == event["event"]["ts"] for call in fake_slack.calls_to("chat.postMessage"))


def test_a_retried_event_is_acknowledged_but_answered_once(start_bot, fake_slack):
    bot = start_bot()
    event = mention(QUESTION)

    first = bot.event(event, event_id="EvSAME")
    retries = [
        bot.event(
            event,
            event_id="EvSAME",
            headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"},
        )
        for n in (1, 2, 3)
    ]

    assert [r.status_code for r in [first, *retries]] == [200, 200, 200, 200]
    fake_slack.final_reply("C1", event["ts"])
    time.sleep(QUIET_SECONDS)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_an_event_answered_before_a_restart_is_not_answered_again_after_it(start_bot, fake_slack):
    event = mention(QUESTION)
    start_bot().event(event, event_id="EvBEFORE")
    fake_slack.final_reply("C1", event["ts"])

    restarted = start_bot()  # same data folder, so it knows which events were taken on
    response = restarted.event(event, event_id="EvBEFORE", headers={"X-Slack-Retry-Num": "1"})

    assert response.status_code == 200
    time.sleep(QUIET_SECONDS)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_slack_is_acknowledged_within_three_seconds_while_the_search_is_slow(
    start_bot, fake_slack, corpus_index
):
    from index.search import Searcher

    slow = SlowSearcher(Searcher.open(corpus_index), delay=0.0)
    bot = start_bot(Library(corpus_index, open_searcher=lambda path: slow))
    slow.delay = 3.5  # slower than Slack's three seconds, from now on (the start-up warm-up was quick)
    event = mention(QUESTION)

    started = time.monotonic()
    responses = [bot.event(event), bot.command(f"ask {QUESTION}"), bot.click(blocks.ACTION_HELPFUL, "1")]
    acknowledged = time.monotonic() - started

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert acknowledged < 3.0
    fake_slack.wait_for(
        "chat.postMessage", where=lambda c: c.body.get("thread_ts") == event["ts"], timeout=1.0
    )
    assert fake_slack.final_reply("C1", event["ts"], timeout=30)["text"]


def test_fifty_concurrent_mentions_are_each_answered_exactly_once(start_bot, fake_slack):
    bot = start_bot()
    questions = [
        QUESTION, VOTE_QUESTION, "What is the High Needs Block?", "Who chairs the Schools Forum?",
        "What does the SEND and Inclusion Strategy aim to do?",
    ]  # fmt: skip
    events = [mention(questions[i % len(questions)], user=f"U{i}") for i in range(50)]
    statuses = []
    barrier = threading.Barrier(len(events))

    def send(event):
        barrier.wait()
        statuses.append(bot.event(event).status_code)

    threads = [threading.Thread(target=send, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert statuses == [200] * 50
    for event in events:
        assert fake_slack.final_reply("C1", event["ts"], timeout=60)
    time.sleep(QUIET_SECONDS)
    posted = [call.body["thread_ts"] for call in fake_slack.calls_to("chat.postMessage")]
    assert sorted(posted) == sorted(event["ts"] for event in events)  # one each, none twice
    assert not [c for c in fake_slack.calls_to("chat.postMessage") if is_placeholder(c.body)]
    statuses = [call.body["status"] for call in fake_slack.calls_to("assistant.threads.setStatus")]
    assert len(statuses) == 50 and any("in the queue" in status for status in statuses)  # more than the workers


def test_a_rate_limited_call_is_retried_after_retry_after(start_bot, fake_slack):
    fake_slack.rate_limit_once.add("chat.postMessage")
    bot = start_bot()
    event = mention(QUESTION)

    bot.event(event)

    assert fake_slack.final_reply("C1", event["ts"])
    limited, accepted = fake_slack.calls_to("chat.postMessage")
    assert limited.response["error"] == "ratelimited" and accepted.response["ok"]


@pytest.mark.parametrize(
    "event",
    [
        {**direct_message("hello from another bot"), "bot_id": "BOTHER"},
        {**direct_message("a bot message"), "subtype": "bot_message"},
        {**direct_message("my own words"), "bot_id": "BBOT", "user": "UBOT"},
        {**mention("a bot mentioning me"), "bot_id": "BOTHER"},
        {**direct_message("edited"), "subtype": "message_changed"},
        {**direct_message("in a channel"), "channel_type": "channel", "channel": "C1"},
    ],
    ids=["other-bot", "bot-message", "own-message", "bot-mention", "edit", "channel-message"],
)
def test_bots_edits_and_channel_chatter_get_no_reply(start_bot, fake_slack, event):
    bot = start_bot()

    assert bot.event(event).status_code == 200

    time.sleep(QUIET_SECONDS)
    assert not fake_slack.calls_to("chat.postMessage")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("", "application/json"),
        (json.dumps(event_callback({"type": "reaction_added", "user": "U1"})), "application/json"),
        (
            json.dumps(event_callback({"type": "app_mention", "text": "no user, no channel"})),
            "application/json",
        ),
        (json.dumps({"type": "something_new"}), "application/json"),
        ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
    ],
    ids=[
        "malformed-json",
        "empty",
        "unknown-event",
        "mention-missing-fields",
        "unknown-type",
        "broken-payload",
    ],
)
def test_malformed_and_unknown_requests_do_not_stop_the_bot(start_bot, fake_slack, body, content_type):
    bot = start_bot()

    response = bot.post(body, content_type)

    assert response.status_code < 500
    event = mention(QUESTION)
    bot.event(event)
    assert fake_slack.final_reply("C1", event["ts"])


def test_a_failure_while_answering_gets_an_apology_and_the_cause_is_logged(
    start_bot, fake_slack, corpus_index, caplog
):
    class BrokenLibrary(Library):
        def answer(self, question, history, audience):
            if "explode" in question:
                raise RuntimeError("the index caught fire")
            return super().answer(question, history, audience)

    bot = start_bot(BrokenLibrary(corpus_index))
    bad = mention("please explode")

    with caplog.at_level(logging.ERROR):
        bot.event(bad)
        reply = fake_slack.final_reply("C1", bad["ts"])

    assert reply["text"] == blocks.APOLOGY
    assert "the index caught fire" not in json.dumps(reply)
    assert "the index caught fire" in caplog.text
    good = mention(QUESTION)
    bot.event(good)
    assert "*Sources*" in block_texts(fake_slack.final_reply("C1", good["ts"]))


def test_outside_the_allowed_channels_the_asker_is_told_privately(start_bot, fake_slack, monkeypatch):
    monkeypatch.setenv("SENDBOT_ALLOWED_CHANNELS", "C1,C2")
    bot = start_bot()

    bot.event(mention(QUESTION, user="U5", channel="C3"))
    [note] = fake_slack.wait_for("chat.postEphemeral")
    allowed = mention(QUESTION, channel="C2")
    bot.event(allowed)

    assert (note.body["channel"], note.body["user"]) == ("C3", "U5")
    assert note.body["text"] == blocks.CHANNEL_NOT_ALLOWED
    assert fake_slack.final_reply("C2", allowed["ts"])
    assert not posts_in_thread(fake_slack, "C3", None)


def test_a_plan_s_actions_are_listed_with_lead_deadline_and_status_as_the_plan_states_them(start_bot, fake_slack):
    bot = start_bot()

    bot.command("actions APP")

    [listing] = fake_slack.wait_for(RESPONSE_URL)
    texts = block_texts(listing.body)
    assert texts[0].startswith("*12 actions match* APP")
    lines = [line for text in texts[1:] for line in text.splitlines() if line.startswith("• ")]
    assert len(lines) == 12 and all("Status: none stated" in line and ", p.1" in line for line in lines)
    assert lines[0].startswith("• *1.1* Review local area joint commissioning strategy") and "Due: Dec 21" in lines[0]
    assert blocks.ACTION_RECORDS_CSV in [b["action_id"] for b in buttons(listing.body)]


def test_an_action_listing_by_a_status_no_action_has_says_none_match(start_bot, fake_slack):
    bot = start_bot()

    bot.command("actions APP red")

    [listing] = fake_slack.wait_for(RESPONSE_URL)
    assert block_texts(listing.body) == ["No actions match APP, status red."]
