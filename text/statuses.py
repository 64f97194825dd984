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
