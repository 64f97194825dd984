"""The digest of an ingest, posted once to Slack: after `/sendbot ingest`, and after `bot.py ingest`
when SENDBOT_DIGEST_CHANNEL is set; only an ingest that changed the index posts one."""

from __future__ import annotations

import time

from action_plans import make_landscape_pdf_plan
from click.testing import CliRunner
from fake_slack_api import block_texts, buttons, is_placeholder
from sample_documents import make_pdf
from slack_payloads import ADMIN

from bot import cli
from slackbot.blocks import ACTION_MORE_DIGEST, DIGEST_ITEMS, DIGEST_TITLE

RESPONSE_URL = "response_url"
STRATEGIES = "Leicester-CYPE-Scrutiny-2021-10-07 - Divisional 3-year Strategies Education and SEND.pdf"
QUIET_SECONDS = 1.0  # how long to watch for a digest that must not come
NEW_MINUTES = [
    "Quillfeather Forum minutes, 14 March 2025",
    "The Forum agreed to fund 42 new specialist places through the Quillfeather Outreach Fund.",
]


def digests_in(fake, channel: str) -> list[dict]:
    return [c.body for c in fake.calls_to("chat.postMessage")
            if c.body.get("channel") == channel and c.body.get("text", "").startswith(DIGEST_TITLE)]  # fmt: skip


def test_an_ingest_from_slack_posts_its_digest_once_in_the_digest_channel(
    start_bot, fake_slack, writable_index, monkeypatch
):
    monkeypatch.setenv("SENDBOT_DIGEST_CHANNEL", "C9")
    bot = start_bot()
    documents = bot.services.conversation.documents_dir
    documents.mkdir(parents=True)
    (documents / "wsoa-delivery-plan.pdf").write_bytes(make_landscape_pdf_plan())

    bot.command("ingest", user=ADMIN, channel="C4")
    fake_slack.final_reply("C4", None, timeout=120)
    fake_slack.wait_for("chat.postMessage", where=lambda c: c.body.get("channel") == "C9", timeout=30)

    [digest] = digests_in(fake_slack, "C9")
    texts = " ".join(block_texts(digest))
    assert "Written Statement of Action - delivery plan" in texts
    assert not digests_in(fake_slack, "C4")  # the summary goes where it was asked, the digest to C9

    bot.command("ingest", user=ADMIN, channel="C4")  # nothing changed: no second digest
    fake_slack.wait_for("chat.update", count=2, where=lambda c: not is_placeholder(c.body), timeout=120)
    time.sleep(QUIET_SECONDS)
    assert len(digests_in(fake_slack, "C9")) == 1


def test_bot_py_ingest_posts_the_digest_when_a_channel_is_set(fake_slack, tmp_path, monkeypatch, embedder):
    monkeypatch.setenv("SENDBOT_DIGEST_CHANNEL", "C9")
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "quillfeather-minutes.pdf").write_bytes(make_pdf(NEW_MINUTES))
    index_dir = tmp_path / "index"

    result = CliRunner().invoke(cli, ["ingest", str(folder), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(cli, ["ingest", str(folder), "--index", str(index_dir)])
    assert again.exit_code == 0, again.output

    [digest] = digests_in(fake_slack, "C9")  # the second, unchanged ingest posted none
    assert "Quillfeather Forum minutes" in " ".join(block_texts(digest))


def test_a_long_digest_is_paged_and_more_shows_the_next_page_to_whoever_clicks(
    start_bot, fake_slack, tmp_path, monkeypatch, corpus
):
    monkeypatch.setenv("SENDBOT_DIGEST_CHANNEL", "C9")
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / STRATEGIES).write_bytes((corpus / "leicester" / STRATEGIES).read_bytes())
    index_dir = tmp_path / "index"
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    [first] = digests_in(fake_slack, "C9")
    lines = [line for text in block_texts(first) for line in text.splitlines() if line.startswith("• ")]
    assert "*New commitments* (178)" in " ".join(block_texts(first))
    assert f"… and {178 - DIGEST_ITEMS} more" in " ".join(block_texts(first))
    [more] = [b for b in buttons(first) if b["action_id"] == ACTION_MORE_DIGEST]

    monkeypatch.setenv("SENDBOT_INDEX_DIR", str(index_dir))
    start_bot().click(ACTION_MORE_DIGEST, more["value"], channel="C9")

    [second] = fake_slack.wait_for(RESPONSE_URL)
    assert second.body["response_type"] == "ephemeral" and ", page 2" in second.body["text"]
    next_lines = [line for text in block_texts(second.body) for line in text.splitlines() if line.startswith("• ")]
    assert len(next_lines) == DIGEST_ITEMS and not set(next_lines) & set(lines)
