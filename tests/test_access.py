"""Restricted documents reach only the channels, people and user groups the rules file names.

Against a real index of public and restricted papers (tests/restricted_documents.py) built with
SENDBOT_ACCESS_FILE, through the command line as the bot's operators use it: `--as` shows what a
channel or person would get; without it the server's admin sees everything.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from restricted_documents import (
    ALLOWED_USER,
    EXEMPT_NAME,
    SEND_LEADS,
    SEND_TEAM,
    leaks,
    restricted_markers,
    write_rules,
)

from errors import AccessRulesInvalid
from index.audience import PUBLIC, Audience
from index.search import Searcher
from ingest.access import AccessRules, check_applied

ROOT = Path(__file__).resolve().parents[1]
# Answerable only from a restricted paper: the exempt appendix, the draft plan, the Kent minutes.
RESTRICTED_QUESTIONS = [
    "how much is the Quillfeather outreach contract worth?",
    "who won the SALT outreach contract and why?",
    "which improvement plan actions are red?",
    "when will the Larkspur resource base open?",
    "what did Kent cabinet resolve about the revenue overspend?",
]
ALLOWED = ["", f"--as={SEND_LEADS}", f"--as={ALLOWED_USER}", f"--as={SEND_TEAM}"]
NOT_ALLOWED = ["--as=C0ELSEWHERE", "--as=U0SOMEONE"]


def run_bot(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})},
    )  # fmt: skip


def json_lines(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def markers(restricted_corpus) -> list[str]:
    return restricted_markers(restricted_corpus.index)


@pytest.fixture(scope="module")
def answers(restricted_corpus) -> dict[str, list[dict]]:
    """Every restricted question asked as each audience, through `ask --json --stdin`."""
    stdin = "\n".join(RESTRICTED_QUESTIONS) + "\n"
    index = ["--index", str(restricted_corpus.index)]
    return {
        who: json_lines(run_bot("ask", "--json", "--stdin", *index, *([who] if who else []), stdin=stdin))
        for who in ALLOWED + NOT_ALLOWED
    }


# -- the rules file ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[restricted]\ndocuments = 1", "is not valid TOML"),
        ('[[public]]\ndocuments = ["a.pdf"]', "unknown key 'public'"),
        ('[[restricted]]\ndocuments = ["a.pdf"]\nchanels = ["C1"]', "rule 1: unknown key 'chanels'"),
        ('[[restricted]]\nchannels = ["C1"]', "`documents` must list at least one glob"),
        ('[[restricted]]\ndocuments = ["a.pdf"]\nchannels = ["U0ADMIN1"]', "'U0ADMIN1', which is not a channel ID"),
        ('[[restricted]]\ndocuments = ["a.pdf"]\nusers = [3]', "`users` must be a list of non-empty strings"),
    ],
)
def test_a_malformed_rules_file_is_a_clear_error(tmp_path, text, message):
    with pytest.raises(AccessRulesInvalid, match=message.replace("[", r"\[").replace("(", r"\(")):
        AccessRules.load(write_rules(tmp_path / "access.toml", text))


def test_a_missing_rules_file_is_an_error_not_everything_public(tmp_path):
    with pytest.raises(AccessRulesInvalid, match="does not exist"):
        AccessRules.load(tmp_path / "nowhere.toml")
    assert AccessRules.load(None) == AccessRules()  # no file configured: nothing is restricted


def test_globs_match_the_path_in_the_folder_the_file_name_or_a_folder_it_is_in():
    rules = AccessRules.parse({"restricted": [
        {"documents": ["restricted/**"], "channels": ["C1"]},
        {"documents": ["*EXEMPT*.pdf"], "users": ["U1"]},
        {"documents": ["drafts"], "usergroups": ["S1"]},
    ]})  # fmt: skip
    assert rules.access_of(["restricted/plans/plan.pdf", "plan.pdf"]) == {"channel:C1"}
    assert rules.access_of(["papers/Appendix 3 exempt.PDF"]) == {"user:U1"}  # case aside
    assert rules.access_of(["drafts/strategy.docx"]) == {"usergroup:S1"}
    assert rules.access_of(["restricted/Appendix EXEMPT.pdf"]) == {"channel:C1", "user:U1"}  # the union
    assert rules.access_of(["public/minutes.pdf"]) == frozenset()  # no rule: public


def test_an_audience_sees_public_documents_and_those_open_to_one_of_its_principals():
    open_to_leads = frozenset({"channel:C0SENDLEADS", "usergroup:S0SENDTEAM"})
    assert Audience.channel("C0SENDLEADS").sees(open_to_leads)
    assert Audience.person("U7", {"S0SENDTEAM"}).sees(open_to_leads)
    assert not Audience.person("U7").sees(open_to_leads)
    assert not Audience.channel("C0OTHER").sees(open_to_leads)
    assert not PUBLIC.sees(open_to_leads) and PUBLIC.sees(frozenset())


# -- answers, search and records ---------------------------------------------------------------


def test_those_allowed_get_answers_from_restricted_documents(answers):
    for who in ALLOWED:
        found = [answer for answer in answers[who] if answer["found"]]
        assert len(found) >= 4, (who, [a["answer"][:80] for a in answers[who]])
        cited = {citation["doc"] for answer in found for citation in answer["citations"]}
        assert EXEMPT_NAME in cited and any(doc.startswith("Draft SEND") for doc in cited), cited


def test_nobody_else_sees_a_quote_a_citation_or_a_name_of_a_restricted_document(answers, markers):
    for who in NOT_ALLOWED:
        for answer in answers[who]:
            # The asker's own words aside; a refusal is the ordinary one, and an answer is from public papers.
            assert not leaks({**answer, "question": ""}, markers), (who, answer)
        assert sum(not answer["found"] for answer in answers[who]) >= 3


def test_search_filters_restricted_passages_before_ranking_so_allowed_ones_fill_the_k(restricted_corpus, markers):
    index = ["--index", str(restricted_corpus.index)]
    stdin = "Quillfeather outreach contract Brightwater\nannual reviews overdue action plan status red\n"
    for line in json_lines(run_bot("search", "--json", "--k", "8", "--stdin", *index, "--as", "C0ELSEWHERE", stdin=stdin)):
        assert len(line["results"]) == 8  # the public documents still fill every place
        assert not leaks(line["results"], markers)
    admin = json_lines(run_bot("search", "--json", "--k", "3", "--stdin", *index, stdin=stdin))
    assert admin[0]["results"][0]["doc"] == EXEMPT_NAME


def test_records_of_restricted_documents_are_listed_only_for_those_allowed(restricted_corpus, markers):
    index = ["--index", str(restricted_corpus.index)]
    restricted = ("Kent-Cabinet", "Leicester-CYPE")  # the restricted strategies' and minutes' files
    for kind in ("commitments", "decisions"):
        everything = json_lines(run_bot(kind, "--json", *index))
        allowed = json_lines(run_bot(kind, "--json", *index, "--as", SEND_LEADS))
        public = json_lines(run_bot(kind, "--json", *index, "--as", "U0SOMEONE"))
        assert allowed == everything and any(r["doc"].startswith(restricted) for r in everything)
        assert public == [r for r in everything if not r["doc"].startswith(restricted)]
        assert not leaks(public, markers)


def test_status_lists_each_rule_with_the_documents_it_covers(restricted_corpus):
    result = run_bot("status", "--index", str(restricted_corpus.index))
    assert result.returncode == 0, result.stderr
    assert "Rule 1: restricted/**, *EXEMPT*.pdf -> channels C0SENDLEADS; users U0ADMIN1; usergroups S0SENDTEAM" in result.stdout
    assert f"covers 4: {EXEMPT_NAME}, restricted/Draft SEND improvement action plan.pdf" in result.stdout


def test_a_bad_as_is_one_clear_line(restricted_corpus):
    result = run_bot("ask", "EHCP", "--as", "X123", "--index", str(restricted_corpus.index))
    assert result.returncode != 0 and "not a Slack channel (C...), user (U...) or user group (S...) ID" in result.stderr
    assert "Traceback" not in result.stderr


# -- changing the rules ------------------------------------------------------------------------


@pytest.fixture
def own_copy(restricted_corpus, tmp_path) -> tuple[Path, Path, Path]:
    """A private copy of the documents, rules and index, for tests that ingest."""
    documents, index = tmp_path / "documents", tmp_path / "index"
    shutil.copytree(restricted_corpus.documents, documents)
    shutil.copytree(restricted_corpus.index, index, symlinks=True)
    rules = tmp_path / "access.toml"
    shutil.copy(restricted_corpus.rules, rules)
    # The copy's documents live elsewhere: one ingest of them (all unchanged content, renamed paths).
    assert run_bot("ingest", str(documents), "--index", str(index), env={"SENDBOT_ACCESS_FILE": str(rules)}).returncode == 0
    return documents, rules, index


def test_a_change_of_rules_takes_effect_at_the_next_ingest(own_copy):
    documents, rules, index = own_copy
    env = {"SENDBOT_ACCESS_FILE": str(rules)}
    question = "how much is the Quillfeather outreach contract worth?"
    before = json_lines(run_bot("ask", question, "--json", "--as", "C0ELSEWHERE", "--index", str(index)))[0]
    write_rules(rules, '[[restricted]]\ndocuments = ["restricted/**"]\nchannels = ["C0SENDLEADS"]\n')

    with pytest.raises(AccessRulesInvalid, match="other access rules"):  # a server would not start now
        check_applied(rules, index)
    result = run_bot("ingest", str(documents), "--index", str(index), env=env)
    after = json_lines(run_bot("ask", question, "--json", "--as", "C0ELSEWHERE", "--index", str(index)))[0]

    assert result.returncode == 0 and "Applied the changed access rules" in result.stdout, result.stdout
    assert not before["found"] and after["found"]  # the appendix is public now, nothing re-read
    assert after["citations"][0]["doc"] == EXEMPT_NAME
    check_applied(rules, index)


@pytest.mark.parametrize(
    ("rules_text", "message"),
    [
        ("[[restricted]]\ndocuments = [\"restricted/**\"\n", "is not valid TOML"),
        ('[[restricted]]\ndocuments = ["restriced/**"]\nchannels = ["C0SENDLEADS"]\n', "matches no document"),
    ],
)
def test_a_bad_rules_file_stops_the_ingest_and_the_index_keeps_its_rules(own_copy, rules_text, message):
    documents, rules, index = own_copy
    live = os.readlink(index / "current")
    write_rules(rules, rules_text)

    result = run_bot("ingest", str(documents), "--index", str(index), env={"SENDBOT_ACCESS_FILE": str(rules)})

    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert os.readlink(index / "current") == live
    audience = Searcher.open(index).seen_by(PUBLIC)
    assert EXEMPT_NAME not in {hit.doc for hit in audience.search("Quillfeather outreach contract", k=10)}


def test_a_file_ingested_by_its_own_path_is_still_covered_by_its_folders_rule(restricted_corpus, tmp_path):
    plan = restricted_corpus.documents / "restricted" / "Draft SEND improvement action plan.pdf"
    public = restricted_corpus.documents / "Leicestershire - SEND strategic developments (web page).pdf"
    index = str(tmp_path / "index")
    env = {"SENDBOT_ACCESS_FILE": str(write_rules(tmp_path / "access.toml",
                                                  '[[restricted]]\ndocuments = ["restricted/**"]\nchannels = ["C0SENDLEADS"]\n'))}  # fmt: skip

    result = run_bot("ingest", str(plan), str(public), "--index", index, env=env)  # the files, not their folder

    assert result.returncode == 0, result.stderr
    question = "which improvement plan actions are red?\n"
    outside = json_lines(run_bot("search", "--json", "--stdin", "--index", index, "--as", "C0ELSEWHERE", stdin=question))
    inside = json_lines(run_bot("search", "--json", "--stdin", "--index", index, "--as", SEND_LEADS, stdin=question))
    assert "Draft SEND improvement action plan.pdf" not in {hit["doc"] for hit in outside[0]["results"]}
    assert inside[0]["results"][0]["doc"] == "Draft SEND improvement action plan.pdf"
