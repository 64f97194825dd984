"""`bot.py decisions`: body and date filters, query words and the three output formats."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from bot import cli

FORUM = "Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf"


def run(index, *args: str) -> str:
    result = CliRunner().invoke(cli, ["decisions", "--index", str(index), *args])
    assert result.exit_code == 0, result.output
    return result.output


def records(index, *args: str) -> list[dict]:
    return [json.loads(line) for line in run(index, "--json", *args).splitlines() if line.strip()]


@pytest.mark.parametrize("body", ["Schools' Forum", "schools forum", "SCHOOLS' FORUM", "forum", "Leicestershire Schools' Forum"])
def test_body_is_matched_however_it_is_typed(corpus_index, body):
    found = records(corpus_index, "--body", body)
    assert {r["body"] for r in found} == {"Schools' Forum"}
    assert len(found) == 11  # ten recommendations and the forum's own recommendation of a survey


def test_json_lines_have_votes_as_three_counts_or_null(corpus_index):
    found = records(corpus_index, "--body", "Schools' Forum")
    for record in found:
        assert {"body", "date", "item", "text", "votes", "doc", "page"} <= set(record)
        assert record["votes"] is None or set(record["votes"]) == {"approved", "rejected", "abstained"}
    assert sorted(tuple(r["votes"].values()) for r in found if r["votes"]) == sorted(
        [(6, 1, 0), (16, 0, 0), (15, 0, 1), (16, 0, 0), (15, 0, 1), (13, 2, 1), (16, 0, 0)]
    )


def test_date_range_filters(corpus_index):
    in_2025 = records(corpus_index, "--from", "2025-01-01", "--to", "2025-12-31")
    assert in_2025 and all("2025-01-01" <= r["date"] <= "2025-12-31" for r in in_2025)
    january = records(corpus_index, "--from", "2025-01", "--to", "2025-01")
    assert {r["date"] for r in january} == {"2025-01-29", "2025-01-30"}
    assert records(corpus_index, "--body", "Schools' Forum", "--to", "2024-02-12") == []


def test_query_words_must_all_appear(corpus_index):
    found = records(corpus_index, "--query", "de-delegation maintained")
    assert [(r["item"], r["votes"]) for r in found] == [("3", {"approved": 6, "rejected": 1, "abstained": 0})]


def test_csv_output_opens_as_a_table(corpus_index):
    rows = list(csv.DictReader(io.StringIO(run(corpus_index, "--csv", "--body", "Schools' Forum"))))
    assert len(rows) == 11
    assert list(rows[0])[:5] == ["body", "date", "item", "item_title", "text"]
    first = rows[0]
    assert (first["approved"], first["rejected"], first["abstained"], first["doc"]) == ("6", "1", "0", FORUM)


def test_the_readable_table_shows_votes(corpus_index):
    output = run(corpus_index, "--body", "Schools' Forum", "--query", "capping")
    assert "13-2-1" in output and output.rstrip().endswith("1 decision.")


@pytest.mark.parametrize(
    ("args", "expected_error"),
    [
        (["--from", "last week"], '"last week" is not a date I understand'),
        (["--to", "13/02/2024"], '"13/02/2024" is not a date I understand'),
    ],
)
def test_bad_dates_are_refused_in_plain_words(corpus_index, args, expected_error):
    result = CliRunner().invoke(cli, ["decisions", "--index", str(corpus_index), *args])
    assert result.exit_code == 1 and expected_error in result.output


def test_decisions_help_has_an_example():
    result = CliRunner().invoke(cli, ["decisions", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
