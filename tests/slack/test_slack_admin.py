"""Admin work from Slack: uploads in a DM, /sendbot ingest; and everyone else politely refused."""

from __future__ import annotations

import io
import os
import time
import zipfile

import pytest
from fake_slack_api import DOWNLOAD, RESPONSE_URL, FakeFile, block_texts, turn_id
from sample_documents import make_docx, make_pdf
from slack_payloads import ADMIN, direct_message, file_shared

from slackbot.conversation import NOT_ADMIN
from slackbot.threads import ThreadMemory

NEW_DOCUMENT = [
    "Quillfeather Outreach Fund 2025",
    "The Quillfeather Outreach Fund is a new council grant for SEND inclusion.",
    "The council will fund 42 new specialist places through the Quillfeather Outreach Fund.",
    "Schools apply to the Quillfeather Outreach Fund each autumn term.",
]
QUILLFEATHER_QUESTION = "What is the Quillfeather Outreach Fund?"
TWO_MB = 2 * 1024 * 1024


def generation(index_dir) -> str:
    return os.readlink(index_dir / "current")


def files_under(folder) -> list[str]:
    return (
        sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        if folder.exists()
        else []
    )


def answer_sources(bot, channel: str, thread_ts: str) -> list[dict]:
    reply = bot.fake.final_reply(channel, thread_ts, timeout=60)
    return ThreadMemory(bot.services.conversation.data_dir).get(int(turn_id(reply))).sources


def test_an_admins_upload_is_saved_ingested_and_then_answerable(start_bot, fake_slack, writable_index):
    fake_slack.add_file(FakeFile("F1", "quillfeather-fund.pdf", make_pdf(NEW_DOCUMENT)))
    bot = start_bot()
    documents = bot.services.conversation.documents_dir
    before = generation(writable_index)

    assert bot.event(file_shared("F1", ADMIN, channel="D7")).status_code == 200

    reply = fake_slack.final_reply("D7", None, timeout=120)
    assert reply["text"] == "Added quillfeather-fund.pdf"
    [download] = fake_slack.calls_to(DOWNLOAD)
    assert download.headers["Authorization"].startswith("Bearer xoxb-")
    assert files_under(documents) == ["quillfeather-fund.pdf"]
    assert generation(writable_index) != before
    question = direct_message(QUILLFEATHER_QUESTION, user="U1", channel="D8")
    bot.event(question)
    assert "quillfeather-fund.pdf" in {source["doc"] for source in answer_sources(bot, "D8", question["ts"])}
    # its sources open the Slack file it was uploaded as (no SENDBOT_DOCUMENT_BASE_URL here)
    reply = fake_slack.final_reply("D8", question["ts"])
    assert "<https://fake.slack.test/files/F1/quillfeather-fund.pdf|" in " ".join(block_texts(reply))


def test_a_word_file_upload_is_accepted(start_bot, fake_slack, writable_index):
    fake_slack.add_file(FakeFile("F2", "quillfeather.docx", make_docx(NEW_DOCUMENT)))
    bot = start_bot()

    bot.event(file_shared("F2", ADMIN, channel="D7"))

    assert fake_slack.final_reply("D7", None, timeout=120)["text"] == "Added quillfeather.docx"


def _zip_without_word_body() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    return out.getvalue()


@pytest.mark.parametrize(
    ("file", "reason", "downloaded"),
    [
        (FakeFile("F1", "../../etc/passwd.pdf", make_pdf(["x"])), "not a name I can save", False),
        (FakeFile("F1", "..\\..\\evil.pdf", make_pdf(["x"])), "not a name I can save", False),
        (FakeFile("F1", ".hidden.pdf", make_pdf(["x"])), "not a name I can save", False),
        (FakeFile("F1", "sub/dir.pdf", make_pdf(["x"])), "not a name I can save", False),
        (FakeFile("F1", "setup.exe", b"MZ\x90\x00"), "not a PDF or Word", False),
        (FakeFile("F1", "huge.pdf", b"%PDF-1.4\n" + b"0" * TWO_MB), "limit is 1 MB", False),
        (FakeFile("F1", "liar.pdf", b"%PDF-1.4\n" + b"0" * TWO_MB, declared_size=1000), "larger than", True),
        (FakeFile("F1", "renamed.pdf", b"MZ\x90\x00 a program, renamed"), "does not contain a PDF", True),
        (FakeFile("F1", "fake.docx", _zip_without_word_body()), "is not a Word document", True),
        (FakeFile("F1", "scan.docx", b"%PDF-1.4 a pdf called docx"), "does not contain a DOCX", True),
    ],
    ids=[
        "path-traversal", "backslash-traversal", "hidden", "sub-folder", "unsupported-type",
        "declared-oversize", "actual-oversize", "pdf-without-pdf-bytes", "zip-not-word", "pdf-named-docx",
    ],
)  # fmt: skip
def test_unsafe_uploads_are_refused_without_touching_the_disk(
    start_bot, fake_slack, corpus_index, tmp_path, file, reason, downloaded
):
    fake_slack.add_file(file)
    bot = start_bot()
    before = generation(corpus_index)

    bot.event(file_shared("F1", ADMIN, channel="D7"))

    reply = fake_slack.final_reply("D7", None)
    assert reply["text"].startswith("Sorry")
    assert reason in " ".join(block_texts(reply))
    assert bool(fake_slack.calls_to(DOWNLOAD)) is downloaded
    assert files_under(bot.services.conversation.documents_dir) == []
    assert not list(tmp_path.rglob("passwd.pdf")) and not list(tmp_path.rglob("evil.pdf"))
    assert generation(corpus_index) == before


def test_a_non_admins_upload_is_refused_without_downloading_it(start_bot, fake_slack):
    fake_slack.add_file(FakeFile("F1", "quillfeather-fund.pdf", make_pdf(NEW_DOCUMENT)))
    bot = start_bot()

    bot.event(file_shared("F1", "U1", channel="D7"))

    reply = fake_slack.final_reply("D7", None)
    assert NOT_ADMIN in " ".join(block_texts(reply))
    assert not fake_slack.calls_to(DOWNLOAD)
    assert files_under(bot.services.conversation.documents_dir) == []


def test_a_file_shared_in_a_channel_is_left_alone(start_bot, fake_slack):
    fake_slack.add_file(FakeFile("F1", "quillfeather-fund.pdf", make_pdf(NEW_DOCUMENT)))
    bot = start_bot()

    bot.event(file_shared("F1", ADMIN, channel="C1"))

    time.sleep(0.5)
    assert not fake_slack.calls_to("files.info") and not fake_slack.calls_to("chat.postMessage")


@pytest.mark.parametrize("how", ["slash", "mention"])
def test_a_non_admins_ingest_is_refused_privately_and_nothing_changes(
    start_bot, fake_slack, corpus_index, how
):
    bot = start_bot()
    before = generation(corpus_index)
    last_run = (corpus_index / "last_run.json").read_bytes()

    if how == "slash":
        bot.command("ingest", user="U1")
        [refusal] = fake_slack.wait_for(RESPONSE_URL)
        assert refusal.body["response_type"] == "ephemeral"
        assert not fake_slack.calls_to("chat.postMessage")
    else:
        event = direct_message("ingest", user="U1")
        bot.event(event)
        refusal = fake_slack.wait_for("chat.postMessage")[0]
        time.sleep(0.5)
        assert not fake_slack.calls_to("chat.update")  # one message, the refusal itself
    assert NOT_ADMIN in " ".join(block_texts(refusal.body))
    assert generation(corpus_index) == before
    assert (corpus_index / "last_run.json").read_bytes() == last_run


def test_an_admins_ingest_reports_its_summary_and_the_new_documents_are_answerable(
    start_bot, fake_slack, writable_index
):
    bot = start_bot()
    documents = bot.services.conversation.documents_dir
    documents.mkdir(parents=True)
    (documents / "quillfeather-fund.pdf").write_bytes(make_pdf(NEW_DOCUMENT))
    (documents / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a PDF")

    bot.command("ingest", user=ADMIN, channel="C4")

    [placeholder] = fake_slack.wait_for("chat.postMessage")
    assert placeholder.body["text"] == "Ingesting the documents folder…"
    summary = " ".join(block_texts(fake_slack.final_reply("C4", None, timeout=120)))
    assert "Ingest finished" in summary
    assert "Added: quillfeather-fund.pdf" in summary
    assert "Failed: broken.pdf:" in summary
    question = direct_message(QUILLFEATHER_QUESTION, channel="D9")
    bot.event(question)
    assert "quillfeather-fund.pdf" in {source["doc"] for source in answer_sources(bot, "D9", question["ts"])}


def test_members_of_the_admin_user_group_are_admins(start_bot, fake_slack, monkeypatch, writable_index):
    monkeypatch.setenv("SENDBOT_ADMIN_USERGROUP", "S0ADMINS")
    fake_slack.usergroups["S0ADMINS"] = ["UGROUPIE"]
    bot = start_bot()
    bot.services.conversation.documents_dir.mkdir(parents=True)

    bot.command("ingest", user="UGROUPIE", channel="C4")

    summary = " ".join(block_texts(fake_slack.final_reply("C4", None, timeout=120)))
    assert "Ingest finished" in summary
    [lookup] = fake_slack.calls_to("usergroups.users.list")
    assert lookup.body["usergroup"] == "S0ADMINS"
