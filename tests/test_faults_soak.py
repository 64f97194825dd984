"""The Slack bot over HTTP holds a steady load for 30 s with a re-ingest half way (CI variant).

`python bot.py serve --http` runs as its own process against the tests' fake Slack Web API;
signed mentions arrive at 2 per second, a few of them sent twice as Slack retries. Every one
is acknowledged quickly and answered exactly once, the document the re-ingest adds is found,
the bot's memory does not run away, and SIGTERM stops it cleanly (exit status 0). The
10-minute run is `python bench/faults/soak.py`.
"""

from __future__ import annotations

from bench.faults.common import questions
from bench.faults.soak import run

SECONDS = 30


def test_the_bot_holds_a_steady_load_across_a_reingest(corpus_index, tmp_path, embedder):
    result = run(corpus_index, tmp_path, minutes=SECONDS / 60, rate=2.0, queries=questions(),
                 retry_every=10, say=lambda line: None)

    assert result["errors"] == {"non_200_acks": 0, "send_failures": 0, "retry_not_200": 0,
                                "apologies": 0, "unanswered": 0}, result["errors"]
    assert result["duplicate_replies"] == 0 and result["retries_sent"] >= 5
    assert result["acks_per_second"] >= 1.8  # the offered 2/s was held
    assert result["ack_latency"]["p99"] < 3.0  # Slack's deadline for an acknowledgement
    assert result["answer_latency"]["p95"] < 10.0
    assert result["reingest"]["ok"] and result["new_document_answered"], result["reingest"]
    assert result["bot_log_tracebacks"] == 0
    assert result["bot_exit"] == 0
    assert result["rss_mb"]["end"] < result["rss_mb"]["start"] + 300, result["rss_mb"]
