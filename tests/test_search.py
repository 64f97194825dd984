"""Hybrid search over the shared corpus: what an officer typing a question gets back."""

from __future__ import annotations


def test_an_acronym_no_document_spells_out_still_finds_the_words_it_stands_for(searcher):
    defined = {row[0].upper() for row in searcher.db.execute("SELECT acronym FROM acronyms")}
    assert "PFA" not in defined  # the strategies write "preparing for adulthood", never PfA

    hits = searcher.search("What is the Year One PFA commitment in Leicester's SEND divisional strategy?", k=5)

    assert any("launch our preparing for adulthood strategy and action plan" in hit.text for hit in hits)


def test_a_month_named_in_a_question_matches_a_document_dated_only_in_digits(searcher):
    """Kent's file names carry "2025-01-30"; officers ask about "the January 2025 Cabinet"."""
    rows = searcher.db.execute(
        "SELECT DISTINCT d.doc FROM chunks_fts f JOIN chunks c ON c.chunk_id = f.rowid"
        " JOIN documents d USING (doc_id) WHERE chunks_fts MATCH 'title:january AND title:2025'"
    ).fetchall()
    assert {"Kent-Cabinet-2025-01-30 - Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf",
            "Kent-Cabinet-2025-01-30 - 24-00096 - EQIA.pdf"} <= {row[0] for row in rows}
