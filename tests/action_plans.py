"""Two synthetic action plans in layouts the shared corpus does not have, made on the spot.

- a Word plan: a table headed No. / Action / Owner / Timescale / RAG / Update, its RAG cells
  colours only, spelled out by a key written as a sentence above the table;
- a landscape PDF plan: a ruled table headed Ref / Priority / What we will do / Responsible
  officer / Deadline / Status / Progress update, its status cells words only, the colours only in
  a ruled key table; the table runs on to a second page without its header.

PLAN_ACTIONS holds what each plan states, for the tests to compare with.
"""

from __future__ import annotations

import io

from sample_documents import pdf_escaped, pdf_of_pages

WORD_KEY = "RAG key: Blue = Complete, Green = On track, Amber = Some slippage, Red = Significant delay"
WORD_MEANINGS = {
    "Blue": "Complete",
    "Green": "On track",
    "Amber": "Some slippage",
    "Red": "Significant delay",
}
WORD_ROWS = [
    (
        "1",
        "Publish the refreshed Local Offer website",
        "Head of SEND Services",
        "March 2025",
        "Blue",
        "Went live on 3 March.",
    ),
    (
        "2",
        "Recruit two additional educational psychologists",
        "Principal EP",
        "September 2025",
        "Red",
        "Second round of adverts closed with no appointable candidates.",
    ),
    (
        "3",
        "Audit 50 EHC plans a term against the quality framework",
        "Quality Assurance Lead",
        "Termly",
        "Green",
        "Autumn audit complete; 48 plans audited.",
    ),
    (
        "4",
        "Agree a joint funding protocol with the ICB",
        "Director of Education",
        "June 2025",
        "Amber",
        "Draft protocol with ICB legal.",
    ),
]
PDF_KEY = [("Not started", "Red"), ("In progress", "Amber"), ("On track", "Green"), ("Completed", "Blue")]
PDF_HEADER = [
    "Ref",
    "Priority",
    "What we will do",
    "Responsible officer",
    "Deadline",
    "Status",
    "Progress update",
]
PDF_ROWS = [
    [
        "A1",
        "Early identification",
        "Train all early years SENCOs in the graduated approach",
        "Early Years Lead",
        "31/07/2025",
        "On track",
        "Four of six cohorts trained",
    ],
    [
        "A2",
        "Early identification",
        "Launch the speech and language drop-in clinics",
        "SALT Service Manager",
        "Jan 2025",
        "Completed",
        "Clinics running in all four localities",
    ],
    [
        "B1",
        "Preparing for adulthood",
        "Map supported internship places across the county",
        "PfA Coordinator",
        "Dec 2025",
        "Not started",
        "Waiting for college data",
    ],
]
PDF_RUN_ON_ROWS = [
    [
        "B2",
        "Preparing for adulthood",
        "Co-produce a post-16 transport policy with young people",
        "Transport Manager",
        "April 2026",
        "In progress",
        "Two workshops held with the youth forum",
    ],
]

# The Word plan's next version: three RAG ratings moved (2 Red -> Amber, 3 Green -> Blue, 4 Amber
# -> Green), one action added, one unchanged.
UPDATED_WORD_ROWS = [
    WORD_ROWS[0],
    (*WORD_ROWS[1][:4], "Amber", "One EP appointed; second post re-advertised."),
    (*WORD_ROWS[2][:4], "Blue", "All plans audited."),
    (*WORD_ROWS[3][:4], "Green", "Protocol agreed by the ICB board."),
    (
        "5",
        "Publish a post-16 SEND travel training offer",
        "Transport Manager",
        "January 2026",
        "Red",
        "Not started: waiting for funding.",
    ),
]

# (plan, ref, action, owner, due, status as the bot states it) per plan.
PLAN_ACTIONS = {
    "word": [
        ("Improvement Plan for SEND Services", ref, action, owner, due, f"{WORD_MEANINGS[rag]} ({rag})")
        for ref, action, owner, due, rag, _ in WORD_ROWS
    ],
    "pdf": [
        (
            "Written Statement of Action - delivery plan",
            ref,
            action,
            owner,
            due,
            f"{status} ({dict(PDF_KEY)[status]})",
        )
        for ref, _, action, owner, due, status, _ in PDF_ROWS + PDF_RUN_ON_ROWS
    ],
}


def make_word_plan(rows: list[tuple] = WORD_ROWS) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("Improvement Plan for SEND Services", level=1)
    document.add_paragraph(WORD_KEY)
    table = document.add_table(rows=1, cols=6)
    for cell, name in zip(
        table.rows[0].cells, ["No.", "Action", "Owner", "Timescale", "RAG", "Update"], strict=True
    ):
        cell.text = name
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_landscape_pdf_plan() -> bytes:
    """Two landscape A4 pages: the key and the plan's first rows, then its rows run on."""
    widths = [40, 110, 200, 120, 70, 70, 150]
    first = _page_ops(
        [(40, 555, 14, "Written Statement of Action - delivery plan"), (40, 520, 10, "Status key")],
        [_grid(40, 510, [110, 60], [[a, b] for a, b in PDF_KEY])]
        + [_grid(40, 360, widths, [PDF_HEADER, *PDF_ROWS])],
    )
    second = _page_ops([], [_grid(40, 555, widths, PDF_RUN_ON_ROWS)])
    return pdf_of_pages([first, second], (842, 595))


def _grid(
    left: float, top: float, widths: list[float], rows: list[list[str]], height: float = 34
) -> list[str]:
    """A ruled table: its cell borders and each cell's text (wrapped at about 30 characters a line)."""
    ops = ["0.5 w"]
    for r in range(len(rows) + 1):  # each cell's own top and bottom rule, as table software draws them
        y, x = top - r * height, left
        for width in widths:
            ops.append(f"{x} {y} m {x + width} {y} l S")
            x += width
    x = left
    for width in [0, *widths]:
        x += width
        ops.append(f"{x} {top} m {x} {top - len(rows) * height} l S")
    for r, row in enumerate(rows):
        x = left
        for width, text in zip(widths, row, strict=True):
            for n, piece in enumerate(_wrapped(text, int(width / 5))):
                ops.append(_text(x + 3, top - r * height - 11 - n * 10, 8, piece))
            x += width
    return ops


def _wrapped(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, max(width, 6)) or [""]


def _text(x: float, y: float, size: float, text: str) -> str:
    return f"BT /F1 {size} Tf {x} {y} Td ({pdf_escaped(text)}) Tj ET"


def _page_ops(texts: list[tuple[float, float, float, str]], grids: list[list[str]]) -> bytes:
    ops = [_text(x, y, size, text) for x, y, size, text in texts]
    for grid in grids:
        ops += grid
    return "\n".join(ops).encode("latin-1")
