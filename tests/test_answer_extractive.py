"""Extractive answers on the real corpus: the fact is quoted verbatim and the right page is cited."""

from __future__ import annotations

import re

import pytest

from answer.compose import answer_question
from answer.models import Turn
from answer.prompts import CANNOT_ANSWER

FORUM = "Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf"
STRATEGIES = "Leicester-CYPE-Scrutiny-2021-10-07 - Divisional 3-year Strategies Education and SEND.pdf"
SIS = "Kent-Cabinet-2025-01-30 - 24-00109 - Transfer the 18-25 section of the Strengthening Independence Service - Report.pdf"
GLOSSARY = "Kent-County-Council-2025-03-13 - Appendix 2 - Glossary of Terms 2024-25.pdf"
AMENDMENT = "Kent-County-Council-2025-02-13 - 2 - Amendment - Greens and Independents - Home to School Transport Feasibility Study"
CABINET_MINUTES = "Kent-Cabinet-2025-01-30 - Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"
RISK_REGISTER = "Kent-County-Council-2025-02-13 - Appendix J - Budget Risk Register.pdf"


def flat(text: str) -> str:
    return " ".join(text.split())


def cites(answer, doc: str, page: int | None = None) -> bool:
    return any(c.doc.startswith(doc) and (page is None or c.page == page) for c in answer.citations)


@pytest.mark.parametrize(
    ("question", "fact", "doc", "page"),
    [
        # how did the vote go: the recommendation stays together with its vote line
        (
            "How did Schools Forum vote on de-delegation?",
            "at a rate of £18 per pupil. Approved: 6 Rejected: 1 Abstained: 0",
            FORUM,
            2,
        ),
        # who presented
        (
            "Who presented the de-delegation for school improvement paper at the February 2024 Schools Forum?",
            "Rebecca Wakeley",
            FORUM,
            2,
        ),
        # how much, numbers verbatim
        ("How much budget is moving with the 18-25 SIS transfer to ASCH?", "£59m", SIS, None),
        (
            "How much did the Greens and Independents budget amendment want for a home to school transport "
            "feasibility study?",
            "£75k",
            AMENDMENT,
            1,
        ),
        # what did we commit to, by year
        (
            "What EHCP compliance level is Leicester aiming for in Year Three of the SEND strategy?",
            "We will be looking to achieve 100% compliance for all EHCPs",
            STRATEGIES,
            17,
        ),
        # what an acronym stands for
        ("What does PWLB stand for?", "Public Works Loan Board", GLOSSARY, None),
        # who chaired
        ("Who chaired Kent Cabinet on 30 January 2025?", "Mr R W Gough (Chairman)", CABINET_MINUTES, 1),
        # a risk register's figures under their column names; the register writes SEN as
        # "Special Education Needs", not "Special Educational Needs"
        (
            "What likelihood and annual exposure does Kent's risk register give the SEN home to school transport risk?",
            "Current Likelihood (1-5): 3 Estimated Annual Financial Exposure: 10.0",
            RISK_REGISTER,
            3,
        ),
    ],
)
def test_answer_quotes_the_fact_and_cites_its_page(searcher, question, fact, doc, page):
    answer = answer_question(searcher, question)
    assert answer.found, answer.text
    assert fact in flat(answer.text)
    assert cites(answer, doc, page), [(c.doc, c.page) for c in answer.citations]


def test_every_answer_sentence_carries_a_marker_that_has_a_source(searcher):
    answer = answer_question(searcher, "What are the four TSIL workstreams?")
    numbers = {c.n for c in answer.citations}
    for line in answer.text.splitlines():
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", line)}
        assert markers and markers <= numbers, line
    assert all(flat(c.quote) for c in answer.citations)


def test_answer_is_a_few_sentences_not_whole_passages(searcher):
    answer = answer_question(
        searcher, "How many pupils were permanently excluded in Kent in the 12 months to December 2024?"
    )
    assert answer.found and "102 pupils" in answer.text
    assert len(answer.text) <= 1300


def test_list_of_commitments_for_a_priority_and_year_comes_from_the_records(searcher):
    answer = answer_question(
        searcher, "List the commitments under priority 2 of the SEND strategy in year two"
    )
    lines = answer.text.splitlines()
    assert len(lines) >= 5
    assert all("priority 2" in line and "Year Two" in line for line in lines if line.startswith("SEND"))
    assert cites(answer, STRATEGIES)


@pytest.mark.parametrize(
    "question",
    [
        "What is Lincolnshire County Council's high needs deficit?",  # never mentioned
        # Near misses whose subject exists for another council only: the fitted refusal does not yet
        # tell "Leicester's WSoA" from "Kent's" (bench/results/refusal.md); strict, so a fix shows.
        pytest.param(
            "What actions were in Kent's SEND Written Statement of Action?",  # only Leicester's is indexed
            marks=pytest.mark.xfail(strict=True, reason="answered from Leicester's WSoA"),
        ),
        pytest.param(
            "What judgement did Kent children's services get at their last Ofsted ILACS inspection?",
            marks=pytest.mark.xfail(strict=True, reason="answered from Leicester's 2017 ILACS judgement"),
        ),
        "How did Leicestershire Schools' Forum vote on the 2025-26 schools budget?",  # votes only on 2024-25's
    ],
)
def test_unanswerable_question_gets_the_refusal_and_the_closest_passages(searcher, question):
    answer = answer_question(searcher, question)
    assert not answer.found
    assert answer.text == CANNOT_ANSWER
    assert answer.citations == []
    assert answer.hits, "the closest passages are shown instead of a guess"
    assert answer.as_json()["found"] is False


def test_follow_up_resolves_against_the_previous_question(searcher):
    history = [Turn("How did Schools Forum vote on de-delegation?", "Approved: 6 Rejected: 1 Abstained: 0")]
    answer = answer_question(searcher, "who presented it?", history)
    assert answer.found
    assert "de-delegation" in answer.resolved_question.lower()
    assert "Rebecca Wakeley" in answer.text
    assert cites(answer, FORUM, 2)


def test_follow_up_swaps_the_year_of_a_commitment_question(searcher):
    history = [Turn("What are we doing in year 2 on EHCPs in the SEND strategy?")]
    answer = answer_question(searcher, "and in year three?", history)
    assert answer.resolved_question == "What are we doing in year three on EHCPs in the SEND strategy?"
    assert "We will be looking to achieve 100% compliance for all EHCPs" in answer.text
    assert "Year Two" not in answer.text


def test_two_part_question_answers_both_parts_with_one_numbering(searcher):
    answer = answer_question(
        searcher, "Who presented the de-delegation paper and how did the forum vote on it?"
    )
    assert answer.found
    text = flat(answer.text)
    assert "Rebecca Wakeley" in text
    assert "Approved: 6 Rejected: 1 Abstained: 0" in text
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert all(cites(answer, FORUM, 2) for _ in answer.citations)
