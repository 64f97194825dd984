"""Commitments extracted at ingest: checked against a gold list read off the strategies.

The index is the real one (conftest `corpus_index`: every PDF of the shared corpus through
the real pipeline and model); tests/fixtures/gold_commitments.csv lists every bullet
(with or without "We will") of the year columns of both Leicester divisional strategies, drafted from the
PDF's word positions and checked by reading (see tests/fixtures/build_gold_commitments.py).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from index.records import find_commitments
from ingest.commitments import extract_commitments
from ingest.models import Line, Page, ParsedDocument, Table
from ingest.reader import read_document

FIXTURES = Path(__file__).parent / "fixtures"
STRATEGIES = "Leicester-CYPE-Scrutiny-2021-10-07 - Divisional 3-year Strategies Education and SEND.pdf"
AGENDA_PACK = "Leicester-CYPE-Scrutiny-2021-09-02 - Agenda pack.pdf"


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("’", "'")).split())


def _key(strategy, priority, year, text) -> tuple:
    return (strategy, int(priority), year, _words(text))


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    with (FIXTURES / "gold_commitments.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def strategy_records(searcher):
    return [c for c in find_commitments(searcher) if c.doc == STRATEGIES]


def test_gold_list_covers_both_strategies_and_all_their_priorities(gold):
    priorities = {(row["strategy"], int(row["priority"])) for row in gold}
    assert priorities == {("Education", n) for n in range(1, 6)} | {("SEND", n) for n in range(1, 5)}
    assert len(gold) == 178


def test_recall_and_precision_against_the_gold_list(gold, strategy_records):
    expected = Counter(_key(r["strategy"], r["priority"], r["year"], r["text"]) for r in gold)
    found = Counter(_key(c.strategy, c.priority, c.year, c.text) for c in strategy_records)
    right = sum((expected & found).values())
    recall, precision = right / sum(expected.values()), right / sum(found.values())
    assert recall >= 0.95 and precision >= 0.95, (recall, precision, expected - found, found - expected)


def test_counts_per_strategy_priority_and_year_match_the_gold_table(gold, strategy_records):
    expected = Counter((r["strategy"], int(r["priority"]), r["year"]) for r in gold)
    found = Counter((c.strategy, c.priority, c.year) for c in strategy_records)
    assert found == expected


def test_a_known_cell_gives_one_record_per_bullet_word_for_word(strategy_records):
    """SEND, priority two, Year One, the "EHCPs" cell on p.17: four bullets, four records."""
    cell = [c for c in strategy_records
            if c.strategy == "SEND" and c.priority == 2 and c.year == "2021-2022" and "EHCPs" in c.themes]
    assert [c.text for c in cell] == [
        "We will embed the new SEND Education Service structure, to meet growing demand and review "
        "processes to ensure the service works effectively",
        "We will ensure all new EHCPs are compliant with the Code of Practice and clearly identify outcomes "
        "for children and young people",
        "We will ensure there is a robust Quality Assurance processes in place for EHCP which impacts practice",
        "We will review the Annual Review process, amend and share across education settings",
    ]
    assert {c.page for c in cell} == {17}
    assert {c.year_label for c in cell} == {"Year One (2021-2022)"}
    assert all("EHCP" in c.themes for c in cell)


def test_a_table_carried_over_to_the_next_page_keeps_its_priority(strategy_records):
    """Education priority five runs from p.11 onto p.12; its Year One has 9 + 3 bullets."""
    year_one = [c for c in strategy_records if c.strategy == "Education" and c.priority == 5 and c.year == "2021-2022"]
    assert Counter(c.page for c in year_one) == {11: 9, 12: 3}
    assert year_one[-1].text.startswith("We will work with the Virtual School")


def test_each_record_holds_one_bullet(strategy_records):
    for record in strategy_records:
        assert "•" not in record.text and "\n" not in record.text
        assert len(re.findall(r"\bWe will\b", record.text)) <= 1, record.text


def test_bullets_without_we_will_are_commitments_too(strategy_records):
    """A year column commits to every bullet in it: the SEND strategy has ten without "We will"."""
    without = [c for c in strategy_records if not c.text.startswith("We will")]
    assert len(without) == 10 and {c.strategy for c in without} == {"SEND"}
    texts = {(c.priority, c.year, c.text) for c in without}
    assert (3, "2022-2023", "Monitor and review sufficiency of Special Schools placements") in texts
    assert (3, "2022-2023", "All Out of Authority provision is quality assured") in texts


def test_priority_titles_are_the_short_titles_the_strategy_gives(strategy_records):
    titles = {(c.strategy, c.priority): c.priority_title for c in strategy_records}
    assert titles[("Education", 1)] == "Sufficiency of Places"
    assert titles[("Education", 3)] == "Readiness for school"
    assert titles[("SEND", 2)] == "Effective by managing increasing levels of demand and need in SEND"


def test_theme_tags_come_from_titles_row_themes_and_text(strategy_records):
    by_text = {c.text: c.themes for c in strategy_records}
    assert "early years" in by_text["We will audit early years capacity impacted by Covid and identify gaps in provision"]
    assert "sufficiency" in by_text["We will create an additional 200 Special School places to meet growing demand for our children and young people"]
    assert "preparation for adulthood" in by_text[
        "We will launch our preparing for adulthood strategy and action plan and form a partnership group with "
        "key representatives to oversee its progress"]
    assert "short breaks" in by_text["We will continue to embed and monitor the impact of any changes"]
    assert "Choice and Control" in by_text["We will continue to review and evaluate the take up of Personal Budgets"]


def test_numbered_actions_of_another_strategy_are_read_with_their_suggested_years(searcher):
    """The LLR joint commissioning strategy in the agenda pack: a numbered action table and
    a table of later actions with a "Suggested Year" column (its period is 2021 - 2024)."""
    records = [c for c in find_commitments(searcher, strategy="SEND Joint Commissioning") if c.doc == AGENDA_PACK]
    texts = [c.text for c in records]
    assert "Jointly develop a pre, diagnostic and post support pathway for children with Neurodevelopmental needs." in texts
    assert Counter(c.year for c in records if c.year) == {"2022-2023": 10, "2023-2024": 9}
    assert all(c.strategy == "SEND Joint Commissioning" for c in records)


def test_kent_documents_which_are_not_strategies_give_no_commitments(searcher):
    assert [c for c in find_commitments(searcher) if c.doc.startswith("Kent")] == []


# -- the same code on strategies it has never seen ------------------------------------------


def test_we_will_lists_under_priority_headings_and_numbered_actions(tmp_path):
    path = tmp_path / "Borough Inclusion Strategy.md"
    path.write_text(
        "# Borough Inclusion Strategy 2023 to 2026\n\nWhat we will do over three years.\n\n"
        "## Priority 1: Early identification\n\nWe will:\n\n- work with health visitors to spot needs early\n"
        "- train nursery staff in early identification\n\n"
        "## Priority 2 - Preparing for adulthood\n\n- We will publish a preparing for adulthood guide.\n"
        "- We will offer every young person with an EHCP a transition review from Year 9.\n"
        "- Young people tell us they want more choice.\n\n"
        "## Priority 3: Sufficiency\n\n### Year 2 (2024/25)\n\n- We will open two new resource bases.\n\n"
        "## Actions\n\n1. Review the short breaks offer with parents.\n2. Publish the local offer in easy read.\n"
    )
    records = read_document(str(path), max_pages=100, max_text_chars=1_000_000).commitments
    assert [(c.strategy, c.priority, c.year, c.text) for c in records] == [
        ("Borough Inclusion", 1, "", "work with health visitors to spot needs early"),
        ("Borough Inclusion", 1, "", "train nursery staff in early identification"),
        ("Borough Inclusion", 2, "", "We will publish a preparing for adulthood guide."),
        ("Borough Inclusion", 2, "", "We will offer every young person with an EHCP a transition review from Year 9."),
        ("Borough Inclusion", 3, "2024-2025", "We will open two new resource bases."),
        ("Borough Inclusion", None, "", "Review the short breaks offer with parents."),
        ("Borough Inclusion", None, "", "Publish the local offer in easy read."),
    ]
    assert records[0].priority_title == "Early identification"
    assert "EHCP" in records[3].themes


def test_relative_year_columns_use_the_plan_period_and_unbulleted_cells_count(tmp_path):
    path = tmp_path / "Short Breaks Plan.md"
    path.write_text(
        "# Short Breaks Plan 2022-2025\n\n| Priority 1: Short breaks offer | | |\n| Year 1 | Year 2 | Year 3 |\n"
        "|---|---|---|\n| Review the offer with families | Commission new holiday clubs | Evaluate the clubs |\n"
    )
    records = read_document(str(path), max_pages=100, max_text_chars=1_000_000).commitments
    assert [(c.priority, c.year, c.year_label, c.text) for c in records] == [
        (1, "2022-2023", "Year 1", "Review the offer with families"),
        (1, "2023-2024", "Year 2", "Commission new holiday clubs"),
        (1, "2024-2025", "Year 3", "Evaluate the clubs"),
    ]


def _strategy_document(pages: list[Page]) -> ParsedDocument:
    return ParsedDocument(path="x.pdf", title="Inclusion Strategy 2022-2025", pages=pages, kind="strategy")


def test_a_table_continued_without_caption_and_a_bullet_cut_by_the_page_break():
    header = ["Year 1 (2022/23)", "Year 2 (2023/24)", "Year 3 (2024/25)"]
    first = Table(page=4, header=header, top=100, caption="Priority 2: Inclusion in mainstream",
                  rows=[["Outreach\n• We will set up an outreach team\n• We will train SENCos in every school to",
                         "• We will review the outreach offer", ""]])
    second = Table(page=5, header=header, top=60,
                   rows=[["use the inclusion toolkit", "• We will publish the outreach review", "• We will evaluate it"]])
    pages = [Page(4, [Line("Inclusion Strategy 2022-2025", top=40)], [first]), Page(5, [], [second])]
    records = extract_commitments(_strategy_document(pages))
    assert [(c.priority, c.year, c.page, c.text) for c in records] == [
        (2, "2022-2023", 4, "We will set up an outreach team"),
        (2, "2022-2023", 4, "We will train SENCos in every school to use the inclusion toolkit"),
        (2, "2023-2024", 4, "We will review the outreach offer"),
        (2, "2023-2024", 5, "We will publish the outreach review"),
        (2, "2024-2025", 5, "We will evaluate it"),
    ]
    assert all("Outreach" in c.themes for c in records)
    assert all(c.priority_title == "Inclusion in mainstream" for c in records)


def test_money_tables_with_year_columns_are_not_commitments():
    table = Table(page=1, header=["Budget line", "2024-25 £000", "2025-26 £000"], top=100,
                  rows=[["Special schools", "32,717", "34,000"]])
    document = _strategy_document([Page(1, [Line("Inclusion Strategy 2022-2025", top=40)], [table])])
    assert extract_commitments(document) == []


def test_priorities_down_the_side_and_years_across_the_top():
    table = Table(page=2, header=["Priority", "2022/23", "2023/24"], top=100, rows=[
        ["Priority 1: Early help", "• We will open a family hub", "• We will open two more"],
        ["Priority 2: EHCPs", "• We will cut waiting times\n• We will hire caseworkers", "• We will audit plans"],
    ])
    document = _strategy_document([Page(2, [Line("Inclusion Strategy 2022-2025", top=40)], [table])])
    assert [(c.priority, c.priority_title, c.year, c.text) for c in extract_commitments(document)] == [
        (1, "Early help", "2022-2023", "We will open a family hub"),
        (1, "Early help", "2023-2024", "We will open two more"),
        (2, "EHCPs", "2022-2023", "We will cut waiting times"),
        (2, "EHCPs", "2022-2023", "We will hire caseworkers"),
        (2, "EHCPs", "2023-2024", "We will audit plans"),
    ]
