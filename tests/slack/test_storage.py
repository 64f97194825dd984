"""The bot's own database under concurrent use: each event taken on once, turns kept per thread."""

from __future__ import annotations

import threading

from answer.models import Answer, Citation
from slackbot.seen_events import SeenEvents
from slackbot.threads import ThreadMemory


def run_together(count: int, job) -> list:
    results: list = []
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        barrier.wait()
        results.append(job(n))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_an_event_is_taken_on_exactly_once_by_racing_threads_on_a_new_database(tmp_path):
    seen = SeenEvents(tmp_path / "fresh")

    results = run_together(20, lambda n: seen.first_sighting("Ev1"))

    assert sorted(results) == [False] * 19 + [True]


def test_seen_events_are_forgotten_after_the_retention_window(tmp_path):
    assert SeenEvents(tmp_path, retention_seconds=-1).first_sighting("Ev1")
    assert SeenEvents(tmp_path, retention_seconds=-1).first_sighting("Ev1")
    assert not SeenEvents(tmp_path).first_sighting("Ev1")


def test_threads_keep_their_own_turns_in_order(tmp_path):
    memory = ThreadMemory(tmp_path)
    citation = Citation(1, "a.pdf", "A", 3, "S", "quoted")

    run_together(
        10, lambda n: memory.remember(f"thread-{n % 2}", f"U{n}", Answer(f"q{n}", f"a{n}", True, [citation]))
    )

    for parity in (0, 1):
        history = memory.history(f"thread-{parity}")
        assert len(history) == 5
        assert all(int(turn.question[1:]) % 2 == parity for turn in history)
    first = memory.get(1)
    assert first is not None and first.sources == [citation.as_json()]
