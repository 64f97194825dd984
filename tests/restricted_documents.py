"""A documents folder with restricted papers beside public ones, and the rules file that restricts them.

Public: three Leicester papers. Restricted to the SEND leads' channel, one admin and the SEND
team's user group: the `restricted/` folder (the Education and SEND strategies, whose
commitments are then restricted records, Kent Cabinet's minutes, whose decisions are, and a
draft action plan) and an exempt appendix matched by its file name. Each restricted paper made
here says things no public one does, so a reply can be checked for them.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from sample_documents import make_pdf

SEND_LEADS = "C0SENDLEADS"  # the channel the rules name
ALLOWED_USER = "U0ADMIN1"
SEND_TEAM = "S0SENDTEAM"  # the user group the rules name
TEAM_MEMBER = "U0TEAMMATE"

PUBLIC = [
    "leicester/Leicestershire-CFS-Scrutiny-2020-09-01 - SEND and Inclusion Strategy 2020-2023.pdf",
    "leicester/Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf",
    "leicester/Leicestershire - SEND strategic developments (web page).pdf",
]
RESTRICTED_COPIES = [
    "leicester/Leicester-CYPE-Scrutiny-2021-10-07 - Divisional 3-year Strategies Education and SEND.pdf",
    "real/Kent-Cabinet-2025-01-30 - Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf",
]
EXEMPT_NAME = "Appendix 3 EXEMPT - Quillfeather outreach contract.pdf"
EXEMPT_LINES = [
    "Appendix 3: Quillfeather Outreach Contract (exempt information)",
    "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A.",
    "The Quillfeather outreach contract with Brightwater Therapies Ltd is worth 412,000 pounds",
    "over three years, starting in April 2025.",
    "The contract provides speech and language therapy outreach to 38 mainstream primary schools.",
    "Brightwater Therapies Ltd was chosen over two other bidders on price and quality.",
]
DRAFT_PLAN_NAME = "Draft SEND improvement action plan.pdf"
DRAFT_PLAN_LINES = [
    "Draft SEND Improvement Action Plan (not for circulation)",
    "Action 4.2: Reduce the backlog of annual reviews at Marrowfield Special School.",
    "Lead: Head of SEND Casework. Status: red. 61 annual reviews are overdue.",
    "Action 4.3: Open the Larkspur resource base for autistic pupils by September 2026.",
    "Lead: Strategic Lead for Sufficiency. Status: amber.",
]
# What no reply to someone who may not see them may contain (besides the restricted documents'
# titles and file names, read from the index by `restricted_markers`).
RESTRICTED_SENTENCES = [
    "Quillfeather", "Brightwater", "412,000", "Schedule 12A", "Marrowfield", "Larkspur", "61 annual reviews",
    "We will monitor and update pupil place planning forecasts",  # the Education strategy's first commitment
    "9 January 2025 were a correct record",  # Kent Cabinet's first resolution
]

RULES = f"""
[[restricted]]
documents = ["restricted/**", "*EXEMPT*.pdf"]
channels = ["{SEND_LEADS}"]
users = ["{ALLOWED_USER}"]
usergroups = ["{SEND_TEAM}"]
"""


def make_documents(corpus: Path, folder: Path) -> Path:
    """The folder, filled: public papers at the top, restricted ones in restricted/ and by name."""
    (folder / "restricted").mkdir(parents=True, exist_ok=True)
    for name in PUBLIC:
        shutil.copy(corpus / name, folder / Path(name).name)
    for name in RESTRICTED_COPIES:
        shutil.copy(corpus / name, folder / "restricted" / Path(name).name)
    (folder / "restricted" / DRAFT_PLAN_NAME).write_bytes(make_pdf(DRAFT_PLAN_LINES))
    (folder / EXEMPT_NAME).write_bytes(make_pdf(EXEMPT_LINES))
    return folder


def write_rules(path: Path, text: str = RULES) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def restricted_markers(index_dir: Path) -> list[str]:
    """The distinctive sentences, and each restricted document's title and file name."""
    db = sqlite3.connect(Path(index_dir) / "current" / "index.sqlite")
    try:
        rows = db.execute("SELECT doc, title FROM documents WHERE access != '[]'").fetchall()
    finally:
        db.close()
    assert len(rows) == 4, rows
    return RESTRICTED_SENTENCES + [name for row in rows for name in row]


def leaks(reply: object, markers: list[str]) -> list[str]:
    """The markers a reply (any JSON-able object: a message, a payload, an answer) contains."""
    text = json.dumps(reply, ensure_ascii=False)
    return [marker for marker in markers if marker in text or marker.replace("&", "&amp;") in text]
