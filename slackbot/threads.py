"""Thread memory: the earlier questions and answers of a conversation, so follow-ups make sense.

A thread is named by its transport ("slack:C123:1712345678.000100", "terminal:<session>").
Every answered question is one stored turn; its id travels in the feedback and
"more sources" buttons, so a click can be traced back to what was asked and shown.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from answer.models import Answer, Turn
from slackbot.storage import opened

HISTORY_TURNS = 6  # enough for "and in year three?" chains; older turns only add noise


@dataclass
class StoredTurn:
    id: int
    thread: str
    user: str
    question: str
    resolved_question: str
    answer: str
    found: bool
    sources: list[dict]
    created: float


class ThreadMemory:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)

    def history(self, thread: str) -> list[Turn]:
        """The thread's latest turns, oldest first, as `answer_question` expects them."""
        with opened(self.data_dir) as db:
            rows = db.execute(
                "SELECT question, answer FROM turns WHERE thread = ? ORDER BY id DESC LIMIT ?",
                (thread, HISTORY_TURNS),
            ).fetchall()
        return [Turn(question=row["question"], answer=row["answer"]) for row in reversed(rows)]

    def recent_questions(self, user: str, limit: int) -> list[str]:
        """The user's latest questions, newest first, each once."""
        with opened(self.data_dir) as db:
            rows = db.execute("SELECT question FROM turns WHERE user = ? ORDER BY id DESC LIMIT ?", (user, limit * 3))
            return list(dict.fromkeys(row[0] for row in rows))[:limit]

    def knows(self, thread: str) -> bool:
        """Whether the bot has answered in this thread (within the retention period)."""
        with opened(self.data_dir) as db:
            return db.execute("SELECT 1 FROM turns WHERE thread = ? LIMIT 1", (thread,)).fetchone() is not None

    def remember(self, thread: str, user: str, answer: Answer, message: str = "") -> int:
        """Store one answered question (`message`: the Slack message that asked it, "C123:ts");
        returns its id. Old turns are swept by slackbot.retention."""
        now = time.time()
        with opened(self.data_dir) as db:
            cursor = db.execute(
                "INSERT INTO turns (thread, user, question, resolved_question, answer, found,"
                " sources, created, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    thread,
                    user,
                    answer.question,
                    answer.resolved_question or answer.question,
                    answer.text,
                    int(answer.found),
                    json.dumps([citation.as_json() for citation in answer.citations]),
                    now,
                    message,
                ),
            )
            return int(cursor.lastrowid or 0)

    def get(self, turn_id: int) -> StoredTurn | None:
        with opened(self.data_dir) as db:
            row = db.execute("SELECT * FROM turns WHERE id = ?", (turn_id,)).fetchone()
        if row is None:
            return None
        return StoredTurn(
            id=row["id"],
            thread=row["thread"],
            user=row["user"],
            question=row["question"],
            resolved_question=row["resolved_question"],
            answer=row["answer"],
            found=bool(row["found"]),
            sources=json.loads(row["sources"]),
            created=row["created"],
        )
