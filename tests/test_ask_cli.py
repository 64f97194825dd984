"""`bot.py ask`: the text answer with its sources, the JSON-lines contract, history and errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from answer.prompts import CANNOT_ANSWER, CLOSEST_PASSAGES
from bot import cli

FORUM = "Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf"


def ask(index, *args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, ["ask", "--index", str(index), *args], input=stdin)


def test_ask_prints_the_answer_then_the_sources_with_page_and_quote(corpus_index):
    result = ask(corpus_index, "Who presented the de-delegation paper at the February 2024 Schools Forum?")
    assert result.exit_code == 0, result.output
    answer, sources = result.output.split("\nSources:\n")
    assert "Rebecca Wakeley" in answer and "[1]" in answer
    assert "[1] " in sources and "p.2" in sources and FORUM in sources
    assert "“" in sources  # the quoted line


def test_ask_json_stdin_answers_each_line_in_order(corpus_index):
    questions = [
        "How did Schools Forum vote on de-delegation?",
        "What is Lincolnshire County Council's high needs deficit?",
        "What does PWLB stand for?",
    ]
    result = ask(corpus_index, "--json", "--stdin", stdin="\n".join(questions) + "\n\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["question"] for line in lines] == questions
    for line in lines:
        assert set(line) == {"question", "answer", "found", "citations"}
        for citation in line["citations"]:
            assert {"n", "doc", "title", "page", "quote"} <= set(citation)
    assert lines[0]["found"] and lines[0]["citations"][0]["doc"] == FORUM
    assert lines[1] == {"question": questions[1], "answer": CANNOT_ANSWER, "found": False, "citations": []}
    assert "Public Works Loan Board" in lines[2]["answer"]


def test_ask_not_found_shows_the_closest_passages(corpus_index):
    result = ask(corpus_index, "Who chairs the SEND Partnership Board in Cornwall?")
    assert result.exit_code == 0
    assert result.output.startswith(CANNOT_ANSWER)
    assert CLOSEST_PASSAGES in result.output


@pytest.mark.parametrize(
    "history",
    [
        '{"question": "How did Schools Forum vote on de-delegation?", "answer": "Approved: 6"}\n',
        '[{"question": "How did Schools Forum vote on de-delegation?", "answer": "Approved: 6"}]',
    ],
)
def test_ask_history_file_resolves_a_follow_up(corpus_index, tmp_path, history):
    path = tmp_path / "history.json"
    path.write_text(history)
    result = ask(corpus_index, "who presented it?", "--json", "--history", str(path))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["question"] == "who presented it?"
    assert "Rebecca Wakeley" in answer["answer"]


@pytest.mark.parametrize(
    ("args", "history", "expected_error"),
    [
        ([], None, "Give a query, or --stdin"),
        (["Who presented it?", "--history", "{history}"], "not json", "is not a history file"),
        (
            ["Who presented it?", "--history", "{history}"],
            '[{"answer": "no question"}]',
            "is not a history file",
        ),
        (["Who presented it?", "--index", "{missing}"], None, "No index at"),
    ],
)
def test_ask_errors_are_one_clear_line(corpus_index, tmp_path, args, history, expected_error):
    path = tmp_path / "history.json"
    if history is not None:
        path.write_text(history)
    args = [a.format(history=path, missing=tmp_path / "nowhere") for a in args]
    result = CliRunner().invoke(cli, ["ask", "--index", str(corpus_index), *args])
    assert result.exit_code != 0
    assert expected_error in result.output
    assert "Traceback" not in result.output
