"""`bot.py actions`: the actions of action plans as records, from the published plans of the shared
corpus (checked against tests/fixtures/gold_action_plans.csv, written by someone who read every page of
every PDF and never the code; its notes are gold_action_plans.md) and from two synthetic plans in
other layouts (tests/action_plans.py), through the real ingest and CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from action_plans import PLAN_ACTIONS, make_landscape_pdf_plan, make_word_plan
from click.testing import CliRunner

from bot import cli
from ingest.actions import due_date, stated_status

AGENDA_PACK = "Leicester-CYPE-Scrutiny-2021-09-02 - Agenda pack.pdf"
GOLD = Path(__file__).parent / "fixtures" / "gold_action_plans.csv"
IRO_PLAN = "IRO Service Continuing Priorities"  # no lead, deadline or status column: not read as a plan


def run(index, *args: str) -> str:
    result = CliRunner().invoke(cli, ["actions", "--index", str(index), *args])
    assert result.exit_code == 0, result.output
    return result.output


def records(index, *args: str) -> list[dict]:
    return [json.loads(line) for line in run(index, "--json", *args).splitlines() if line.strip()]


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@pytest.fixture(scope="module")
def plans_index(tmp_path_factory, embedder) -> Path:
    """The two synthetic plans, ingested through the pipeline into an index of their own."""
    from ingest.pipeline import ingest_paths

    folder = tmp_path_factory.mktemp("plans")
    (folder / "improvement-plan.docx").write_bytes(make_word_plan())
    (folder / "wsoa-delivery-plan.pdf").write_bytes(make_landscape_pdf_plan())
    index_dir = tmp_path_factory.mktemp("plans_index")
    report = ingest_paths([folder], index_dir)
    assert not report.failed, report.failed
    return index_dir


def test_the_corpus_action_plans_match_the_independent_gold_list(corpus_index):
    with GOLD.open(newline="", encoding="utf-8") as handle:
        gold = list(csv.DictReader(handle))
    found = records(corpus_index)
    unmatched, matched = list(found), []
    for g in gold:
        hit = next((r for r in unmatched if r["doc"] == g["doc"] and r["ref"] == g["ref"]
                    and words(r["action"]).startswith(words(g["action_starts"]))), None)  # fmt: skip
        if hit is not None:
            unmatched.remove(hit)
            matched.append((g, hit))
    assert unmatched == []  # precision 1: every action read is one the gold list has
    missed = [g for g in gold if all(g is not m for m, _ in matched)]
    assert all(g["plan"].startswith(IRO_PLAN) for g in missed)  # recall: every action of the other plans
    assert len(matched) / len(gold) >= 0.85
    for field in ("owner", "due"):
        assert sum(words(r[field]) == words(g[field]) for g, r in matched) / len(matched) >= 0.95, field
    stated = [(g["status"] or "none stated", r["status"]) for g, r in matched]
    assert all(g == r for g, r in stated), "no plan read states a status: the APP prints a key, empty cells"


def test_an_action_that_fills_a_page_of_its_own_is_read(corpus_index):
    """Actions 2.1 and 2.5 each run over a whole landscape page, drawn without the rule below."""
    found = {r["ref"]: r for r in records(corpus_index, "--plan", "APP")}
    assert found["2.1"]["page"] == 102 and found["2.1"]["owner"].startswith("Tracie Rees")
    assert found["2.5"]["page"] == 106 and "Michelle Larke" in found["2.5"]["owner"]
    assert "twenty-nine different projects" in found["2.5"]["progress"]


def test_filters_by_owner_and_deadline(corpus_index):
    led = records(corpus_index, "--plan", "APP", "--owner", "killoran")
    assert {r["ref"] for r in led} == {"2.3", "2.4", "3.2", "3.3", "4.1"}
    early = records(corpus_index, "--plan", "APP", "--due-before", "2022-01-01")
    assert {r["due_date"] for r in early} == {"2021-12-31"}
    assert "2.3" not in {r["ref"] for r in early}  # its last milestone is March 2022


def test_statuses_are_as_printed_with_the_plans_own_key(plans_index):
    for layout, expected in PLAN_ACTIONS.items():
        found = [r for r in records(plans_index) if r["plan"] == expected[0][0]]
        assert [
            (r["plan"], r["ref"], r["action"], r["owner"], r["due"], r["status"]) for r in found
        ] == expected, layout


def test_a_status_filter_takes_the_colour_or_the_words(plans_index):
    assert {r["ref"] for r in records(plans_index, "--status", "amber")} == {"4", "B2"}
    assert {r["ref"] for r in records(plans_index, "--status", "on track")} == {"3", "A1"}
    assert {r["ref"] for r in records(plans_index, "--plan", "WSoA", "--status", "red")} == {"B1"}


def test_a_row_run_on_to_the_next_page_keeps_its_plans_columns(plans_index):
    (run_on,) = [r for r in records(plans_index) if r["ref"] == "B2"]
    assert run_on["page"] == 2
    assert run_on["area"] == "Preparing for adulthood"
    assert run_on["progress"] == "Two workshops held with the youth forum"


def test_csv_and_table_outputs(plans_index):
    rows = list(csv.DictReader(io.StringIO(run(plans_index, "--csv", "--plan", "improvement"))))
    assert [r["ref"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[1]["status"] == "Significant delay (Red)"
    table = run(plans_index, "--owner", "nobody of that name")
    assert table.strip() == "No actions match."


@pytest.mark.parametrize(
    ("cell", "key", "expected"),
    [
        ("Red", {"red": "Major delay", "major delay": "Red"}, "Major delay (Red)"),
        ("On track", {"on track": "Green", "green": "On track"}, "On track (Green)"),
        ("Complete and signed off", {}, "Complete and signed off"),
        ("See above", {"red": "Major delay"}, ""),
        ("", {"red": "Major delay"}, ""),
    ],
)
def test_stated_status(cell, key, expected):
    assert stated_status(cell, key) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Dec 21 Mar 22", "2022-03-31"),
        ("31/07/2025", "2025-07-31"),
        ("September 2025", "2025-09-30"),
        ("See above", ""),
        ("Termly", ""),
    ],
)
def test_due_date(cell, expected):
    assert due_date(cell) == expected


def ask(index, question: str) -> dict:
    result = CliRunner().invoke(cli, ["ask", "--index", str(index), "--json", question])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_asking_which_actions_are_red_lists_them_with_lead_deadline_and_source(plans_index):
    answer = ask(plans_index, "which WSoA actions are still red?")
    assert answer["found"]
    assert "action B1: Map supported internship places" in answer["answer"]
    assert "Lead: PfA Coordinator" in answer["answer"] and "Status: Not started (Red)" in answer["answer"]
    assert [(c["doc"], c["page"]) for c in answer["citations"]] == [("wsoa-delivery-plan.pdf", 1)]


def test_asking_who_leads_an_action_finds_it_by_its_words(plans_index):
    answer = ask(plans_index, "who's leading the EP recruitment action?")
    assert answer["answer"].startswith("Improvement Plan for SEND Services, action 2: Recruit two additional")
    assert "Lead: Principal EP" in answer["answer"]


def test_asking_for_a_status_a_plan_never_states_says_so_rather_than_guessing(corpus_index):
    answer = ask(corpus_index, "which APP actions are still red?")
    assert answer["found"]
    assert "states no status for any of its 12 actions" in answer["answer"]
    assert answer["citations"][0]["doc"] == AGENDA_PACK and answer["citations"][0]["page"] == 101


def test_an_action_plan_titled_by_its_heading_alone_is_read_with_its_timescales(corpus_index):
    """The LLR joint commissioning strategy's Appendix C has an Action column and, in its second
    table, a Suggested Year; no lead or status column."""
    short_breaks = [r for r in records(corpus_index, "--query", "short breaks respite")]
    assert [(r["plan"], r["due"], r["page"]) for r in short_breaks] == [("Appendix C - Action Plan", "Year 2", 82)]
    answer = ask(
        corpus_index,
        "In which year of the LLR joint commissioning action plan is the review of short breaks?",
    )
    [line] = [line for line in answer["answer"].splitlines() if "Jointly review short breaks" in line]
    assert "Year 2" in line and "Accelerated Progress Plan" not in answer["answer"]
    assert (answer["citations"][0]["doc"], answer["citations"][0]["page"]) == (AGENDA_PACK, 82)
