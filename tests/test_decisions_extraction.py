"""Decisions extracted at ingest from real minutes: Schools' Forum votes, Kent resolutions.

tests/fixtures/gold_schools_forum_decisions.csv was written by reading the minutes of
13 February 2024: ten recommendations, seven of them voted on.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from index.records import find_decisions
from ingest.decisions import extract_decisions, vote_counts
from ingest.models import Line, Page, ParsedDocument

FIXTURES = Path(__file__).parent / "fixtures"
FORUM = "Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf"
KENT_MINUTES = "Kent-Cabinet-2025-01-30 - Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"
CALL_IN = "Kent-Cabinet-2025-03-04 - Scrutiny Committee - call-in Family Hubs Report to Cabinet - FINAL.pdf"
AGENDA_PACK = "Leicester-CYPE-Scrutiny-2021-09-02 - Agenda pack.pdf"


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    with (FIXTURES / "gold_schools_forum_decisions.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def forum(searcher):
    return [d for d in find_decisions(searcher) if d.doc == FORUM and d.body == "Schools' Forum"]


def test_every_schools_forum_recommendation_is_found(gold, forum):
    found = {d.text for d in forum}
    missing = [row["text"] for row in gold if row["text"] not in found]
    assert missing == []


def test_every_schools_forum_vote_has_the_right_three_counts(gold, forum):
    by_text = {d.text: d for d in forum}
    voted = [row for row in gold if row["approved"]]
    assert len(voted) == 7
    for row in gold:
        decision = by_text[row["text"]]
        expected = (
            {"approved": int(row["approved"]), "rejected": int(row["rejected"]), "abstained": int(row["abstained"])}
            if row["approved"] else None
        )
        assert decision.votes == expected, row["text"]
        assert (decision.item, decision.item_title) == (row["item"], row["item_title"])


def test_forum_decisions_carry_body_date_page_outcome_and_presenter(forum):
    de_delegation = next(d for d in forum if "de-delegation" in d.text)
    assert (de_delegation.body, de_delegation.date, de_delegation.page) == ("Schools' Forum", "2024-02-13", 2)
    assert de_delegation.presenter == "Rebecca Wakeley, Senior Education Effectiveness Officer"
    assert de_delegation.outcome == "approved"
    assert Counter(d.outcome for d in forum if d.item == "4") == {"approved": 6, "noted": 3}


def test_a_cabinet_decision_reported_in_the_forum_minutes_is_cabinets_with_its_own_date(searcher):
    cabinet = [d for d in find_decisions(searcher, body="Cabinet") if d.doc == FORUM]
    assert [(d.date, d.text[:50]) for d in cabinet] == [
        ("2024-02-09", "The County Council's Cabinet agreed on 9 February ")
    ]


def test_kent_resolutions_one_record_per_part_with_agenda_item(searcher):
    kent = [d for d in find_decisions(searcher) if d.doc == KENT_MINUTES]
    assert {(d.body, d.date) for d in kent} == {("Cabinet", "2025-01-30")}
    assert Counter(d.item for d in kent) == {"3": 1, "5": 6, "6": 1, "7": 1, "8": 3, "9": 1}
    assert all(d.text.startswith("RESOLVED that") for d in kent)
    minutes = next(d for d in kent if d.item == "3")
    assert minutes.text == ("RESOLVED that the minutes of the meeting on 9 January 2025 were a correct record "
                            "and that they be signed by the Chair")
    plan = next(d for d in kent if d.item == "9")
    assert plan.item_title == "24/00096 - Commissioning Plan for Education Provision in Kent 2025-29"
    assert plan.presenter == "Mr Love (Cabinet Member for Education and Skills)"
    adopt = [d.text for d in kent if d.item == "8"][0]
    assert adopt == ("RESOLVED that Cabinet agree to: Adopt the Integrated Care Strategy Delivery Plan on behalf "
                     "of Kent County Council")


def test_a_committee_decision_reported_to_cabinet_keeps_the_committee_and_its_date(searcher):
    call_in = [d for d in find_decisions(searcher) if d.doc == CALL_IN]
    assert [(d.body, d.date, d.outcome) for d in call_in] == [
        ("Scrutiny Committee", "2025-01-29", "agreed unanimously"),
        ("Scrutiny Committee", "2025-01-29", "resolved unanimously"),
    ]
    assert call_in[0].text.endswith("That implementation of Decision 24/00093 be postponed pending review by the full Council.")


def test_minutes_inside_an_agenda_pack_are_dated_by_their_own_meeting(searcher):
    agreed = [d for d in find_decisions(searcher) if d.doc == AGENDA_PACK]
    assert {(d.body, d.date) for d in agreed} == {("Children, Young People and Education Scrutiny Commission", "2021-06-22")}
    taxis = [d.text for d in agreed if d.item == "11"]
    assert taxis == ["To note the position of the report.",
                     "That further updates be provided to the Commission in a future meeting once the travel "
                     "policy has been developed."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Approved: 6 Rejected: 1 Abstained: 0", {"approved": 6, "rejected": 1, "abstained": 0}),
        ("For: 10, Against: 2, Abstentions: 1", {"approved": 10, "rejected": 2, "abstained": 1}),
        ("carried by 12 votes to 3 against, with no abstentions", {"approved": 12, "rejected": 3, "abstained": 0}),
        ("The report was noted.", None),
    ],
)
def test_vote_counts(text, expected):
    assert vote_counts(text) == expected


def test_decision_and_agreed_forms_in_minutes_never_seen():
    lines = ["Minutes of the meeting of the Borough Schools Forum held on 3 March 2025",
             "1. Apologies", "None were received.",
             "2. Transport Policy", "The report was presented by Sam Lee, Head of Transport.",
             "Decision: The Forum agreed the revised transport policy.",
             "For: 9 Against: 0 Abstained: 2",
             "3. Any Other Business", "AGREED:", "1. That the survey be repeated next year.",
             "2. That a working group be set up."]
    document = ParsedDocument("m.pdf", "Minutes", [Page(1, [Line(t) for t in lines])], kind="minutes")
    found = extract_decisions(document)
    assert [(d.body, d.date, d.item, d.item_title, d.text, d.votes, d.presenter) for d in found] == [
        ("Borough Schools Forum", "2025-03-03", "2", "Transport Policy", "The Forum agreed the revised transport policy.",
         {"approved": 9, "rejected": 0, "abstained": 2}, "Sam Lee, Head of Transport"),
        ("Borough Schools Forum", "2025-03-03", "3", "Any Other Business", "That the survey be repeated next year.",
         None, ""),
        ("Borough Schools Forum", "2025-03-03", "3", "Any Other Business", "That a working group be set up.", None, ""),
    ]
