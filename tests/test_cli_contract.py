"""The command-line contract other tools rely on: JSON lines, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import bot

ROOT = Path(__file__).resolve().parents[1]


def run_bot(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})},
    )


def test_search_stdin_writes_one_json_line_per_query_in_order(corpus_index):
    queries = ["EHCP timeliness", "How did Schools Forum vote on de-delegation?", "Safety Valve"]
    result = run_bot("search", "--json", "--k", "3", "--stdin", "--index", str(corpus_index), stdin="\n".join(queries) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == queries
    for line in lines:
        assert len(line["results"]) == 3
        for hit in line["results"]:
            assert {"text", "doc", "title", "page", "section", "score"} <= set(hit)
            assert hit["doc"].endswith(".pdf") and isinstance(hit["page"], int)


def test_index_location_comes_from_the_environment(corpus_index):
    result = run_bot("search", "de-delegation", "--json", env={"SENDBOT_INDEX_DIR": str(corpus_index)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "EHCP", "--index", "/nonexistent/index"], "No index at /nonexistent/index"),
        (["status", "--index", "/nonexistent/index"], "No index at"),
        (["search", "--index", "/nonexistent/index"], "Give a query"),
    ],
)
def test_user_mistakes_get_one_clear_line_and_a_nonzero_exit(args, message):
    result = CliRunner().invoke(bot.cli, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_ingest_reports_a_missing_path_by_name(tmp_path, embedder):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# SEND\n\nThe EHCP hub opens in May.\n")
    result = CliRunner().invoke(bot.cli, ["ingest", str(tmp_path / "docs"), str(tmp_path / "missing.pdf"), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    assert "missing.pdf: no such file or folder" in result.output


def test_status_says_what_is_indexed(corpus_index):
    result = CliRunner().invoke(bot.cli, ["status", "--index", str(corpus_index), "--json"])
    status = json.loads(result.output)
    assert status["documents"] >= 15 and status["passages"] > status["documents"]
    assert status["embedding_model"] == "all-MiniLM-L6-v2"
    assert status["embedding_weights"] == "int8"


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name, command in bot.cli.commands.items():
        assert command.help and "Example" in command.help, name
        assert f"bot.py {name}" in readme, name


def test_a_mistyped_setting_is_reported_not_silently_ignored(corpus_index):
    result = run_bot("status", "--index", str(corpus_index), env={"SENDBOT_ACCES_FILE": "/srv/sendbot/access.toml"})

    assert result.returncode == 0
    assert "Warning: SENDBOT_ACCES_FILE is not a sendbot setting and is ignored (a typo?)." in result.stderr
    assert "SENDBOT_DATA_DIR" not in result.stderr  # set for every test, and known: not reported
