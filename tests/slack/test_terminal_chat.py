"""`python bot.py chat`: the Slack handlers in a terminal, the whole session one thread."""

from __future__ import annotations

import io
import re

from settings import Settings
from slackbot.conversation import HELP_TITLE
from slackbot.library import Library
from slackbot.terminal import GREETING, run_chat


def chat(lines: list[str]) -> str:
    output = io.StringIO()
    run_chat(Settings(), input=io.StringIO("".join(line + "\n" for line in lines)), output=output)
    return output.getvalue()


def test_the_terminal_answers_with_sources_and_follow_ups_keep_the_thread(corpus_env, embedder, monkeypatch):
    asked = []
    real_answer = Library.answer

    def recording_answer(library, question, history, audience):
        asked.append((question, [turn.question for turn in history]))
        return real_answer(library, question, history, audience)

    monkeypatch.setattr(Library, "answer", recording_answer)

    transcript = chat(
        ["What did we commit to on EHCP quality in year two?", "and in year three?", "more", "quit"]
    )

    assert transcript.startswith(GREETING)
    assert "Sources:" in transcript and "  [1] " in transcript
    assert asked == [
        ("What did we commit to on EHCP quality in year two?", []),
        ("and in year three?", ["What did we commit to on EHCP quality in year two?"]),
    ]
    assert "More sources for “and in year three?”" in transcript


def test_the_terminal_runs_listings_help_and_status(corpus_env, embedder):
    transcript = chat(["commitments SEND priority 2", "decisions de-delegation", "help", "status"])

    assert "commitments match" in transcript
    assert re.search(r"\d+ decisions? match", transcript)
    assert HELP_TITLE in transcript
    assert "Documents:" in transcript  # the index status lines


def test_the_terminal_ends_at_end_of_input_and_survives_a_failure(corpus_env, embedder, monkeypatch):
    def broken(library, question, history, audience):
        raise RuntimeError("boom")

    monkeypatch.setattr(Library, "answer", broken)

    transcript = chat(["why?", "help"])

    assert "Sorry, something went wrong" in transcript
    assert HELP_TITLE in transcript
