"""Soak the Slack bot over HTTP: signed mentions at a steady rate, a re-ingest half way.

`python bot.py serve --http` runs as its own process on 127.0.0.1 against a local fake
of Slack's Web API (tests/slack/fake_slack_api.py, timestamping each call it receives)
and a private copy of an index. For `--minutes` (default 10), signed app_mention events
(the questions of bench/questions.jsonl, in turn) are sent at `--rate` per second, on a
fixed schedule, from a pool of sender threads; one in `--retry-every` is sent a second
time as Slack's retry (same event id, X-Slack-Retry-Num: 1). Half way through, an admin's
`python bot.py ingest NEW.md --index SERVED` adds a document to the served index; after it
finishes, a question only that document answers is asked and must be answered from it.

Reported: requests per second offered and acknowledged, ack latency (HTTP response time)
p50/p95/p99/max, answer latency (event sent -> the chat.update that replaces the
"Searching..." placeholder) p50/p95/p99/max, overall and while the re-ingest ran; errors
(non-200 acks, send failures, apologies, unanswered events); duplicate replies (more than
one message in a thread); the bot's RSS at start (after warm-up) and at the end, and its
largest sampled RSS; its exit status on SIGTERM (0: it finished what was in flight first).

Usage (from the repo root):
  python bench/faults/soak.py [--minutes 10] [--rate 2] [--index DIR] [--out bench/results]
Without --index, the shared corpus PDFs are ingested first into a scratch index.
Writes OUT/soak.md and OUT/soak.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import write_report  # noqa: E402
from bench.faults.common import (  # noqa: E402
    DEFAULT_OUT,
    DEFAULT_QUESTIONS,
    REPO_ROOT,
    bot,
    corpus_pdfs,
    header,
    percentile,
    product_env,
    questions,
    run_ingest,
    session_members,
)

sys.path.insert(0, str(REPO_ROOT / "tests" / "slack"))
import requests  # noqa: E402
from fake_slack_api import FakeSlack, is_placeholder  # noqa: E402
from slack_payloads import BOT_TOKEN, SIGNING_SECRET, event_callback, mention, signature_headers  # noqa: E402

from slackbot.blocks import APOLOGY  # noqa: E402
from slackbot.server import GRACE_SECONDS  # noqa: E402

NEW_DOCUMENT = "soak-added-notes.md"
NEW_TEXT = """# Soak test bulletin

## Portage home visiting

The Portage home visiting pilot in Quarrington ward reaches 48 families from September.
"""
NEW_QUESTION = "How many families does the Portage home visiting pilot in Quarrington reach?"
NEW_FACT = ("48 families", "Quarrington")
HELD_BACK = "Leicester-CYPE-Scrutiny-2021-09-02 - Agenda pack.pdf"  # 79 pages, added by the re-ingest
STARTUP_SECONDS = 180  # model and index load before the bot listens
DRAIN_SECONDS = 120  # after the last event, for answers still being worked on


class TimedFakeSlack(FakeSlack):
    """The tests' fake Web API, noting when each call arrived."""

    def record(self, call) -> None:
        call.received = time.monotonic()
        super().record(call)


@dataclass
class Sent:
    ts: str
    event_id: str
    question: str
    sent: float = 0.0
    ack_seconds: float | None = None
    status: int | None = None
    error: str = ""
    retry_status: int | None = None
    during_ingest: bool = False


@dataclass
class Soak:
    url: str
    rate: float
    seconds: float
    questions: list[str]
    retry_every: int
    sent: list[Sent] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, body: dict, headers: dict | None = None) -> tuple[int | None, float, str]:
        text = json.dumps(body)
        sent_headers = {"Content-Type": "application/json", **signature_headers(text), **(headers or {})}
        started = time.monotonic()
        try:
            response = requests.post(self.url, data=text.encode(), headers=sent_headers, timeout=10)
            return response.status_code, time.monotonic() - started, ""
        except requests.RequestException as exc:
            return None, time.monotonic() - started, type(exc).__name__

    def send(self, number: int, question: str, ingest_running: threading.Event) -> Sent:
        event = mention(question, user=f"U{number % 50:03d}", channel=f"C{number % 7}")
        body = event_callback(event, event_id=f"EvSoak{number:07d}")
        record = Sent(event["ts"], body["event_id"], question, during_ingest=ingest_running.is_set())
        record.sent = time.monotonic()
        record.status, record.ack_seconds, record.error = self.post(body)
        if self.retry_every and number % self.retry_every == 0:
            record.retry_status, _, _ = self.post(
                body, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
        with self._lock:
            self.sent.append(record)
        return record


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of the bot and any processes it started (ingest workers), in MB:
    the bot leads a session of its own (start_bot)."""
    total = 0
    for member in session_members(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return round(total / 1024, 1)


def start_bot(index_dir: Path, data_dir: Path, api_url: str, port: int, log: Path) -> subprocess.Popen:
    env = product_env(
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SENDBOT_SLACK_API_URL=api_url,
        SENDBOT_INDEX_DIR=str(index_dir), SENDBOT_DATA_DIR=str(data_dir),
        SENDBOT_DOCUMENTS_DIR=str(data_dir / "documents"),
    )
    for name in ("SENDBOT_ALLOWED_CHANNELS", "SENDBOT_ADMIN_USERGROUP", "SENDBOT_DOCUMENT_BASE_URL", "SLACK_APP_TOKEN"):
        env.pop(name, None)
    with log.open("ab") as output:
        process = subprocess.Popen(
            bot("serve", "--http", "--port", str(port), "--host", "127.0.0.1"),
            cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited {process.returncode} while starting: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    stop_bot(process)
    raise RuntimeError(f"the bot did not listen within {STARTUP_SECONDS}s")


def stop_bot(process: subprocess.Popen) -> int:
    """SIGTERM, as systemd or Kubernetes stop it; SIGKILL if it outlasts its grace period."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=GRACE_SECONDS + 10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


def replies(fake: FakeSlack) -> dict[str, dict]:
    """Per thread: its messages (posts) and the time its placeholder was replaced by the reply."""
    threads: dict[str, dict] = {}
    by_message_ts: dict[str, str] = {}
    for call in fake.calls_to("chat.postMessage"):
        thread = call.body.get("thread_ts")
        entry = threads.setdefault(thread, {"posts": 0, "answered": None, "text": "", "apology": False})
        entry["posts"] += 1
        if call.response.get("ok"):
            by_message_ts[call.response["ts"]] = thread
        if not is_placeholder(call.body):  # a reply posted directly (a refusal)
            entry["answered"] = entry["answered"] or call.received
            entry["text"] = json.dumps(call.body.get("blocks"))
    for call in fake.calls_to("chat.update"):
        thread = by_message_ts.get(call.body.get("ts"))
        if thread is None or is_placeholder(call.body):
            continue
        entry = threads[thread]
        if entry["answered"] is None:
            entry["answered"] = call.received
            entry["text"] = json.dumps(call.body.get("blocks"))
            entry["apology"] = APOLOGY in entry["text"]
    return threads


def run(index_dir: Path, work: Path, minutes: float, rate: float, queries: list[str],
        retry_every: int = 20, reingest_also: tuple[Path, ...] = (), say=print) -> dict:
    """Serve a copy of `index_dir` and soak it; every figure is returned (the caller judges).

    The re-ingest adds a short Markdown note and `reingest_also` (documents the index lacks).
    """
    served = work / "served-index"
    shutil.copytree(index_dir, served, symlinks=True)
    data = work / "data"
    data.mkdir()
    new_documents = work / "new-documents"
    new_documents.mkdir()
    (new_documents / NEW_DOCUMENT).write_text(NEW_TEXT)
    for path in reingest_also:
        shutil.copy(path, new_documents / path.name)
    fake = TimedFakeSlack().start()
    port = free_port()
    bot_log = work / "bot.log"
    process = start_bot(served, data, fake.api_url, port, bot_log)
    soak = Soak(f"http://127.0.0.1:{port}/slack/events", rate, minutes * 60, queries, retry_every)
    ingest_running, ingest_result = threading.Event(), {}
    rss = {"start": rss_mb(process.pid), "samples": []}
    say(f"bot listening on port {port}, RSS {rss['start']} MB; {rate}/s for {minutes} min")

    def reingest() -> None:
        ingest_running.set()
        started = time.monotonic()
        try:
            report = run_ingest(new_documents, served)
            ingest_result.update(ok=True, added=report["added"], generation=report["generation"])
        except Exception as exc:  # reported, not raised: the soak goes on
            ingest_result.update(ok=False, error=str(exc)[-500:])
        ingest_result["started"] = started
        ingest_result["seconds"] = round(time.monotonic() - started, 1)
        ingest_running.clear()

    total = max(1, int(rate * soak.seconds))
    ingest_at = total // 2
    ingest_thread = threading.Thread(target=reingest, daemon=True)
    new_question_sent: Sent | None = None
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=32, thread_name_prefix="soak-send") as senders:
        futures = []
        for number in range(total):
            due = start + number / rate
            time.sleep(max(0.0, due - time.monotonic()))
            if number == ingest_at:
                ingest_thread.start()
            if number % max(1, int(rate * 5)) == 0:
                rss["samples"].append(rss_mb(process.pid))
            futures.append(senders.submit(soak.send, number, queries[number % len(queries)], ingest_running))
        load_seconds = time.monotonic() - start
        ingest_thread.join(timeout=600)
        if ingest_result.get("ok"):
            new_question_sent = soak.send(total, NEW_QUESTION, ingest_running)
        for future in futures:
            future.result(timeout=60)

    # wait (bounded) for every acknowledged event to be answered
    deadline = time.monotonic() + DRAIN_SECONDS
    expected = {s.ts for s in soak.sent if s.status == 200}
    while time.monotonic() < deadline:
        threads = replies(fake)
        if all(threads.get(ts, {}).get("answered") for ts in expected):
            break
        time.sleep(0.5)
    time.sleep(1.0)  # a duplicate reply would come now
    threads = replies(fake)
    rss["end"] = rss_mb(process.pid)
    rss["max_sampled"] = max(rss["samples"] + [rss["start"], rss["end"]])
    exit_code = stop_bot(process)
    fake.stop()

    acked = [s for s in soak.sent if s.status == 200]
    answer_latency = {s.ts: threads[s.ts]["answered"] - s.sent for s in acked
                      if threads.get(s.ts, {}).get("answered")}
    during = [s for s in acked if s.during_ingest]
    new_answer = threads.get(new_question_sent.ts, {}) if new_question_sent else {}
    finished = [threads[s.ts]["answered"] for s in acked if threads.get(s.ts, {}).get("answered")]
    answer_window = (max(finished) - start) if finished else 0.0

    def latencies(values: list[float]) -> dict:
        return {f"p{q}": None if percentile(values, q) is None else round(percentile(values, q), 3)
                for q in (50, 95, 99)} | {"max": round(max(values), 3) if values else None, "n": len(values)}

    errors = {
        "non_200_acks": sum(1 for s in soak.sent if s.status not in (200, None)),
        "send_failures": sum(1 for s in soak.sent if s.status is None),
        "retry_not_200": sum(1 for s in soak.sent if s.retry_status not in (None, 200)),
        "apologies": sum(1 for s in acked if threads.get(s.ts, {}).get("apology")),
        "unanswered": sum(1 for s in acked if not threads.get(s.ts, {}).get("answered")),
    }
    duplicates = sum(1 for s in soak.sent if threads.get(s.ts, {}).get("posts", 0) > 1)
    return {
        "minutes": minutes,
        "rate_offered": rate,
        "events": len(soak.sent),
        "retries_sent": sum(1 for s in soak.sent if s.retry_status is not None),
        "load_seconds": round(load_seconds, 1),
        "acks_per_second": round(sum(1 for s in acked if s is not new_question_sent) / soak.seconds, 2),
        "answers_per_second": round(len(answer_latency) / answer_window, 2) if answer_window else 0.0,
        "ack_latency": latencies([s.ack_seconds for s in acked]),
        "answer_latency": latencies(list(answer_latency.values())),
        "during_ingest": {
            "events": len(during),
            "ack_latency": latencies([s.ack_seconds for s in during]),
            "answer_latency": latencies([answer_latency[s.ts] for s in during if s.ts in answer_latency]),
        },
        "errors": errors,
        "duplicate_replies": duplicates,
        "reingest": {k: v for k, v in ingest_result.items() if k != "started"},
        "new_document_answered": _from_new_document(new_answer),
        "rss_mb": rss,
        "bot_exit": exit_code,
        "bot_log_tracebacks": bot_log.read_text(errors="replace").count("Traceback"),
        "ok": (not any(errors.values()) and duplicates == 0 and bool(ingest_result.get("ok"))
               and _from_new_document(new_answer) and exit_code == 0),
    }


def _from_new_document(reply: dict) -> bool:
    return bool(reply.get("answered")) and all(w in reply.get("text", "") for w in NEW_FACT)


def render(result: dict, argv: list[str]) -> list[str]:
    a, w, d = result["ack_latency"], result["answer_latency"], result["during_ingest"]
    e, r = result["errors"], result["rss_mb"]

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value * 1000:.0f}"

    lines = header("Soak: the Slack bot over HTTP under steady load", argv)
    lines += [
        f"**{result['events']} signed mentions in {result['load_seconds']}s ({result['rate_offered']}/s offered): "
        f"{result['acks_per_second']}/s acknowledged, {result['answers_per_second']}/s answered; "
        f"{sum(e.values())} errors, {result['duplicate_replies']} duplicate replies; "
        f"RSS {r['start']} MB at start, {r['end']} MB at the end.**",
        "",
        "| latency (ms) | n | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|",
        f"| ack (HTTP response) | {a['n']} | {ms(a['p50'])} | {ms(a['p95'])} | {ms(a['p99'])} | {ms(a['max'])} |",
        f"| answer (event -> chat.update with the answer) | {w['n']} | {ms(w['p50'])} | {ms(w['p95'])} | "
        f"{ms(w['p99'])} | {ms(w['max'])} |",
        f"| ack while the re-ingest ran | {d['ack_latency']['n']} | {ms(d['ack_latency']['p50'])} | "
        f"{ms(d['ack_latency']['p95'])} | {ms(d['ack_latency']['p99'])} | {ms(d['ack_latency']['max'])} |",
        f"| answer while the re-ingest ran | {d['answer_latency']['n']} | {ms(d['answer_latency']['p50'])} | "
        f"{ms(d['answer_latency']['p95'])} | {ms(d['answer_latency']['p99'])} | {ms(d['answer_latency']['max'])} |",
        "",
        f"- errors: {e['non_200_acks']} non-200 acks, {e['send_failures']} failed sends, {e['retry_not_200']} "
        f"retries not acknowledged, {e['apologies']} apologies, {e['unanswered']} unanswered",
        f"- Slack retries sent (same event id, X-Slack-Retry-Num: 1): {result['retries_sent']}; threads with more "
        f"than one reply: {result['duplicate_replies']}",
        f"- re-ingest half way (`bot.py ingest NEW_DOCUMENTS --index SERVED`, a separate process, adding "
        f"{len(result['reingest'].get('added', []))} documents): "
        + (f"{result['reingest']['seconds']}s, added {', '.join(result['reingest']['added'])}; "
           if result["reingest"].get("ok") else f"FAILED {result['reingest'].get('error', '')}; ")
        + f"a question only it answers was then answered from it: {'yes' if result['new_document_answered'] else 'no'}",
        f"- bot RSS (its process and children): {r['start']} MB after warm-up, {r['end']} MB at the end, "
        f"{r['max_sampled']} MB largest of {len(r['samples'])} samples (every 5 s)",
        f"- bot exit status on SIGTERM: {result['bot_exit']} (0: it finished the answers in flight, then "
        f"stopped); tracebacks in its log: {result['bot_log_tracebacks']}",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=2.0, help="Mentions per second.")
    parser.add_argument("--retry-every", type=int, default=20, help="Every Nth event is also sent as a retry.")
    parser.add_argument("--index", type=Path, default=None, help="Serve a copy of this index (default: ingest the corpus).")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="soak-") as work:
        work = Path(work)
        index_dir, held_back = args.index, ()
        if index_dir is None:  # the corpus but one PDF, which the re-ingest then adds
            documents = work / "documents"
            documents.mkdir()
            held_back = tuple(p for p in corpus_pdfs() if p.name == HELD_BACK)
            for pdf in corpus_pdfs():
                if pdf.name != HELD_BACK:
                    shutil.copy(pdf, documents / pdf.name)
            index_dir = work / "index"
            print("ingesting the corpus for the bot to serve ...")
            run_ingest(documents, index_dir)
        result = run(index_dir, work, args.minutes, args.rate, questions(args.questions), args.retry_every,
                     reingest_also=held_back)
    markdown = "\n".join(render(result, ["bench/faults/soak.py", *argv]))
    report = write_report(args.out, "soak", markdown, result)
    print(report.read_text())
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
