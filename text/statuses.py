"""How action plans state an action's status: RAG and BRAG colours, and the words for progress
that English council plans use beside them (a plan's own key, read by ingest.actions, adds its)."""

from __future__ import annotations

import re

COLOURS = ("red", "amber", "green", "blue", "grey", "gray", "black", "yellow", "purple", "white")
STATUS_WORDS = (
    "complete",
    "completed",
    "signed off",
    "closed",
    "done",
    "achieved",
    "delivered",
    "on track",
    "on target",
    "in progress",
    "ongoing",
    "started",
    "not started",
    "not yet started",
    "delayed",
    "minor delay",
    "major delay",
    "slipped",
    "slippage",
    "at risk",
    "off track",
    "overdue",
    "behind",
    "ahead",
    "cancelled",
    "dropped",
    "superseded",
)
STATUS = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, STATUS_WORDS + COLOURS), key=len, reverse=True)) + r")\b", re.I
)

# What became of a strategy's commitment, as a later report states it: the four outcomes
# `commitments --progress` gives, each with the words English council reports use for it.
# Only a stated word counts (a report's tone is never read as a status); a word negated just
# before it ("not yet completed") states nothing. Where a sentence states two, "on track" wins ("on
# track to be completed") and otherwise the last stated does ("was delayed but is now complete").
PROGRESS_WORDS = {
    "dropped": ("dropped", "not taken forward", "not progressed", "paused", "on hold", "withdrawn", "cancelled",
                "discontinued", "superseded", "stopped"),  # fmt: skip
    "on track": ("on track", "on target", "on schedule", "in progress", "ongoing"),
    # Not "delay" alone: "without delay" and "reduce the delay" state nothing of progress.
    "delayed": ("delayed", "behind schedule", "behind plan", "slipped", "slippage", "off track", "at risk",
                "overdue", "later than planned"),  # fmt: skip
    "delivered": ("delivered", "complete", "completed", "achieved", "done", "signed off", "closed", "implemented"),
}
PROGRESS = {
    outcome: re.compile(r"(?<!not )(?<!not yet )(?<!yet to be )\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.I)
    for outcome, words in PROGRESS_WORDS.items()
}


def stated_progress(text: str) -> str:
    """The outcome a report's sentence states ("delivered", "on track", "delayed", "dropped"), or ""."""
    if PROGRESS["on track"].search(text):
        return "on track"
    last = {outcome: [m.start() for m in words.finditer(text)] for outcome, words in PROGRESS.items()}
    stated = [(max(starts), outcome) for outcome, starts in last.items() if starts]
    return max(stated)[1] if stated else ""
