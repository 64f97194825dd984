"""Each loader reads a real file of its format, keeping pages, headings and tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from ingest import loaders
from ingest.chunk import chunk_blocks
from ingest.clean import clean_document
from ingest.describe import describe
from ingest.loaders import RULED_PAGE_MIN_SHAPES, _drawn_shapes, _pypdf_page, load
from ingest.models import Block
from ingest.structure import document_blocks

STRATEGIES = "leicester/Leicester-CYPE-Scrutiny-2021-10-07 - Divisional 3-year Strategies Education and SEND.pdf"
FORUM_PDF = "leicester/Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf"
AGENDA_PACK = "leicester/Leicester-CYPE-Scrutiny-2021-09-02 - Agenda pack.pdf"
RISK_REGISTER = "real/Kent-County-Council-2025-02-13 - Appendix J - Budget Risk Register.pdf"
KENT_REPORT = "real/Kent-Cabinet-2025-01-30 - 24-00109 - Transfer the 18-25 section of the Strengthening Independence Service - Report.pdf"
KENT_MINUTES = "real/Kent-Cabinet-2025-01-30 - Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"
EQIA = "real/Kent-Cabinet-2025-01-30 - 24-00096 - EQIA.pdf"
KENT_FRONTSHEET = "real/Kent-Cabinet-2025-01-30 - Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"


ROOT = Path(__file__).resolve().parents[1]


def read(path: Path):
    document = describe(clean_document(load(path)))
    return document, chunk_blocks(document_blocks(document))


def all_text(chunks) -> str:
    return "\n".join(c.text for c in chunks)


def test_pdf_keeps_page_numbers_and_metadata(corpus):
    document, chunks = read(corpus / FORUM_PDF)
    assert len(document.pages) == 17
    assert document.kind == "minutes"
    assert document.date == "2024-02-13"
    vote = next(c for c in chunks if "capping and scaling to the national funding formula" in c.text.lower())
    assert vote.page_start == 4
    assert "Approved: 13 Rejected: 2 Abstained: 1" in vote.text


def test_a_frontsheet_is_not_titled_by_its_meeting_time_and_contact_line(corpus):
    """Its first long line is "Thursday, 30th January, 2025, at 10.00 am Ask for: Georgina
    Little"; the file's name says what it is."""
    document, _ = read(corpus / KENT_FRONTSHEET)
    assert document.title == "Kent-Cabinet-2025-01-30 - Agenda frontsheet 30th-Jan-2025 10.00 Cabinet"
    assert document.kind == "agenda"


def test_pdf_table_cells_name_their_row_and_column(corpus):
    _, chunks = read(corpus / STRATEGIES)
    cell = next(c for c in chunks if "We will monitor and review the quality of early years provision" in c.text)
    assert "Year Two (2022-2023)" in cell.text
    assert cell.text.startswith("Priority one")
    assert cell.page_start == 7


@pytest.fixture(scope="module")
def agenda_pack_passages(corpus):
    """The 114-page agenda pack, read once for the tests that look into it."""
    return read(corpus / AGENDA_PACK)[1]


def test_a_short_table_row_reads_as_the_pdf_shows_it_under_its_column_names(agenda_pack_passages):
    """An officer quotes a row as the PDF shows it ("Moderate LD 6,547 29.8% 20.4%"): its
    cells stay in that order, between tabs, under the table's column names."""
    chunks = agenda_pack_passages
    row = "Moderate LD\t6,547\t29.8%\t20.4%"
    passage = next(c for c in chunks if row in c.text)
    lines = passage.text.split("\n")
    assert lines.index("Primary Need\tNumber\t% of Total\tNational Average") < lines.index(row)
    assert passage.page_start == 65


def test_a_risk_register_row_is_named_by_its_risk_and_keeps_its_figures_with_its_consequence(corpus):
    """A long row is cut between cells; the pieces are named by the risk's title (not only
    its directorate's code), and the likelihood and exposure stay with the consequence."""
    _, chunks = read(corpus / RISK_REGISTER)
    passage = passage_with(chunks, "may not be able to set a balanced budget.")
    assert passage.text.startswith("CYPE | High Needs Spending | Consequence:")
    assert "Current Likelihood (1-5):\n4\nEstimated Lifetime Financial Exposure:\n165.0" in passage.text
    transport = [c.text for c in chunks if c.text.startswith("CYPE | Home to School Transport |")]
    assert transport and all("High Needs" not in text for text in transport)


def test_a_form_of_one_cell_rows_is_read_row_by_row_not_as_one_caption(corpus):
    """The EqIA is a ruled form: a row per question and per answer. Taken for the table's
    caption, its rows made one unreadable passage per page."""
    _, chunks = read(corpus / EQIA)
    assert len(chunks) >= 8 and max(len(c.text) for c in chunks) <= 1000
    outcome = passage_with(chunks, "Summary of the outcome of the analysis: No change is required.")
    assert outcome.page_start == 1


def test_a_table_cut_between_passages_names_its_columns_again():
    header = "School\tPlaces\tOpening"
    rows = [Block("table_row", f"School {n} Academy\t{n * 8}\tSeptember 2026", 4, ["Places"], header=header) for n in range(60)]
    passages = chunk_blocks(rows)
    assert len(passages) >= 2
    for passage in passages:
        lines = passage.text.split("\n")
        assert lines[0] == header
        assert header not in lines[1:]
    assert sum(len(p.text.split("\n")) - 1 for p in passages) == 60


def passage_with(chunks, words: str):
    return next(c for c in chunks if words in " ".join(c.text.split()))


def test_numbered_paragraphs_stay_in_their_numbered_section(corpus):
    """A report numbers its paragraphs under numbered sections ("5. Financial Implications",
    "5.1 The budget for the statutory functions delivered by the 18-25 section of the" ...):
    the paragraph is cited under its section, not as a section of its own."""
    _, chunks = read(corpus / KENT_REPORT)
    assert passage_with(chunks, "5.1 The budget for the statutory functions").section == "5. Financial Implications"
    assert passage_with(chunks, "2.5 There are approximately 21,000 children").section == "2. Key Considerations"
    assert not [c.section for c in chunks if "Transitions is the process" in c.section]


def test_minutes_paragraphs_stay_under_their_agenda_item(corpus):
    _, chunks = read(corpus / KENT_MINUTES)
    update = passage_with(chunks, "Mr Love, Cabinet Member for Education and Skills, provided an update")
    assert update.section == "87. Cabinet Member Updates"
    resolution = passage_with(chunks, "Adopt the Integrated Care Strategy")
    assert resolution.section.startswith("91. 24/00115 - Kent County Council Integrated Care Strategy")
    assert not [c.section for c in chunks if "RESOLVED" in c.section or " Mr " in f" {c.section}"]


def test_a_numbered_list_is_not_taken_for_sections(agenda_pack_passages):
    """The strategy's seven numbered priorities, and the inspectors' numbered findings, are
    lists: read as headings, the last item was the section of every page after it."""
    priorities = passage_with(agenda_pack_passages, "2. Plan to meet statutory need within available resource")
    assert "1. Build on our understanding of need and demand" in priorities.text
    assert priorities.section.endswith("Priorities")
    findings = passage_with(agenda_pack_passages, "1. Lack of Joint Commissioning 2. Young people experience delays")
    assert findings.section.endswith("Purpose of this progress plan")
    listed = ("1. Build on our understanding", "6. Develop our joint working", "1. Lack of Joint Commissioning")
    assert not [c.section for c in agenda_pack_passages if any(item in c.section for item in listed)]


def test_a_letters_closing_is_not_a_section(agenda_pack_passages):
    """The inspectors' letter ends "Yours sincerely" in bold: taken for a heading, it was the
    section of the progress plan and every page after the letter."""
    plan = passage_with(agenda_pack_passages, "The Local Area Lead for this plan is Jane Young")
    assert plan.section.endswith("Purpose of this progress plan")
    assert not [c.section for c in agenda_pack_passages if "Yours sincerely" in c.section or "Dear " in c.section]


def test_a_strategy_after_its_cover_report_is_headed_by_its_own_title(corpus):
    """The committee report ends '10. Is this a "key decision"?'; the two strategies bound
    after it were cited under that question, the SEND strategy even under the Education one."""
    _, chunks = read(corpus / STRATEGIES)
    places = passage_with(chunks, "We will create an additional 200 Special School places")
    assert places.section.startswith("SEND Division Strategy > How will we achieve our Strategy?")
    sufficiency = passage_with(chunks, "Priority one: Sufficiency of Places")
    assert sufficiency.section.startswith("Education Division Strategy")
    assert not [c.section for c in chunks if c.page_start > 3 and "key decision" in c.section]


def test_a_report_appended_to_minutes_is_headed_by_its_own_title(corpus):
    """The scrutiny report bound after the Forum's minutes was cited under "7. Date of Next Meeting"."""
    _, chunks = read(corpus / FORUM_PDF)
    partner = passage_with(chunks, "Newton Europe, has been commissioned to support the programme")
    assert partner.section.startswith("CHILDREN AND FAMILY SERVICES OVERVIEW AND SCRUTINY COMMITTEE")
    appendix = [c.section for c in chunks if c.page_start == 16]  # its title wraps onto a second line
    assert appendix == ["Appendix - Overview of the Transforming SEND and Inclusion in Leicestershire (TSIL) programme"]
    assert not [c.section for c in chunks if c.page_start > 7 and "Date of Next Meeting" in c.section]


def test_an_agenda_packs_appendices_and_reports_are_headed_by_their_own_titles(agenda_pack_passages):
    letter = passage_with(agenda_pack_passages, "Jason Bennett Head of SEND Improvement")
    assert letter.section.startswith("Appendix 3: Accelerated Progress Plan (APP) approved by DfE")
    justice = passage_with(agenda_pack_passages, "1.6 Recommendations identified through the inspection")
    assert justice.section.startswith("Leicester City Children and Young People's Justice Service Draft > 1. Summary")
    titled = passage_with(agenda_pack_passages, "Appendix E - proposed governance structure for joint commissioning")
    assert titled.section.startswith("Appendix E - proposed governance structure for joint commissioning")
    assert not [c.section for c in agenda_pack_passages if c.page_start >= 91 and "key decision" in c.section]


def test_ruled_pages_are_found_from_their_bytes_as_parsing_them_would_find_them(corpus):
    path = corpus / RISK_REGISTER
    for number, page in enumerate(PdfReader(path).pages, start=1):
        _, parsed_shapes, _ = _pypdf_page(path, page, number)
        assert (_drawn_shapes(page) >= RULED_PAGE_MIN_SHAPES) == (parsed_shapes >= RULED_PAGE_MIN_SHAPES), number


def test_ruled_pages_that_the_table_reader_cannot_open_are_read_by_pypdf(corpus, monkeypatch):
    with_tables = load(corpus / RISK_REGISTER)
    assert all(page.tables for page in with_tables.pages[1:])

    def cannot_open(*args, **kwargs):
        raise pdfium.PdfiumError("Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(loaders, "open_pdf", cannot_open)
    without = load(corpus / RISK_REGISTER)

    assert not any(page.tables for page in without.pages)
    for page in without.pages:
        assert page.lines, f"page {page.number} lost its text"
    assert "High Needs" in "\n".join(line.text for page in without.pages for line in page.lines)


def test_when_the_table_reader_counts_other_pages_every_page_is_read_by_pypdf(corpus, monkeypatch):
    """A damaged page tree may be mended one way by pypdf and another by pdfium; page 7
    to one need not be page 7 to the other, so a ruled page is not read from the wrong page."""
    other_document = corpus / STRATEGIES  # 21 pages, not the register's 11
    monkeypatch.setattr(loaders, "open_pdf", lambda path: pdfium.PdfDocument(str(other_document)))
    document = load(corpus / RISK_REGISTER)

    assert len(document.pages) == 11
    assert not any(page.tables for page in document.pages)
    text = "\n".join(line.text for page in document.pages for line in page.lines)
    assert "High Needs" in text and "Priority one" not in text


def test_reading_a_pack_of_table_pages_keeps_one_page_in_memory_at_a_time(corpus):
    """Each table page is closed once read. Kept until the file closed, the 44 table pages of
    the agenda pack held 289 MB, and a long budget pack would meet the reader's memory cap."""
    script = (  # VmHWM, not ru_maxrss: that one keeps the forking test process's own peak across exec
        "import re, sys\n"
        "from ingest.reader import read_document\n"
        "read_document(sys.argv[1], 2000, 5_000_000)\n"
        "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(corpus / AGENDA_PACK)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert int(done.stdout.split()[-1]) / 1024 < 150, "peak MB of the process reading the pack"


def test_docx_reads_headings_tables_and_skips_running_header(corpus):
    document, chunks = read(corpus / "formats/Leicestershire-Schools-Forum-2024-02-13 - Minutes.docx")
    assert document.source_format == "docx"
    assert len(document.pages) > 1
    text = all_text(chunks)
    assert "Approved: 13 Rejected: 2 Abstained: 1" in text
    assert any("De-Delegation" in c.section for c in chunks)
    assert "Martin Towers" in text  # from the membership table


def test_html_takes_the_article_not_the_site_chrome(corpus):
    html = corpus / "formats/Leicestershire - SEND strategic developments.html"
    document, chunks = read(html)
    text = all_text(chunks).lower()
    assert "written statement of action" in text
    assert "cookie" not in text
    assert "&amp;" not in text and "&#" not in text
    assert document.kind == "web page"


def test_markdown_keeps_headings_as_sections(corpus):
    document, chunks = read(corpus / "formats/Leicestershire-CFS-Scrutiny-2020-09-01 - SEND and Inclusion Strategy 2020-2023.md")
    assert document.source_format == "md"
    assert document.title
    assert any(c.section for c in chunks)
    assert "**" not in all_text(chunks)


def test_text_files_split_pages_on_form_feeds(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("EHCP timeliness improved.\n\fSecond page about SEMH provision.\n")
    document, chunks = read(path)
    assert [p.number for p in document.pages] == [1, 2]
    assert chunks[-1].page_end == 2


RUNNING_HEADERS = [
    "Leicester City Council Divisional 3-year Strategies Education & SEND",
    "Leicestershire County Council Leicestershire Schools' Forum, 13 February 2024",
    "Minutes of the Leicestershire Schools' Forum Page",
]


def test_no_stored_passage_carries_page_furniture(corpus_index):
    """Running headers, footers, "Page N of M" and blank-page notices never reach the index."""
    import re
    import sqlite3

    from index.store import current_generation

    db = sqlite3.connect(current_generation(corpus_index) / "index.sqlite")
    passages = [row[0] for row in db.execute("SELECT text FROM chunks")]
    assert len(passages) > 500
    for text in passages:
        assert not re.search(r"\bPage \d+ of \d+\b", text), text
        assert "intentionally left blank" not in text.lower(), text
        for header in RUNNING_HEADERS:
            assert header not in text, text
