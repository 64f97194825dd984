"""`bot.py digest`: what the latest ingest (or every ingest since a day) added, through the real
pipeline; an updated plan re-ingested names exactly the actions whose status moved, and the new one."""

from __future__ import annotations

import json
import shutil

import pytest
from action_plans import UPDATED_WORD_ROWS, make_landscape_pdf_plan, make_word_plan
from click.testing import CliRunner

from bot import cli
from ingest.pipeline import ingest_paths

AGENDA_PACK = "Leicester-CYPE-Scrutiny-2021-09-02 - Agenda pack.pdf"
MINUTES = "Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf"


def digest(index, *args: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["digest", "--index", str(index), "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def updated_plan_index(tmp_path_factory, embedder):
    """Two plans ingested; then the Word plan's next version saved over it and ingested again."""
    folder = tmp_path_factory.mktemp("plans")
    (folder / "improvement-plan.docx").write_bytes(make_word_plan())
    (folder / "wsoa-delivery-plan.pdf").write_bytes(make_landscape_pdf_plan())
    index_dir = tmp_path_factory.mktemp("digest_index")
    assert not ingest_paths([folder], index_dir).failed
    first = digest(index_dir)
    (folder / "improvement-plan.docx").write_bytes(make_word_plan(UPDATED_WORD_ROWS))
    report = ingest_paths([folder], index_dir)
    assert report.updated == ["improvement-plan.docx"]
    return index_dir, folder, first


def test_the_first_digest_lists_every_document_and_no_changes(updated_plan_index):
    _, _, first = updated_plan_index
    assert sorted(item["doc"] for item in first if item["type"] == "document") == [
        "improvement-plan.docx",
        "wsoa-delivery-plan.pdf",
    ]
    assert not [item for item in first if item["type"] == "action_change"]


def test_an_updated_plan_gives_exactly_its_moved_and_new_actions(updated_plan_index):
    index_dir, _, _ = updated_plan_index
    items = digest(index_dir)
    assert [item["doc"] for item in items if item["type"] == "document"] == ["improvement-plan.docx"]
    changes = [(c["ref"], c["change"], c["was"], c["now"]) for c in items if c["type"] == "action_change"]
    assert changes == [
        ("2", "status", "Significant delay (Red)", "Some slippage (Amber)"),
        ("3", "status", "On track (Green)", "Complete (Blue)"),
        ("4", "status", "Some slippage (Amber)", "On track (Green)"),
        ("5", "added", "none stated", "Significant delay (Red)"),
    ]
    assert {c["doc"] for c in items if c["type"] == "action_change"} == {"improvement-plan.docx"}


def test_a_no_op_ingest_keeps_the_digest_of_what_last_came_in(updated_plan_index, tmp_path):
    index_dir, folder, _ = updated_plan_index
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy, symlinks=True)
    before = digest(copy)
    (folder / "unrelated.txt").write_text("Minutes of nothing in particular.\n")
    try:
        assert ingest_paths([folder], copy).added == ["unrelated.txt"]
    finally:
        (folder / "unrelated.txt").unlink()
    latest = digest(copy)
    assert [i["doc"] for i in latest if i["type"] == "document"] == ["unrelated.txt"]
    since = digest(copy, "--since", before[0]["ingested"][:10])
    assert {i["doc"] for i in since if i["type"] == "document"} == {
        "improvement-plan.docx", "wsoa-delivery-plan.pdf", "unrelated.txt"
    }  # fmt: skip
    assert len([i for i in since if i["type"] == "action_change"]) == 4  # kept with the plan's version


def test_a_digest_of_minutes_gives_their_decisions_with_votes(corpus_index):
    items = digest(corpus_index, "--since", "2000")
    decisions = [i for i in items if i["type"] == "decision" and i["doc"] == MINUTES]
    assert decisions and all(d["votes"] is None or set(d["votes"]) == {"approved", "rejected", "abstained"}
                             for d in decisions)  # fmt: skip
    assert any(d["votes"] for d in decisions)
    assert any(i["type"] == "commitment" for i in items)


def test_the_text_digest_cites_each_change(updated_plan_index):
    index_dir, _, _ = updated_plan_index
    result = CliRunner().invoke(cli, ["digest", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert (
        "Improvement Plan for SEND Services, action 3: Audit 50 EHC plans a term against the quality framework: "
        "On track (Green) -> Complete (Blue) - improvement-plan.docx p.1"
    ) in result.output
