"""Which documents a question names: whose a document is, read from it, met by staff's short forms."""

from __future__ import annotations

import json

from index.names import DocumentNames
from ingest.identity import identity_names


def names_of(*documents: tuple[str, str, str]) -> DocumentNames:
    return DocumentNames([(i, json.dumps(identity_names(*doc))) for i, doc in enumerate(documents, 1)])


INSPECTIONS = names_of(
    ("Area SEND inspection - Blackpool - 25 july 2024.pdf", "Local area partnership report",
     "Area SEND inspection of Blackpool\nLocal Area Partnership"),
    ("Area SEND inspection - Brighton And Hove - 31 may 2023.pdf", "Local Area Partnership report",
     "Area SEND inspection of Brighton and Hove Local Area Partnership"),
    ("Area SEND inspection - Telford & Wrekin - 03 july 2023.pdf", "Local Area Partnership report",
     "Area SEND inspection of Telford and Wrekin Local Area Partnership"),
    ("Hertfordshire-Cabinet-2025-01-30 - Minutes.pdf", "Minutes of Cabinet", "Hertfordshire County Council"),
)


def test_a_document_is_named_by_the_proper_names_that_open_it_not_by_its_template_words():
    names = identity_names(
        "Area SEND inspection - Blackpool - 25 july 2024.pdf", "Local area partnership report",
        "Area SEND inspection of Blackpool\nLocal Area Partnership\nInspection dates: 20 to 24 May 2024",
    )
    assert names == ["blackpool"]


def test_a_question_naming_an_area_in_full_names_only_that_areas_report():
    assert INSPECTIONS.shares("what did inspectors say about blackpool's waiting times?") == {1: 1.0}


def test_initials_and_county_short_forms_name_the_document_they_abbreviate():
    assert set(INSPECTIONS.shares("B&H outcome?")) == {2}
    assert set(INSPECTIONS.shares("what did T&W get?")) == {3}
    assert set(INSPECTIONS.shares("when did Herts cabinet meet?")) == {4}


def test_a_question_that_names_no_document_gives_no_preference():
    assert INSPECTIONS.shares("how many EHCPs were issued within 20 weeks?") == {}


def test_a_name_every_document_carries_weighs_less_than_one_only_a_few_carry():
    kent = names_of(
        ("Kent-Cabinet-2025-01-30 - Printed minutes.pdf", "Cabinet minutes", ""),
        ("Kent-Cabinet-2025-03-04 - Family Hubs report.pdf", "Report to Cabinet", ""),
        ("Kent-County-Council-2025-02-13 - Budget Risk Register.pdf", "Budget risks", ""),
    )
    shares = kent.shares("what did Kent Cabinet decide on family hubs?")
    assert shares[2] > shares[1] > shares[3] > 0


def test_a_capitalised_heading_word_the_document_also_writes_in_lower_case_is_not_a_name():
    names = identity_names(
        "Kent-County-Council-2025-02-13 - Appendix J.pdf", "Budget Risk Register",
        "CYPE | Home to School Transport | Current Likelihood (1-5): 3",
        "the likelihood that home to school transport costs rise; see www.kent.gov.uk",
    )
    assert "kent" in names
    assert not {"home", "school", "transport", "likelihood"} & set(names)

