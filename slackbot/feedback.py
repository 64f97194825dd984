"""Helpful / not helpful verdicts on answers, kept for the team to review (`bot.py feedback`).

Each verdict stores its own copy of the question, answer and sources, so the record
stays readable whatever happens to thread memory. A user who changes their mind
replaces their earlier verdict on the same answer.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from slackbot.storage import database_path, opened
from slackbot.threads import StoredTurn

VERDICTS = ("helpful", "not_helpful")


def record_feedback(data_dir: Path, turn: StoredTurn, user: str, verdict: str, restricted: set[str]) -> None:
    """Keep the verdict with the question, the answer and its sources; a source from a
    restricted document keeps its citation but not its quote, so the feedback list shown to
    whoever improves the documents never repeats a restricted passage."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    with opened(data_dir) as db:
        db.execute(
            "INSERT INTO feedback (turn_id, question, answer, sources, user, verdict, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (turn_id, user) DO UPDATE SET verdict = excluded.verdict,"
            " created = excluded.created",
            (
                turn.id,
                turn.question,
                turn.answer,
                json.dumps([_without_restricted_quote(source, restricted) for source in turn.sources]),
                user,
                verdict,
                time.time(),
            ),
        )


def record_reason(data_dir: Path, turn_id: int, user: str, reason: str, detail: str) -> bool:
    """Add why to a "not helpful" verdict; False when there is no such verdict to add it to."""
    with opened(data_dir) as db:
        cursor = db.execute(
            "UPDATE feedback SET reason = ?, detail = ? WHERE turn_id = ? AND user = ?",
            (reason, detail[:1000], turn_id, user),
        )
        return cursor.rowcount == 1


def _without_restricted_quote(source: dict, restricted: set[str]) -> dict:
    return {k: v for k, v in source.items() if k != "quote"} if source.get("doc") in restricted else source


def list_feedback(data_dir: Path) -> list[dict]:
    """Every verdict, oldest first: question, answer, sources, user, verdict, time (ISO, UTC)."""
    if not database_path(data_dir).exists():
        return []
    with opened(data_dir) as db:
        rows = db.execute("SELECT * FROM feedback ORDER BY created, id").fetchall()
    return [
        {
            "question": row["question"],
            "answer": row["answer"],
            "sources": json.loads(row["sources"]),
            "user": row["user"],
            "verdict": row["verdict"],
            "reason": row["reason"],
            "detail": row["detail"],
            "time": datetime.fromtimestamp(row["created"], UTC).isoformat(),
        }
        for row in rows
    ]
