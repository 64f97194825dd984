"""What the words of a message ask for: the command, and the filters of a record listing."""

from __future__ import annotations

from datetime import date

import pytest

from slackbot.filters import (
    ActionFilters,
    CommitmentFilters,
    DecisionFilters,
    normalise_year,
    parse_action_filters,
    parse_commitment_filters,
    parse_decision_filters,
)
from slackbot.request_words import Request, parse_request

STRATEGIES = ["SEND and Inclusion Strategy 2020-2023", "Education divisional strategy"]
BODIES = [
    "Leicestershire Schools' Forum",
    "Cabinet",
    "Children and Family Services Overview and Scrutiny Committee",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what did we commit to on EHCP quality in year two?", Request("ask", "what did we commit to on EHCP quality in year two?")),
        ("ask how did Schools Forum vote?", Request("ask", "how did Schools Forum vote?")),
        ("commitments SEND priority 2", Request("commitments", "SEND priority 2")),
        ("Decisions: de-delegation", Request("decisions", "de-delegation")),
        ("actions APP red", Request("actions", "APP red")),
        ("help", Request("help")),
        ("", Request("help")),
        ("ask", Request("help")),
        ("status", Request("status")),
        ("ingest", Request("ingest")),
        ("status of the EHCP review?", Request("ask", "status of the EHCP review?")),
        ("help with transport costs", Request("ask", "help with transport costs")),
    ],
)  # fmt: skip
def test_words_are_routed_to_the_command_they_name(text, expected):
    assert parse_request(text) == expected


@pytest.mark.parametrize(
    ("spelling", "year"),
    [
        ("2023-24", "2023-2024"),
        ("2023/24", "2023-2024"),
        ("2023-2024", "2023-2024"),
        ("2023 to 2024", "2023-2024"),
        ("year 2023–24", "2023-2024"),
        ("Year Two", "Year Two"),
        ("year 2", "Year Two"),
        ("year2", "Year Two"),  # as the strategy tables' own reader (text.years) takes it
        ("year three", "Year Three"),
        ("second year", "Year Two"),
        ("Y1", "Year One"),
        ("2021-2024", None),  # a strategy's span, not one year
        ("priority 2", None),
    ],
)
def test_years_are_read_in_any_spelling(spelling, year):
    assert normalise_year(spelling) == year


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("SEND priority 2 year 2023-24", CommitmentFilters("SEND and Inclusion Strategy 2020-2023", 2, "2023-2024")),
        ("SEND priority 2", CommitmentFilters("SEND and Inclusion Strategy 2020-2023", 2)),
        ("send strategy priority two Year Two EHCP quality", CommitmentFilters("SEND and Inclusion Strategy 2020-2023", 2, "Year Two", "EHCP quality")),
        ("education 2022/23", CommitmentFilters("Education divisional strategy", year="2022-2023")),
        ("quality of EHCPs", CommitmentFilters(query="quality of EHCPs")),
        ("", CommitmentFilters()),
    ],
)  # fmt: skip
def test_commitment_words_become_strategy_priority_year_and_query(words, expected):
    assert parse_commitment_filters(words, STRATEGIES) == expected


def test_a_word_shared_by_several_strategies_is_passed_as_typed():
    strategies = ["SEND divisional strategy", "SEND and Inclusion Strategy 2020-2023"]

    assert parse_commitment_filters("SEND priority 1", strategies).strategy == "SEND"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("de-delegation", DecisionFilters(query="de-delegation")),
        ("Schools Forum de-delegation", DecisionFilters("Leicestershire Schools' Forum", query="de-delegation")),
        ("schools' forum 13 February 2024", DecisionFilters("Leicestershire Schools' Forum", "2024-02-13", "2024-02-13")),
        ("cabinet since 2024 transport", DecisionFilters("Cabinet", date_from="2024-01-01", query="transport")),
        ("before March 2021 scrutiny committee", DecisionFilters(BODIES[2], date_to="2021-02-28")),
        ("Feb 2024", DecisionFilters(date_from="2024-02-01", date_to="2024-02-29")),
        ("after 2023-06-30 high needs", DecisionFilters(date_from="2023-07-01", query="high needs")),
        ("until 2024", DecisionFilters(date_to="2024-12-31")),
    ],
)  # fmt: skip
def test_decision_words_become_body_dates_and_query(words, expected):
    assert parse_decision_filters(words, BODIES) == expected


PLANS = ["Leicester City SEND Accelerated Progress Plan", "Written Statement of Action"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("APP red", ActionFilters("APP", "red")),
        ("wsoa on track lead Jane Smith", ActionFilters("wsoa", "on track", "Jane Smith")),
        ("APP no status", ActionFilters("APP", "none")),
        ("accelerated EHCP", ActionFilters(PLANS[0], query="EHCP")),
        ("in the app", ActionFilters("app")),  # "in" and "the" are in no plan's initials
        ("overdue transport", ActionFilters(due_before="2026-12-04", query="transport")),
        ("all", ActionFilters()),
    ],
)  # fmt: skip
def test_action_words_become_plan_status_owner_and_query(words, expected):
    assert parse_action_filters(words, PLANS, today=date(2026, 12, 4)) == expected


def test_filters_describe_themselves_for_the_reply_heading():
    assert (
        CommitmentFilters("SEND", 2, "2023-2024", "EHCP").describe() == "SEND, priority 2, 2023-2024, “EHCP”"
    )
    assert DecisionFilters("Cabinet", "2024-02-13", "2024-02-13").describe() == "Cabinet, 2024-02-13"
    assert DecisionFilters().describe() == "all"
    assert ActionFilters("APP", "red", "Jane").describe() == "APP, status red, led by Jane"
