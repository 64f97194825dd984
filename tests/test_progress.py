"""`bot.py commitments --progress`: each commitment with what later documents of its council report
on it, quoted and cited, and a status only where a passage states one.

The later documents are tests/fixtures/progress/: Leicester City Council's 2023 progress reports on
its 2021-24 SEND and Education strategies and a 2020 consultation that predates them, written blind
from the strategy PDF with the gold list gold_progress_links.csv. Kent's minutes, later-dated but
another council's, are indexed beside them.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from answer.progress import NO_REPORT, NO_STATUS, later_documents
from bot import cli
from index.models import IndexedDocument
from text.statuses import stated_progress

FIXTURES = Path(__file__).parent / "fixtures" / "progress"
STRATEGY = "Leicester-CYPE-Scrutiny-2021-10-07 - Divisional 3-year Strategies Education and SEND.pdf"
KENT_MINUTES = "Kent-Cabinet-2025-01-30 - Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"
STATUSES = {"delivered", "on track", "delayed", "dropped"}


@pytest.fixture(scope="module")
def progress_index(corpus, embedder, tmp_path_factory) -> Path:
    from ingest.pipeline import ingest_paths

    folder = tmp_path_factory.mktemp("progress_documents")
    shutil.copy(corpus / "leicester" / STRATEGY, folder)
    shutil.copy(corpus / "real" / KENT_MINUTES, folder)
    for report in ("send-progress-2023.md", "education-progress-2023.md", "send-consultation-2020.md"):
        shutil.copy(FIXTURES / report, folder)
    index_dir = tmp_path_factory.mktemp("progress_index")
    report = ingest_paths([folder], index_dir)
    assert not report.failed, report.failed
    return index_dir


def progress(index: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["commitments", "--index", str(index), "--progress", "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def gold() -> list[dict]:
    with (FIXTURES / "gold_progress_links.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_links_go_only_to_later_documents_of_the_strategy_s_own_council(progress_index):
    linked = {report["doc"] for record in progress(progress_index) for report in record["reports"]}
    assert linked == {"send-progress-2023.md", "education-progress-2023.md"}  # not 2020's, not Kent's


def test_most_links_shown_are_ones_the_gold_list_has(progress_index):
    pairs = {(g["commitment"], g["report"]) for g in gold()}
    shown = [(r["text"], link["doc"]) for r in progress(progress_index) for link in r["reports"]]
    assert len(shown) >= 40
    assert sum(pair in pairs for pair in shown) / len(shown) >= 0.6  # bench/progress.py: 0.71 dev, 0.78 test


def test_a_delivered_commitment_is_quoted_with_the_status_its_report_states(progress_index):
    [dsp] = [r for r in progress(progress_index, "--query", "100 DSP places")]
    assert dsp["progress_status"] == "delivered"
    assert any("112" in link["quote"] and link["doc"] == "send-progress-2023.md" for link in dsp["reports"])


def test_a_status_is_shown_only_where_the_quote_states_one(progress_index):
    records = progress(progress_index)
    for record in records:
        for link in record["reports"]:
            assert link["status"] == (stated_progress(link["quote"]) or "none stated")
        if not record["reports"]:
            assert record["progress_status"] == NO_REPORT
        else:
            assert record["progress_status"] in STATUSES | {NO_STATUS}
    assert sum(not r["reports"] for r in records) >= 100  # most commitments: no later report found


def test_the_table_names_each_commitment_s_progress_and_its_sources(progress_index):
    result = CliRunner().invoke(cli, ["commitments", "--index", str(progress_index), "--progress",
                                      "--query", "independent travel training"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Progress: delayed" in result.output and "behind schedule" in result.output
    assert "SEND Division Strategy 2021-24: Year Two progress report, 2023-09-14, p.1 (states: delayed)" in result.output


def test_asking_what_happened_to_a_commitment_answers_with_it_and_its_later_report(progress_index):
    result = CliRunner().invoke(cli, ["ask", "--index", str(progress_index), "--json",
                                      "what happened to our commitment to 100 extra DSP places?"])  # fmt: skip
    answer = json.loads(result.output)
    assert answer["found"]
    first, *rest = answer["answer"].splitlines()
    assert first.startswith("The SEND strategy committed to: We will create an additional 100 DSP places")
    assert any("(it states: delivered)" in line and "112" in line for line in rest)
    assert {c["doc"] for c in answer["citations"]} == {STRATEGY, "send-progress-2023.md"}


def document(doc: str, date: str, *names: str) -> IndexedDocument:
    return IndexedDocument(0, doc, doc, date, Path(doc), 1, names)


def test_later_documents_are_dated_after_and_carry_the_strategy_s_first_name():
    strategy = document("strategy.pdf", "2021-10-07", "leicester", "cype")
    others = [
        document("report.md", "2023-09-14", "scrutiny", "leicester"),
        document("earlier.md", "2020-12-03", "leicester"),
        document("undated.pdf", "", "leicester"),
        document("kent.pdf", "2025-01-30", "kent", "cabinet"),
        document("county.pdf", "2024-02-13", "leicestershire"),
        strategy,
    ]
    assert [d.doc for d in later_documents(strategy, others)] == ["report.md"]
    assert later_documents(document("undated-strategy.pdf", "", "leicester"), others) == []


@pytest.mark.parametrize(
    ("sentence", "outcome"),
    [
        ("The online application went live in August 2022 and this action is complete.", "delivered"),
        ("Recruitment is on track to be completed by March 2024.", "on track"),
        ("The refurbishment was delayed but is now complete.", "delivered"),
        ("The hub is behind schedule because the building works were re-tendered.", "delayed"),
        ("The Family Engagement Worker pilot has been paused.", "dropped"),
        ("The review is not yet completed.", ""),
        ("Families get provision without delay through the Fair Access Protocol.", ""),
        ("We will launch the strategy in 2022.", ""),
    ],
)
def test_stated_progress_reads_only_the_outcome_a_sentence_states(sentence, outcome):
    assert stated_progress(sentence) == outcome
