"""In Slack, restricted documents reach only the channels, people and user groups the rules name.

The real bolt app over signed HTTP (and once over Socket Mode), the real index of public and
restricted papers (tests/restricted_documents.py) and the fake Web API, which says which
channels are shared with another organisation and who is in which user group. Every reply,
placeholder, update, ephemeral message and response_url post is checked for the restricted
documents' titles, file names and distinctive sentences.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from fake_slack_api import RESPONSE_URL, FakeFile, is_placeholder, turn_id
from restricted_documents import (
    ALLOWED_USER,
    EXEMPT_NAME,
    RESTRICTED_SENTENCES,
    SEND_LEADS,
    SEND_TEAM,
    TEAM_MEMBER,
    leaks,
    restricted_markers,
    write_rules,
)
from sample_documents import make_pdf
from slack_payloads import ADMIN, direct_message, event_callback, file_shared, mention

from errors import AccessRulesInvalid
from slackbot import blocks, delivery
from slackbot.feedback import list_feedback

# Neither question names what only the restricted papers say, so an echo of it is no leak.
CONTRACT_QUESTION = "how much is the speech and language outreach contract worth, and who holds it?"
RED_QUESTION = "which actions in the improvement plan are red and who leads them?"
REPLIES = ("chat.postMessage", "chat.update", "chat.postEphemeral", RESPONSE_URL)


@pytest.fixture
def restricted_env(monkeypatch, restricted_corpus, fake_slack) -> list[str]:
    """The bot reads the restricted index under its rules; the fake Slack knows the SEND team."""
    monkeypatch.setenv("SENDBOT_INDEX_DIR", str(restricted_corpus.index))
    monkeypatch.setenv("SENDBOT_ACCESS_FILE", str(restricted_corpus.rules))
    fake_slack.usergroups[SEND_TEAM] = [TEAM_MEMBER]
    return restricted_markers(restricted_corpus.index)


def sent_since(fake, mark: int) -> list[dict]:
    """Everything the bot showed anyone since the mark-th recorded call."""
    return [call.body for call in fake.calls[mark:] if call.method in REPLIES]


def ask(bot, event: dict) -> tuple[dict, list[dict]]:
    """Send the event; the final reply to it (not to an earlier message of its thread), and
    everything shown on the way."""
    fake, mark = bot.fake, len(bot.fake.calls)
    bot.event(event)
    thread = event.get("thread_ts") or event["ts"]
    [posted] = fake.wait_for("chat.postMessage", where=lambda call: call in fake.calls[mark:] and (
        call.body.get("channel"), call.body.get("thread_ts")) == (event["channel"], thread))  # fmt: skip
    reply = posted.body
    if is_placeholder(reply):
        ts = posted.response["ts"]
        reply = fake.wait_for("chat.update", where=lambda c: c.body.get("ts") == ts and not is_placeholder(c.body))[0].body
    return reply, sent_since(fake, mark)


def cites_the_appendix(reply: dict) -> bool:
    return "412,000" in reply["text"] and "Appendix 3: Quillfeather Outreach Contract" in str(reply["blocks"])


def test_a_channel_no_rule_names_gets_the_ordinary_not_found(start_bot, restricted_env):
    reply, shown = ask(start_bot(), mention(CONTRACT_QUESTION, user=ALLOWED_USER, channel="C0ANYWHERE"))

    assert not leaks(shown, restricted_env)
    assert "412,000" not in str(reply)


def test_the_channel_the_rules_name_is_answered_from_the_restricted_papers_and_the_log_keeps_none(
    start_bot, restricted_env, caplog
):
    with caplog.at_level(logging.INFO):
        reply, _ = ask(start_bot(), mention(CONTRACT_QUESTION, user="U0ANYONE", channel=SEND_LEADS))

    assert cites_the_appendix(reply), reply["text"]
    assert caplog.records and not leaks(caplog.text, RESTRICTED_SENTENCES)


def test_a_named_channel_shared_with_another_organisation_is_not_answered_at_all(start_bot, fake_slack, restricted_env):
    fake_slack.shared_channels.add(SEND_LEADS)
    bot = start_bot()
    mark = len(fake_slack.calls)

    bot.event(mention(CONTRACT_QUESTION, user=ALLOWED_USER, channel=SEND_LEADS))

    [told] = fake_slack.wait_for("chat.postEphemeral")
    assert told.body["text"] == blocks.SHARED_CHANNEL  # privately, to the asker
    assert fake_slack.calls_to("conversations.info")[0].body["channel"] == SEND_LEADS
    assert not leaks(sent_since(fake_slack, mark), restricted_env)
    assert not fake_slack.calls_to("chat.postMessage")


@pytest.mark.parametrize(("user", "allowed"), [(ALLOWED_USER, True), (TEAM_MEMBER, True), ("U0SOMEONE", False)])
def test_a_dm_gets_what_its_person_may_see_directly_or_through_a_user_group(start_bot, restricted_env, user, allowed):
    reply, shown = ask(start_bot(), direct_message(CONTRACT_QUESTION, user=user, channel="D0" + user))

    if allowed:
        assert cites_the_appendix(reply), reply["text"]
    else:
        assert not leaks(shown, restricted_env)


def test_a_thread_follows_its_channels_rights_whoever_started_it(start_bot, restricted_env):
    bot = start_bot()
    first = mention(RED_QUESTION, user=ALLOWED_USER, channel="C0ANYWHERE")
    ask(bot, first)

    _, shown = ask(bot, mention(CONTRACT_QUESTION, user=ALLOWED_USER, channel="C0ANYWHERE", thread_ts=first["ts"]))
    answered, _ = ask(bot, mention(CONTRACT_QUESTION, user="U0SOMEONE", channel=SEND_LEADS))

    assert not leaks(shown, restricted_env)
    assert cites_the_appendix(answered)  # in the leads' channel, whoever asks


def test_more_sources_clicked_elsewhere_come_from_what_that_conversation_may_see(start_bot, fake_slack, restricted_env):
    bot = start_bot()
    reply, _ = ask(bot, mention(RED_QUESTION, user=ALLOWED_USER, channel=SEND_LEADS))
    mark = len(fake_slack.calls)

    bot.click(blocks.ACTION_MORE_SOURCES, turn_id(reply), user="U0SOMEONE", channel="C0ANYWHERE")

    fake_slack.wait_for(RESPONSE_URL)
    assert not leaks(sent_since(fake_slack, mark), restricted_env)


def test_slash_commands_list_records_and_status_from_what_the_channel_may_see(start_bot, fake_slack, restricted_env):
    bot = start_bot()
    for text in ("commitments Education", "decisions Cabinet", "status", f"ask {CONTRACT_QUESTION}"):
        mark = len(fake_slack.calls)
        bot.command(text, user=ALLOWED_USER, channel="C0ANYWHERE")
        fake_slack.wait_for("chat.update" if text.startswith("ask") else RESPONSE_URL,
                            where=lambda call, mark=mark: call in fake_slack.calls[mark:])  # fmt: skip
        shown = sent_since(fake_slack, mark)
        assert not leaks(shown, restricted_env), text
        assert "Access rules" not in str(shown)

    mark = len(fake_slack.calls)
    bot.command("commitments Education", user="U0SOMEONE", channel=SEND_LEADS)
    [listing] = fake_slack.wait_for(RESPONSE_URL, where=lambda call: call in fake_slack.calls[mark:])
    assert "We will monitor and update pupil place planning forecasts" in str(listing.body)


def test_feedback_keeps_the_question_and_answer_but_not_restricted_quotes(start_bot, fake_slack, restricted_env):
    bot = start_bot()
    reply, _ = ask(bot, mention(CONTRACT_QUESTION, user="U0ANYONE", channel=SEND_LEADS))

    bot.click(blocks.ACTION_HELPFUL, turn_id(reply), user="U0ANYONE", channel=SEND_LEADS)

    fake_slack.wait_for(RESPONSE_URL)
    [stored] = list_feedback(bot.services.conversation.data_dir)
    assert stored["question"] == CONTRACT_QUESTION and stored["answer"] == reply["text"]
    appendix = [source for source in stored["sources"] if source["doc"] == EXEMPT_NAME]
    assert appendix and all("quote" not in source for source in appendix)


def test_over_socket_mode_the_same_rules_hold(start_socket_bot, socket_mode, fake_slack, restricted_env):
    start_socket_bot()
    socket_mode.wait_for_connections(1)
    outside, allowed = mention(CONTRACT_QUESTION, channel="C0ANYWHERE"), mention(CONTRACT_QUESTION, channel=SEND_LEADS)

    for event in (outside, allowed):
        socket_mode.wait_for_ack(socket_mode.send("events_api", event_callback(event)), timeout=3.0)

    assert not leaks(fake_slack.final_reply("C0ANYWHERE", outside["ts"]), restricted_env)
    assert cites_the_appendix(fake_slack.final_reply(SEND_LEADS, allowed["ts"]))


@pytest.fixture
def own_copy(restricted_env, restricted_corpus, monkeypatch, tmp_path) -> Path:
    """The bot works on a private copy of the restricted index and documents; returns the documents."""
    index, documents = tmp_path / "index", tmp_path / "documents"
    shutil.copytree(restricted_corpus.index, index, symlinks=True)
    shutil.copytree(restricted_corpus.documents, documents)
    monkeypatch.setenv("SENDBOT_INDEX_DIR", str(index))
    monkeypatch.setenv("SENDBOT_DOCUMENTS_DIR", str(documents))
    return documents


def test_an_ingest_report_in_a_channel_names_only_what_the_channel_may_see(
    start_bot, fake_slack, restricted_env, own_copy, monkeypatch
):
    monkeypatch.setattr(delivery, "PROGRESS_INTERVAL_SECONDS", 0.0)  # every progress line is shown
    bot = start_bot()
    mark = len(fake_slack.calls)

    bot.command("ingest", user=ADMIN, channel="C0ANYWHERE")

    report = fake_slack.final_reply("C0ANYWHERE", None, timeout=120)
    assert any("Reading 1 of 7 documents" in json.dumps(body) for body in sent_since(fake_slack, mark))
    assert "Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf" in report["text"] + str(report["blocks"])
    assert not leaks(sent_since(fake_slack, mark), restricted_env)
    assert "Index now holds 3 documents" in str(report["blocks"])


def test_an_upload_lands_in_the_named_folder_and_takes_its_access(start_bot, fake_slack, own_copy, monkeypatch):
    documents = own_copy
    monkeypatch.setenv("SENDBOT_UPLOAD_FOLDER", "restricted")
    lines = ["Tamberlin Respite Review", "The Tamberlin short breaks review found 14 families waiting over a year."]
    fake_slack.add_file(FakeFile("F9", "tamberlin-review.pdf", make_pdf(lines)))
    bot = start_bot()

    bot.event(file_shared("F9", ADMIN, channel="D0ADMIN"))

    assert fake_slack.final_reply("D0ADMIN", None, timeout=120)["text"] == "Added tamberlin-review.pdf"
    assert (documents / "restricted" / "tamberlin-review.pdf").is_file()
    question = "how many families are waiting for the short breaks review?"
    _, shown = ask(bot, mention(question, channel="C0ANYWHERE"))
    answered, _ = ask(bot, mention(question, channel=SEND_LEADS))
    assert not leaks(shown, ["Tamberlin", "14 families"])
    assert "14 families" in str(answered)


def test_the_bot_will_not_start_on_a_malformed_rules_file_or_rules_the_index_does_not_hold(
    start_bot, restricted_env, tmp_path, monkeypatch
):
    monkeypatch.setenv("SENDBOT_ACCESS_FILE", str(write_rules(tmp_path / "bad.toml", "[[restricted]\n")))
    with pytest.raises(AccessRulesInvalid, match="not valid TOML"):
        start_bot()
    other = '[[restricted]]\ndocuments = ["restricted/**"]\nchannels = ["C0SENDLEADS"]\n'
    monkeypatch.setenv("SENDBOT_ACCESS_FILE", str(write_rules(tmp_path / "other.toml", other)))
    with pytest.raises(AccessRulesInvalid, match="run `python bot.py ingest`"):
        start_bot()
    monkeypatch.delenv("SENDBOT_ACCESS_FILE")
    with pytest.raises(AccessRulesInvalid, match="SENDBOT_ACCESS_FILE is not set"):
        start_bot()
