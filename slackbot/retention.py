"""How long the bot keeps what people asked, and erasing it on request.

Thread memory (questions, answers, sources) and the feedback copies of them expire after
SENDBOT_RETENTION_DAYS, swept on a timer while the bot runs, not only when someone asks; seen
event ids after an hour (slackbot.seen_events). A message deleted in Slack takes with it the
turn it asked and, when it started a thread, that thread's turns. `bot.py forget --user U…`
erases one person's questions, answers and feedback (a subject-access or erasure request).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from slackbot.seen_events import RETENTION_SECONDS as SEEN_EVENT_SECONDS
from slackbot.storage import opened

log = logging.getLogger(__name__)

SWEEP_SECONDS = 3600.0


def expire(data_dir: Path, retention_days: float, now: float | None = None) -> dict[str, int]:
    """Delete what is older than the retention period; how many records of each kind went."""
    now = time.time() if now is None else now
    cutoff = now - retention_days * 86400
    with opened(data_dir) as db:
        return {
            "turns": db.execute("DELETE FROM turns WHERE created < ?", (cutoff,)).rowcount,
            "feedback": db.execute("DELETE FROM feedback WHERE created < ?", (cutoff,)).rowcount,
            "seen events": db.execute("DELETE FROM seen_events WHERE seen < ?", (now - SEEN_EVENT_SECONDS,)).rowcount,
        }


def forget_user(data_dir: Path, user: str) -> dict[str, int]:
    """Erase one person's questions and answers, the feedback on them, and the feedback they gave."""
    with opened(data_dir) as db:
        feedback = db.execute(
            "DELETE FROM feedback WHERE user = ? OR turn_id IN (SELECT id FROM turns WHERE user = ?)", (user, user)
        ).rowcount
        turns = db.execute("DELETE FROM turns WHERE user = ?", (user,)).rowcount
    return {"questions and answers": turns, "feedback": feedback}


def forget_message(data_dir: Path, channel: str, ts: str) -> dict[str, int]:
    """A message deleted in Slack: the turn it asked, and a thread it started, go with it."""
    with opened(data_dir) as db:
        doomed = "SELECT id FROM turns WHERE message = ? OR thread = ?"
        keys = (f"{channel}:{ts}", f"slack:{channel}:{ts}")
        feedback = db.execute(f"DELETE FROM feedback WHERE turn_id IN ({doomed})", keys).rowcount
        turns = db.execute("DELETE FROM turns WHERE message = ? OR thread = ?", keys).rowcount
    return {"questions and answers": turns, "feedback": feedback}


class Sweeper:
    """Expires old records every SWEEP_SECONDS on a daemon thread, until stopped."""

    def __init__(self, data_dir: Path, retention_days: float, every: float = SWEEP_SECONDS) -> None:
        self.data_dir, self.retention_days, self.every = Path(data_dir), retention_days, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sendbot-retention", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while True:
            try:
                gone = expire(self.data_dir, self.retention_days)
                if any(gone.values()):
                    log.info("retention: removed %s", ", ".join(f"{n} {kind}" for kind, n in gone.items()))
            except Exception:
                log.exception("retention sweep failed")
            if self._stop.wait(self.every):
                return
