"""Hybrid search over the shared corpus: what an officer typing a question gets back."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

import bot
from index.embedders import default_model_path
from index.search import Searcher
from ingest.pipeline import ingest_paths

SMALL_STRATEGY = "leicester/Leicestershire-CFS-Scrutiny-2020-09-01 - SEND and Inclusion Strategy 2020-2023.pdf"


def test_an_acronym_no_document_spells_out_still_finds_the_words_it_stands_for(searcher):
    defined = {row[0].upper() for row in searcher.db.execute("SELECT acronym FROM acronyms")}
    assert "PFA" not in defined  # the strategies write "preparing for adulthood", never PfA

    hits = searcher.search("What is the Year One PFA commitment in Leicester's SEND divisional strategy?", k=5)

    assert any("launch our preparing for adulthood strategy and action plan" in hit.text for hit in hits)


def test_a_passage_only_the_keywords_find_is_not_buried_by_the_vectors_neighbours(searcher):
    """The SEND strategy's Year One SEMH commitments match the question's rare words best, but
    the small embedding model ranks them 78th. Fused by rank, they fell to 7th behind passages
    both rankings half-liked; fused by score, the keywords' clear lead counts. (They come first
    or second: second, by 0.07 of 16, behind the covering report's summary of the same strategy,
    on a fresh install of 2026-12-04.)"""
    hits = searcher.search("What's the Year One SEMH commitment in Leicester's SEND divisional strategy?", k=3)

    found = [hit for hit in hits[:2] if "We will complete a review secondary SEMH pathway" in hit.text]
    assert found and found[0].section.startswith("SEND Division Strategy")


def test_a_month_named_in_a_question_matches_a_document_dated_only_in_digits(searcher):
    """Kent's file names carry "2025-01-30"; officers ask about "the January 2025 Cabinet"."""
    rows = searcher.db.execute(
        "SELECT DISTINCT d.doc FROM chunks_fts f JOIN chunks c ON c.chunk_id = f.rowid"
        " JOIN documents d USING (doc_id) WHERE chunks_fts MATCH 'title:january AND title:2025'"
    ).fetchall()
    assert {"Kent-Cabinet-2025-01-30 - Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf",
            "Kent-Cabinet-2025-01-30 - 24-00096 - EQIA.pdf"} <= {row[0] for row in rows}


def test_an_index_embedded_with_another_model_is_refused_until_the_next_ingest(corpus, tmp_path, embedder, monkeypatch):
    documents = tmp_path / "documents"
    documents.mkdir()
    shutil.copy(corpus / SMALL_STRATEGY, documents)
    index_dir = tmp_path / "index"
    ingest_paths([documents], index_dir)
    other_model = tmp_path / "site-model"  # a site's own model: here a copy of MiniLM under another name
    shutil.copytree(default_model_path(), other_model)
    monkeypatch.setenv("SENDBOT_EMBEDDING_MODEL", str(other_model))
    monkeypatch.setenv("SENDBOT_MODEL_CACHE_DIR", str(tmp_path / "models"))

    result = CliRunner().invoke(bot.cli, ["search", "inclusion strategy", "--index", str(index_dir)])
    assert result.exit_code != 0
    assert "embedded with all-MiniLM-L6-v2" in result.output and "bot.py ingest" in result.output

    assert ingest_paths([documents], index_dir).re_embedded
    assert Searcher.open(index_dir).search("inclusion strategy", k=3)
