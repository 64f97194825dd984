"""Hybrid search over the shared corpus: what an officer typing a question gets back."""

from __future__ import annotations


def test_an_acronym_no_document_spells_out_still_finds_the_words_it_stands_for(searcher):
    defined = {row[0].upper() for row in searcher.db.execute("SELECT acronym FROM acronyms")}
    assert "PFA" not in defined  # the strategies write "preparing for adulthood", never PfA

    hits = searcher.search("What is the Year One PFA commitment in Leicester's SEND divisional strategy?", k=5)

    assert any("launch our preparing for adulthood strategy and action plan" in hit.text for hit in hits)
