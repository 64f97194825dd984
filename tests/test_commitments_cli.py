"""`bot.py commitments`: filters, year spellings and the three output formats, on the real index."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from bot import cli
from index.records import normalise_year

STRATEGIES = "Leicester-CYPE-Scrutiny-2021-10-07 - Divisional 3-year Strategies Education and SEND.pdf"
SEND_YEARS = ["2021-2022", "2022-2023", "2023-2024"]


def run(index, *args: str) -> str:
    result = CliRunner().invoke(cli, ["commitments", "--index", str(index), *args])
    assert result.exit_code == 0, result.output
    return result.output


def records(index, *args: str) -> list[dict]:
    return [json.loads(line) for line in run(index, "--json", *args).splitlines() if line.strip()]


@pytest.mark.parametrize(
    "spelling", ["2022-2023", "2022-23", "2022/23", "22-23", "2022/2023", "Year Two", "year 2", "Year 2", "second year"]
)
def test_every_year_spelling_finds_the_same_commitments(corpus_index, spelling):
    found = records(corpus_index, "--strategy", "SEND", "--priority", "2", "--year", spelling)
    assert len(found) == 10  # nine "We will" bullets and "Evaluate progress. ..."
    assert {r["year"] for r in found} == {"2022-2023"}


@pytest.mark.parametrize(
    ("text", "available", "expected"),
    [
        ("Year Two", SEND_YEARS, "2022-2023"),
        ("year 3", SEND_YEARS, "2023-2024"),
        ("Year One (2021-2022)", [], "2021-2022"),
        ("22-23", [], "2022-2023"),
        ("2022/23", [], "2022-2023"),
        ("2022 to 2023", [], "2022-2023"),
        ("Year Two", ["2024-2025", "2023-2024"], "2024-2025"),
        ("Year Four", SEND_YEARS, ""),
        ("soon", SEND_YEARS, ""),
    ],
)
def test_normalise_year(text, available, expected):
    assert normalise_year(text, available) == expected


def test_year_two_is_relative_to_each_strategys_own_columns(corpus_index):
    """In the LLR strategy "Year 2" is printed as such; in the divisional ones it is 2022-2023."""
    found = records(corpus_index, "--year", "Year Two")
    assert {r["year"] for r in found} == {"2022-2023"}
    assert {r["strategy"] for r in found} >= {"Education", "SEND", "SEND Joint Commissioning"}


def test_filters_combine(corpus_index):
    found = records(corpus_index, "--strategy", "education", "--priority", "three", "--year", "2023/24")
    assert [r["text"] for r in found] == [
        "We will monitor the impact of the speech and language strategy and the readiness for school partnership",
        "We will continue to highlight to the sector the areas of development to enhance the skills of early "
        "years practitioners",
        "We will continue to work closely with partners to support families and the sector to improve early learning",
    ]
    assert {(r["strategy"], r["priority"], r["priority_title"], r["page"], r["doc"]) for r in found} == {
        ("Education", 3, "Readiness for school", 9, STRATEGIES)
    }


@pytest.mark.parametrize(
    ("asked", "strategies"),
    [
        ("SEND", {"SEND"}),
        ("send", {"SEND"}),
        ("SEND Division Strategy", {"SEND"}),
        ("Education divisional strategy", {"Education"}),
        ("SEND Joint Commissioning Strategy", {"SEND Joint Commissioning"}),
        ("joint", {"SEND Joint Commissioning"}),
    ],
)
def test_a_strategy_is_found_by_the_name_officers_use(corpus_index, asked, strategies):
    assert {r["strategy"] for r in records(corpus_index, "--strategy", asked)} == strategies


def test_theme_and_query_filters(corpus_index):
    ehcp = records(corpus_index, "--theme", "EHCP", "--strategy", "SEND")
    assert ehcp and all("EHCP" in r["theme"] for r in ehcp)
    adulthood = records(corpus_index, "--theme", "preparing for adulthood", "--strategy", "SEND")
    assert adulthood and all("preparation for adulthood" in r["theme"] for r in adulthood)
    short_breaks = records(corpus_index, "--query", "undertake review short breaks", "--strategy", "SEND")
    assert [r["text"][:40] for r in short_breaks] == ["We will undertake a review of the Short "]
    in_the_row = records(corpus_index, "--query", "short breaks", "--strategy", "SEND")
    assert len(in_the_row) == 3  # the row's theme counts, so its Year Two and Three bullets are found too


def test_json_lines_carry_the_fields_officers_need(corpus_index):
    found = records(corpus_index, "--strategy", "SEND")
    assert len(found) == 87
    for record in found:
        assert {"strategy", "priority", "priority_title", "year", "theme", "text", "doc", "page"} <= set(record)
        assert record["doc"] == STRATEGIES and isinstance(record["page"], int) and isinstance(record["theme"], list)


def test_csv_output_opens_as_a_table(corpus_index):
    rows = list(csv.DictReader(io.StringIO(run(corpus_index, "--csv", "--strategy", "Education"))))
    assert len(rows) == 91
    assert list(rows[0]) == ["strategy", "priority", "priority_title", "year", "year_label", "theme", "text", "doc", "page"]
    assert {r["strategy"] for r in rows} == {"Education"}
    assert rows[0]["priority"] == "1" and rows[0]["year"] == "2021-2022" and rows[0]["page"] == "7"


def test_the_readable_table_names_strategy_priority_year_and_source(corpus_index):
    output = run(corpus_index, "--strategy", "SEND", "--priority", "4", "--year", "2023-24")
    assert output.splitlines()[0].split() == ["Strategy", "Priority", "Year", "Commitment", "Source"]
    assert "SEND" in output and "p.19" in output and "2023-2024" in output
    assert output.rstrip().endswith("5 commitments.")


def test_no_match_says_so(corpus_index):
    assert run(corpus_index, "--strategy", "Education", "--year", "2030-31").strip() == "No commitments match."


@pytest.mark.parametrize(
    ("args", "expected_error"),
    [
        (["--year", "next spring"], '"next spring" is not a year I understand'),
        (["--priority", "first-ish"], '"first-ish" is not a priority number'),
    ],
)
def test_bad_filters_are_refused_in_plain_words(corpus_index, args, expected_error):
    result = CliRunner().invoke(cli, ["commitments", "--index", str(corpus_index), *args])
    assert result.exit_code == 1
    assert expected_error in result.output
    assert "Traceback" not in result.output


def test_commitments_help_has_an_example():
    result = CliRunner().invoke(cli, ["commitments", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
