"""Ruled table pages read through pdfium come out as pdfplumber itself lays them out."""

from __future__ import annotations

import pdfplumber
import pytest
from pypdf import PdfWriter

from ingest.ruled_pages import open_pdf, read_ruled_page

STRATEGIES = "leicester/Leicester-CYPE-Scrutiny-2021-10-07 - Divisional 3-year Strategies Education and SEND.pdf"
AGENDA_PACK = "leicester/Leicester-CYPE-Scrutiny-2021-09-02 - Agenda pack.pdf"
RISK_REGISTER = "real/Kent-County-Council-2025-02-13 - Appendix J - Budget Risk Register.pdf"
CALL_IN = "real/Kent-Cabinet-2025-03-04 - Scrutiny Committee - call-in Family Hubs Report to Cabinet - FINAL.pdf"


def pdfplumber_tables(path, index: int) -> list[list[list[str]]]:
    """What pdfplumber alone makes of a page's tables: the reference."""
    with pdfplumber.open(path) as pdf:
        grids = [table.extract() for table in pdf.pages[index].find_tables()]
    return [[[(cell or "").strip() for cell in row] for row in grid] for grid in grids]


def ruled_page(path, index: int):
    document = open_pdf(str(path))
    try:
        return read_ruled_page(document, index)
    finally:
        document.close()


def all_rows(table) -> list[list[str]]:
    spanning = [[table.caption, *[""] * (len(table.rows[0]) - 1)]] if table.caption and table.rows else []
    return [*spanning, *([table.header] if table.header else []), *table.rows]


@pytest.mark.parametrize(
    ("document", "page"),
    [(STRATEGIES, 9), (STRATEGIES, 20), (AGENDA_PACK, 110), (AGENDA_PACK, 77), (RISK_REGISTER, 1)],
)
def test_cells_match_pdfplumbers_own_reading(corpus, document, page):
    """A strategy's priority-by-year table, a budget table, an action plan, a risk register."""
    expected = [[cell for cell in row] for grid in pdfplumber_tables(corpus / document, page) for row in grid]
    found = ruled_page(corpus / document, page)
    assert found.tables
    body_rows = [row for table in found.tables for row in table.rows]
    assert body_rows and all(row in expected for row in body_rows)
    headers = [table.header for table in found.tables if table.header]
    assert all(header in expected for header in headers)


def test_table_text_stays_out_of_the_page_lines(corpus):
    found = ruled_page(corpus / STRATEGIES, 9)
    lines = "\n".join(line.text for line in found.lines)
    cells = [cell for table in found.tables for row in table.rows for cell in row if len(cell) > 40]
    assert cells and not any(cell.splitlines()[0] in lines for cell in cells)


def test_a_numbered_paragraph_keeps_the_space_after_its_number(corpus):
    """Word draws "10." and its space as text objects of their own; pdfium's text drops the
    space, and the paragraph would read "10.Section 17.74"."""
    lines = [line.text for line in ruled_page(corpus / CALL_IN, 2).lines]
    assert any(line.startswith("10. Section 17.74 of the Constitution") for line in lines)
    assert not [line for line in lines if line[:3] in ("10.", "11.", "12.") and line[3] != " "]


def test_a_hyphen_ending_a_line_is_kept(corpus):
    """pdfium marks it as a soft hyphen; the cleaner decides whether to join the word."""
    (progress,) = [cell for cell in ruled_page(corpus / AGENDA_PACK, 101).tables[0].rows[0] if "LO website" in cell]
    assert "LO website which will be further refined through co-" in progress.splitlines()


def test_a_row_the_page_break_leaves_unruled_below_is_read_as_a_table_row(corpus):
    """The action plan's action 2.5 fills page 106, drawn with its column lines but no rule under it."""
    page = ruled_page(corpus / AGENDA_PACK, 105)
    (table,) = page.tables
    (row,) = table.rows
    assert row[0] == "2" and " ".join(row[2].split()).startswith("5. Establish a clear procedure")
    assert not any("Establish a clear" in line.text for line in page.lines)


def test_font_size_and_weight_are_as_drawn(corpus):
    """The running header is 8 pt as printed (pdfium reports the font's size before the
    page's scaling, 10.7); the cover's title is bold."""
    lines = ruled_page(corpus / AGENDA_PACK, 0).lines
    header = next(line for line in lines if line.text.startswith("Leicester City Council Children, Young People"))
    assert header.size == 8.0 and not header.bold
    title = next(line for line in lines if line.text == "Leicester")
    assert title.bold and title.size == 17.0


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_rotated_page_reads_as_pdfplumber_reads_it(corpus, tmp_path, rotation):
    rotated = tmp_path / f"rotated-{rotation}.pdf"
    writer = PdfWriter(clone_from=corpus / STRATEGIES)
    writer.pages[9].rotate(rotation)
    writer.write(rotated)
    expected = [row for grid in pdfplumber_tables(rotated, 9) for row in grid]
    found = ruled_page(rotated, 9)
    body_rows = [row for table in found.tables for row in table.rows]
    assert body_rows and all(row in expected for row in body_rows)
