"""What the bot keeps expires on a timer, goes when its Slack message is deleted, and one person's
records can be erased on request (`bot.py forget --user`)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from fake_slack_api import turn_id
from slack_payloads import mention, next_ts

from answer.models import Answer, Citation
from slackbot.feedback import list_feedback, record_feedback
from slackbot.retention import Sweeper
from slackbot.storage import opened
from slackbot.threads import ThreadMemory

ROOT = Path(__file__).resolve().parents[2]
ANSWER = Answer("Who chairs the forum?", "The chair is named [1]", True, [Citation(1, "m.pdf", "Minutes", 2, "", "q")])


def remember(data_dir: Path, user: str, thread: str = "slack:C1:1.0") -> int:
    return ThreadMemory(data_dir).remember(thread, user, ANSWER, message=f"C1:{next_ts()}")


def test_old_questions_answers_and_feedback_expire_on_the_timer(tmp_path):
    data = tmp_path / "data"
    old, fresh = remember(data, "U1"), remember(data, "U2")
    record_feedback(data, ThreadMemory(data).get(old), "U3", "helpful", set())
    with opened(data) as db:
        db.execute("UPDATE turns SET created = created - 3 * 86400 WHERE id = ?", (old,))
        db.execute("UPDATE feedback SET created = created - 3 * 86400")

    sweeper = Sweeper(data, retention_days=2, every=0.05).start()
    deadline = time.monotonic() + 5
    while ThreadMemory(data).get(old) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    sweeper.stop()

    assert ThreadMemory(data).get(old) is None and list_feedback(data) == []
    assert ThreadMemory(data).get(fresh) is not None  # younger than the retention period


def test_a_message_deleted_in_slack_deletes_what_the_bot_kept_of_it(start_bot, fake_slack):
    bot = start_bot()
    event = mention("How did Schools Forum vote on de-delegation?")
    bot.event(event)
    turn = int(turn_id(fake_slack.final_reply("C1", event["ts"])))
    memory = ThreadMemory(bot.services.conversation.data_dir)
    assert memory.get(turn) is not None

    deleted = {"type": "message", "subtype": "message_deleted", "channel": "C1", "channel_type": "channel",
               "deleted_ts": event["ts"], "ts": next_ts(), "hidden": True}  # fmt: skip
    bot.event(deleted)

    deadline = time.monotonic() + 10
    while memory.get(turn) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert memory.get(turn) is None


def test_forget_erases_one_persons_questions_answers_and_feedback_and_says_how_many(tmp_path):
    data = tmp_path / "data"
    mine = [remember(data, "U0LEAVER"), remember(data, "U0LEAVER", thread="slack:D1:2.0")]
    theirs = remember(data, "U0STAYS")
    record_feedback(data, ThreadMemory(data).get(mine[0]), "U0STAYS", "not_helpful", set())  # on my question
    record_feedback(data, ThreadMemory(data).get(theirs), "U0LEAVER", "helpful", set())  # my verdict

    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "forget", "--user", "U0LEAVER"],
        capture_output=True, text=True, cwd=ROOT, env={**__import__("os").environ, "SENDBOT_DATA_DIR": str(data)},
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Erased for U0LEAVER: 2 questions and answers, 2 feedback."
    assert all(ThreadMemory(data).get(t) is None for t in mine)
    assert ThreadMemory(data).get(theirs) is not None and list_feedback(data) == []
