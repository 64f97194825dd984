"""Replies drawn for Slack and for the terminal, and Slack markup read back as plain words."""

from __future__ import annotations

import json

from answer.models import Answer, Citation
from index.models import Commitment, Decision, Hit
from slackbot import blocks, plaintext
from slackbot.mrkdwn import plain_text
from slackbot.replies import AnswerReply, NoticeReply, RecordsReply

CITATION = Citation(
    1, "Leicestershire Minutes.pdf", "Schools Forum minutes", 4, "Item 6", "Approved 12 for, 1 against"
)
ANSWER = Answer("How did Forum vote?", "It approved de-delegation [1].", True, [CITATION])
HIT = Hit(7, 0.5, "Nearby <passage> & text", "b.pdf", "B report", 2, 3, "Intro", "report", "2024-01-01")


def sections(message: dict) -> list[str]:
    return [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]


def test_plain_text_drops_the_bots_mention_and_keeps_links_and_names_as_words():
    typed = (
        "<@UBOT> what did <@U2|sam> say in <#C1|send-team> about <https://x.org/a|this> &amp; &lt;EHCPs&gt;?"
    )

    assert plain_text(typed, "UBOT") == "what did @sam say in #send-team about this & <EHCPs>?"


def test_an_answer_shows_its_markers_then_each_source_with_page_section_and_quote():
    message = blocks.render(AnswerReply(ANSWER, turn_id=9))

    answer, source = sections(message)
    assert answer == "It approved de-delegation [1]."
    assert source == "*[1]* Schools Forum minutes, p.4 · Item 6\n> Approved 12 for, 1 against"
    assert message["text"] == ANSWER.text


def test_a_source_links_to_its_page_when_a_base_url_is_set():
    message = blocks.render(AnswerReply(ANSWER, turn_id=9), blocks.DocumentLinks("https://docs.example.org/send"))

    assert (
        "<https://docs.example.org/send/Leicestershire%20Minutes.pdf#page=4|Schools Forum minutes>"
        in (sections(message)[1])
    )


def test_without_an_answer_the_closest_passages_are_shown_escaped():
    refusal = Answer("Who?", "I can't find this in the documents.", False, [], [HIT])

    message = blocks.render(AnswerReply(refusal, turn_id=1))

    assert "Nearby &lt;passage&gt; &amp; text" in sections(message)[1]


def test_long_text_is_split_over_several_sections():
    long_answer = Answer("q", "\n".join(f"line {n} " + "x" * 90 for n in range(100)), True, [CITATION])

    parts = sections(blocks.render(AnswerReply(long_answer, turn_id=1)))[:-1]

    assert len(parts) > 1 and all(len(part) <= blocks.SECTION_LIMIT for part in parts)
    assert "\n".join(parts) == long_answer.text


def test_a_quoted_table_row_shows_bars_between_its_cells_in_both_renderings():
    row = "Primary Need\tNumber\t% of Total\nModerate LD\t6,547\t29.8% [1]"
    answer = Answer("How many children have MLD?", row, True, [CITATION])

    shown = "Primary Need | Number | % of Total\nModerate LD | 6,547 | 29.8% [1]"
    assert sections(blocks.render(AnswerReply(answer, turn_id=1)))[0] == shown
    assert plaintext.render(AnswerReply(answer, turn_id=1)).startswith(shown)


def test_the_terminal_lists_sources_under_the_answer():
    text = plaintext.render(AnswerReply(ANSWER, turn_id=9))

    assert text.splitlines()[:3] == [
        "It approved de-delegation [1].",
        "",
        "Sources:",
    ]
    assert "[1] Schools Forum minutes, p.4, Item 6" in text
    assert "“Approved 12 for, 1 against”" in text


def test_a_warning_notice_is_marked_in_both_renderings():
    notice = NoticeReply("Sorry, I couldn't do that", ["Only admins."], warning=True)

    assert sections(blocks.render(notice)) == [":warning: *Sorry, I couldn't do that*\nOnly admins."]
    assert plaintext.render(notice) == "! Sorry, I couldn't do that\nOnly admins."


COMMITMENT = Commitment(
    "SEND", 2, "Effective", "2022-2023", [], "We will review EHCPs", 17, "Year Two (2022-2023)", "s.pdf"
)
DECISION = Decision("Schools' Forum", "2024-02-13", "3", "De-delegation", "Approve de-delegation", 2,
                    {"approved": 6, "rejected": 1, "abstained": 0}, outcome="approved", doc="m.pdf")  # fmt: skip


def test_a_listing_counts_its_records_shows_each_as_a_cited_line_under_its_group_and_offers_more():
    listing = RecordsReply("commitments", "SEND, priority 2", [COMMITMENT] * 5, 12, 1, 0, "SEND priority 2")

    message = blocks.render(listing)

    assert sections(message)[0] == "*12 commitments match* SEND, priority 2 (showing 1–5)"
    assert sections(message)[1] == "*SEND priority 2: Effective, Year Two (2022-2023)*\n" + "\n".join(
        ["• We will review EHCPs (_s.pdf, p.17_)"] * 5
    )
    more, spreadsheet = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert json.loads(more["value"]) == {"text": "commitments SEND priority 2", "page": 2}
    assert spreadsheet["action_id"] == blocks.ACTION_RECORDS_CSV and "All 12" in spreadsheet["text"]["text"]


def test_a_decision_shows_its_vote_as_the_minutes_print_it():
    listing = RecordsReply("decisions", "“de-delegation”", [DECISION], 1, 1, 0, "de-delegation")

    text = plaintext.render(listing)

    assert text.splitlines()[0] == "1 decision matches “de-delegation” (showing 1–1):"
    assert "Outcome: Approved (Approved: 6 Rejected: 1 Abstained: 0)" in text
    assert "m.pdf, p.2" in text


def test_an_empty_listing_says_nothing_matches():
    listing = RecordsReply("decisions", "Cabinet, 1999-01-01", [], 0, 1, 0, "cabinet 1999-01-01")

    assert blocks.render(listing)["text"] == "No decisions match Cabinet, 1999-01-01."


def test_pages_hold_whole_groups_up_to_the_limit_and_split_only_a_group_longer_than_a_page():
    from slackbot.conversation import page_bounds

    assert page_bounds(["a"] * 9 + ["b"] * 9 + ["c"] * 9, 30) == [(0, 27)]
    assert page_bounds(["a"] * 9 + ["b"] * 9 + ["c"] * 9, 20) == [(0, 18), (18, 27)]
    assert page_bounds(["a"] * 45 + ["b"] * 2, 20) == [(0, 20), (20, 40), (40, 47)]
    assert page_bounds([], 30) == []


def test_sources_show_their_documents_date_as_people_write_it():
    from slackbot.blocks import document_date

    assert [document_date(d) for d in ("2024-02-13", "2024-02", "2024", "", "undated")] == [
        "13 Feb 2024", "Feb 2024", "2024", "", ""]  # fmt: skip


def test_the_longest_answer_stays_within_slacks_block_and_section_limits():
    from answer.models import Citation

    citations = [Citation(n, "m.pdf", "Minutes " * 40, n, "Section " * 60, "quote " * 400, "2024-02-13") for n in range(1, 41)]
    huge = Answer("q", ("A sentence from the minutes that goes on. " * 60 + "\n") * 60, True, citations)

    message = blocks.render(AnswerReply(huge, turn_id=1), asked_by="U1", shareable=True)

    assert len(message["blocks"]) <= 50
    texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert texts and max(len(text) for text in texts) <= 3000
    assert message["blocks"][-1]["type"] == "context_actions"  # the feedback buttons still fit
