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


def test_not_helpful_opens_a_short_form_whose_answers_reach_the_admins(start_bot, fake_slack):
    from slack_payloads import interactive_form

    from slackbot.feedback import list_feedback

    bot = start_bot()
    event = mention(QUESTION)
    bot.event(event)
    turn = turn_id(fake_slack.final_reply("C1", event["ts"]))

    bot.click(blocks.ACTION_FEEDBACK, f"not_helpful:{turn}", user="U3")

    [opened] = fake_slack.wait_for("views.open")
    form = json.loads(opened.body["view"]) if isinstance(opened.body["view"], str) else opened.body["view"]
    assert form["callback_id"] == blocks.FEEDBACK_FORM and form["private_metadata"] == turn
    choices = [o["value"] for o in form["blocks"][0]["element"]["options"]]
    assert choices == ["wrong_source", "missing", "out_of_date", "other"]
    submission = {
        "type": "view_submission", "team": {"id": "T0001"}, "user": {"id": "U3"}, "api_app_id": "A0001",
        "trigger_id": "t", "view": {"id": "V1", "type": "modal", "callback_id": blocks.FEEDBACK_FORM,
        "private_metadata": turn, "state": {"values": {
            "reason": {"reason": {"type": "radio_buttons", "selected_option": {"value": "out_of_date"}}},
            "detail": {"detail": {"type": "plain_text_input", "value": "The 2024 strategy replaced this"}}}}},
    }  # fmt: skip
    assert bot.post(interactive_form(submission), "application/x-www-form-urlencoded").status_code == 200

    [told] = fake_slack.wait_for("chat.postMessage", where=lambda c: c.body.get("channel") == ADMIN)
    assert "Out of date" in told.body["text"] and "The 2024 strategy replaced this" in json.dumps(told.body)
    [stored] = list_feedback(bot.services.conversation.data_dir)
    assert (stored["verdict"], stored["reason"], stored["detail"]) == (
        "not_helpful", "out_of_date", "The 2024 strategy replaced this")


def test_a_listing_offers_all_its_records_as_a_csv_file(start_bot, fake_slack):
    import csv
    import io

    from fake_slack_api import UPLOAD

    bot = start_bot()
    bot.command("commitments SEND", user="U5", channel="C0LISTS")
    [listing] = fake_slack.wait_for(RESPONSE_URL)
    total = int(block_texts(listing.body)[0].split("*")[1].split()[0])
    [download] = [b for b in buttons(listing.body) if b["action_id"] == blocks.ACTION_RECORDS_CSV]

    bot.click(blocks.ACTION_RECORDS_CSV, download["value"], user="U5", channel="C0LISTS")

    [upload] = fake_slack.wait_for(UPLOAD)
    [done] = fake_slack.wait_for("files.completeUploadExternal")
    assert done.body["channel_id"] == "C0LISTS"
    rows = list(csv.DictReader(io.StringIO(upload.body["content"])))
    assert len(rows) == total > 30  # every record, not one page
    assert {row["strategy"] for row in rows} == {"SEND"} and all(row["doc"] and row["page"] for row in rows)


def test_an_admin_uploads_from_the_home_tab_and_the_file_is_ingested(start_bot, fake_slack, writable_index):
    from fake_slack_api import FakeFile
    from sample_documents import make_pdf
    from slack_payloads import block_action, interactive_form

    from slackbot.home import ACTION_UPLOAD, UPLOAD_FORM

    lines = ["Larkspur Short Breaks Review", "The Larkspur short breaks review found 14 families waiting over a year."]
    fake_slack.add_file(FakeFile("F7", "larkspur-review.pdf", make_pdf(lines)))
    bot = start_bot()

    bot.post(interactive_form(block_action(ACTION_UPLOAD, "", fake_slack.response_url("home"), user=ADMIN)),
             "application/x-www-form-urlencoded")  # fmt: skip
    [opened] = fake_slack.wait_for("views.open")
    form = json.loads(opened.body["view"]) if isinstance(opened.body["view"], str) else opened.body["view"]
    assert form["callback_id"] == UPLOAD_FORM and form["blocks"][0]["element"]["type"] == "file_input"
    submission = {
        "type": "view_submission", "team": {"id": "T0001"}, "user": {"id": ADMIN}, "api_app_id": "A0001",
        "trigger_id": "t", "view": {"id": "V2", "type": "modal", "callback_id": UPLOAD_FORM, "private_metadata": "",
        "state": {"values": {"file": {"file": {"type": "file_input", "files": [{"id": "F7", "name": "larkspur-review.pdf"}]}}}}},
    }  # fmt: skip
    bot.post(interactive_form(submission), "application/x-www-form-urlencoded")

    assert fake_slack.final_reply("DADMIN", None, timeout=120)["text"] == "Added larkspur-review.pdf"
    assert (bot.services.conversation.documents_dir / "larkspur-review.pdf").is_file()


def test_an_admin_removes_a_document_from_the_home_tab(start_bot, fake_slack, writable_index):
    from sample_documents import make_pdf
    from slack_payloads import block_action, interactive_form

    from slackbot.home import ACTION_REMOVE

    bot = start_bot()
    documents = bot.services.conversation.documents_dir
    documents.mkdir(parents=True)
    (documents / "larkspur-review.pdf").write_bytes(make_pdf(["Larkspur Review", "The Larkspur review found 14 families waiting."]))
    bot.command("ingest", user=ADMIN, channel="C4")
    assert "Added: larkspur-review.pdf" in " ".join(block_texts(fake_slack.final_reply("C4", None, timeout=120)))

    bot.event(app_home_opened(ADMIN, "home"))
    [home] = fake_slack.wait_for("views.publish")
    view = json.loads(home.body["view"]) if isinstance(home.body["view"], str) else home.body["view"]
    [remove] = [b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id") == ACTION_REMOVE]
    assert remove["value"] == "larkspur-review.pdf" and remove["confirm"]

    bot.post(interactive_form(block_action(ACTION_REMOVE, remove["value"], fake_slack.response_url("home"), user=ADMIN)),
             "application/x-www-form-urlencoded")  # fmt: skip

    report = fake_slack.final_reply(ADMIN, None, timeout=120)
    assert report["text"] == "Removed larkspur-review.pdf" and "Removed: larkspur-review.pdf" in json.dumps(report)
    assert not (documents / "larkspur-review.pdf").exists()
    assert len(fake_slack.wait_for("views.publish", count=2)) == 2  # the tab refreshed
