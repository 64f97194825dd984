"""Events already taken on, so a Slack retry is acknowledged but never answered twice.

Slack re-sends an event (X-Slack-Retry-Num) when it did not see our acknowledgement in
time, and after a restart it may re-send what the old process had already answered, so
the event ids are kept in the data folder rather than in memory.
"""

from __future__ import annotations

import time
from pathlib import Path

from slackbot.storage import opened

RETENTION_SECONDS = 3600.0  # Slack gives up retrying well within an hour


class SeenEvents:
    def __init__(self, data_dir: Path, retention_seconds: float = RETENTION_SECONDS) -> None:
        self.data_dir = Path(data_dir)
        self.retention_seconds = retention_seconds

    def first_sighting(self, event_id: str) -> bool:
        """True exactly once per event id (within the retention window), even across threads."""
        now = time.time()
        with opened(self.data_dir) as db:
            db.execute(
                "DELETE FROM seen_events WHERE seen < ?",
                (now - self.retention_seconds,),
            )
            cursor = db.execute(
                "INSERT OR IGNORE INTO seen_events (event_id, seen) VALUES (?, ?)",
                (event_id, now),
            )
            return cursor.rowcount == 1
