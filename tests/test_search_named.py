"""Documents of one template from many councils: a question that names one is answered from it."""

from __future__ import annotations

import shutil

import pytest

from answer.compose import answer_question
from index.search import Searcher
from ingest.pipeline import ingest_paths


@pytest.fixture(scope="module")
def inspections(corpus, embedder, tmp_path_factory) -> Searcher:
    """A real index of the five other areas' inspection reports, as one council group might hold them."""
    folder = tmp_path_factory.mktemp("other_areas")
    for pdf in sorted(corpus.glob("other-areas/*.pdf")):
        shutil.copy(pdf, folder / pdf.name)
    index_dir = tmp_path_factory.mktemp("other_areas_index")
    assert not ingest_paths([folder], index_dir).failed
    return Searcher.open(index_dir)


@pytest.mark.parametrize(
    ("question", "area"),
    [
        ("what did the inspectors make of Gateshead's leadership?", "Gateshead"),
        ("how are things for young people moving to adult services in Bolton?", "Bolton"),
        ("B&H inspection outcome?", "Brighton And Hove"),
        ("what must T&W improve?", "Telford & Wrekin"),
    ],
)
def test_a_question_naming_an_area_is_answered_from_that_areas_report(inspections, question, area):
    hits = inspections.search(question, k=5)
    answer = answer_question(inspections, question)

    assert area in hits[0].doc, [hit.doc for hit in hits]
    assert answer.found and {area in citation.doc for citation in answer.citations} == {True}, answer.text


def test_every_document_knows_whose_it_is_from_its_own_opening(inspections):
    names = dict(inspections.db.execute("SELECT doc, names FROM documents").fetchall())

    assert '"blackpool"' in names["Area SEND inspection - Blackpool - 25 july 2024.pdf"]
    assert '"wrekin"' in names["Area SEND inspection - Telford & Wrekin - 03 july 2023.pdf"]


def test_a_passage_is_ranked_by_its_best_unit_with_every_units_score_kept(inspections):
    hits = inspections.search("Blackpool speech and language therapy clinics at weekends", k=3)

    top = hits[0]
    assert "Blackpool" in top.doc
    assert top.unit_scores and max(top.unit_scores) > 0.3
    assert "Sunday" in top.text
