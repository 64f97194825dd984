"""Answer benchmark: `bot.py ask` on the question set, through its command-line contract only.

    python bot.py ingest <corpus PDFs> --index DIR     (only when DIR holds no index yet)
    python bot.py ask --json --stdin --index DIR        one question per line in, one JSON object
                                                        per line out: {"question", "answer",
                                                        "found", "citations": [{"n", "doc", ...}]}

Questions go one at a time into one running `ask` process, after one untimed warm-up
question, and each answer line is timed: that is the warm, per-question latency. The
language-model settings are removed from the environment, so the answers are extractive.

Scores, per corpus (leicester, kent) and overall:
  answered   answerable questions whose answer is found, cites the question's document (or a
             byte-identical copy) and whose first 1,200 characters contain the gold evidence
             (normalised), or the gold fact with 60% of the evidence's content words: the
             relevance rule of bench/common.py applied to the answer text
  verbatim   the same, but only the whole evidence span counts
  refused    unanswerable questions answered found: false
  false refusals  answerable questions answered found: false
  latency    p50 / p95 milliseconds per question

Usage (from the repo root):
  python bench/answers.py [--index DIR] [--corpus ../shared/corpus] [--questions bench/questions.jsonl]
                          [--out bench/results]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import queue
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEFAULT_CORPUS,
    DEFAULT_QUESTIONS,
    REPO_ROOT,
    Question,
    corpus_pdfs,
    duplicate_groups,
    is_relevant,
    load_questions,
    normalise,
    write_report,
)

ANSWER_CHARS = 1200  # the part of an answer a reader takes in; the evidence must be there
WARM_UP = "What support is there for children with special educational needs?"
DEFAULT_INDEX = REPO_ROOT / "bench" / "work" / "answers-index"
DEFAULT_OUT = REPO_ROOT / "bench" / "results"
BOT = REPO_ROOT / "bot.py"
SCOPES = ("leicester", "kent", "overall")


def bot_env() -> dict[str, str]:
    """Offline, and without a language model: the benchmark measures the extractive answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENDBOT_LLM_")}
    return {**env, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def ensure_index(index_dir: Path, pdfs: list[Path]) -> None:
    if (index_dir / "current").exists():
        return
    click.echo(f"building the index in {index_dir} ...", err=True)
    command = [sys.executable, str(BOT), "ingest", *map(str, pdfs), "--index", str(index_dir)]
    result = subprocess.run(command, cwd=REPO_ROOT, env=bot_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise click.ClickException(f"ingest failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")


class AskProcess:
    """A running `bot.py ask --json --stdin` answering one question line with one JSON line."""

    def __init__(self, index_dir: Path, timeout: float, extra: tuple[str, ...] = ()) -> None:
        command = [sys.executable, str(BOT), "ask", "--json", "--stdin", "--index", str(index_dir), *extra]
        self.timeout = timeout
        self.proc = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=bot_env(),
            text=True,
            bufsize=1,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def ask(self, question: str) -> tuple[dict, float]:
        started = time.perf_counter()
        self.proc.stdin.write(question + "\n")
        self.proc.stdin.flush()
        try:
            line = self.lines.get(timeout=self.timeout)
        except queue.Empty:
            raise click.ClickException(f"no answer within {self.timeout}s to {question!r}") from None
        if line is None:
            raise click.ClickException(f"ask exited early (code {self.proc.poll()}) at {question!r}")
        return json.loads(line), time.perf_counter() - started

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=self.timeout)


def judge(question: Question, response: dict, duplicates: dict[str, frozenset[str]]) -> dict:
    """One question's outcome; see the module docstring for the rules."""
    text = response.get("answer", "")[:ANSWER_CHARS]
    found = bool(response.get("found"))
    docs = [c.get("doc", "") for c in response.get("citations", [])]
    outcome = {
        "id": question.id,
        "corpus": question.corpus,
        "type": question.type,
        "answerable": question.answerable,
        "found": found,
        "cited": docs,
        "answer": response.get("answer", ""),
    }
    if question.answerable:
        allowed = set(question.docs).union(*(duplicates.get(d, frozenset()) for d in question.docs))
        outcome["answered"] = found and any(is_relevant(question, doc, text, duplicates) for doc in docs)
        outcome["verbatim"] = (
            found
            and any(d in allowed for d in docs)
            and normalise(question.evidence or "") in normalise(text)
        )
    return outcome


def summarise(outcomes: list[dict], latencies: list[float]) -> dict:
    scores = {}
    for scope in SCOPES:
        rows = [o for o in outcomes if scope == "overall" or o["corpus"] == scope]
        answerable = [o for o in rows if o["answerable"]]
        unanswerable = [o for o in rows if not o["answerable"]]
        scores[scope] = {
            "answerable": len(answerable),
            "answered": share(o["answered"] for o in answerable),
            "verbatim": share(o["verbatim"] for o in answerable),
            "false_refusals": share(not o["found"] for o in answerable),
            "unanswerable": len(unanswerable),
            "refused": share(not o["found"] for o in unanswerable),
        }
    by_type: dict[str, list[bool]] = {}
    for o in outcomes:
        if o["answerable"]:
            by_type.setdefault(o["type"], []).append(o["answered"])
    p50, p95 = np.percentile(np.array(latencies) * 1000, [50, 95]) if latencies else (None, None)
    return {
        "scores": scores,
        "by_type": {t: {"n": len(v), "answered": share(v)} for t, v in sorted(by_type.items())},
        "latency_ms": {"p50": float(p50), "p95": float(p95), "n": len(latencies)},
    }


def share(values) -> float | None:
    values = list(values)
    return sum(bool(v) for v in values) / len(values) if values else None


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def render(report: dict) -> str:
    s, m = report["summary"], report["machine"]
    lines = [
        "# Answer benchmark",
        "",
        f"- command: `{report['command']}`",
        f"- date: {report['date']}",
        f"- machine: nproc={m['nproc']}, Python {m['python']}, {m['platform']}",
        f"- index: {report['index']} ({report['pdfs']} PDFs of {report['corpus']})",
        f"- questions: {report['questions']}",
        f"- answered = found, cites the question's document and the first {ANSWER_CHARS} characters of the answer "
        "contain the normalised evidence (or the fact and 60% of the evidence's content words); "
        "verbatim = the whole evidence span",
        "",
        "| scope | answerable | answered | verbatim | false refusals | unanswerable | refused |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for scope in SCOPES:
        r = s["scores"][scope]
        lines.append(
            f"| {scope} | {r['answerable']} | {pct(r['answered'])} | {pct(r['verbatim'])} | "
            f"{pct(r['false_refusals'])} | {r['unanswerable']} | {pct(r['refused'])} |"
        )
    lat = s["latency_ms"]
    lines += [
        "",
        f"Latency, warm, one question at a time through `ask --json --stdin`: p50 {lat['p50']:.0f} ms, "
        f"p95 {lat['p95']:.0f} ms ({lat['n']} questions).",
        "",
        "## By question type (answerable)",
        "",
        "| type | n | answered |",
        "|---|---:|---:|",
    ]
    lines += [f"| {t} | {v['n']} | {pct(v['answered'])} |" for t, v in s["by_type"].items()]
    misses = [
        o
        for o in report["outcomes"]
        if (o["answerable"] and not o["answered"]) or (not o["answerable"] and o["found"])
    ]
    lines += ["", "## Misses", "", "| id | found | cited | answer (start) |", "|---|---|---|---|"]
    for o in misses:
        cited = ", ".join(sorted(set(o["cited"])))[:80]
        start = " ".join(o["answer"].split())[:140].replace("|", "/")
        lines.append(f"| {o['id']} | {o['found']} | {cited} | {start} |")
    return "\n".join(lines) + "\n"


@click.command(help=__doc__.split("\n\n")[0])
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_INDEX,
    show_default=True,
    help="Built from the corpus PDFs if it holds no index yet.",
)
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_CORPUS,
    show_default=True,
)
@click.option(
    "--questions",
    "questions_path",
    type=click.Path(exists=True, path_type=Path),
    default=DEFAULT_QUESTIONS,
    show_default=True,
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True
)
@click.option("--timeout", default=600.0, show_default=True, help="Seconds to wait for one answer.")
def main(index_dir: Path, corpus: Path, questions_path: Path, out: Path, timeout: float) -> None:
    questions = load_questions(questions_path)
    pdfs = [path for paths in corpus_pdfs(corpus).values() for path in paths]
    ensure_index(index_dir, pdfs)
    process = AskProcess(index_dir, timeout)
    process.ask(WARM_UP)
    outcomes, latencies = [], []
    duplicates = duplicate_groups(pdfs)
    for question in questions:
        response, seconds = process.ask(question.question)
        latencies.append(seconds)
        outcomes.append(judge(question, response, duplicates))
    process.close()
    report = {
        "command": shlex.join(["python", *sys.argv]),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "index": str(index_dir),
        "corpus": str(corpus),
        "pdfs": len(pdfs),
        "questions": str(questions_path),
        "summary": summarise(outcomes, latencies),
        "outcomes": outcomes,
    }
    markdown = render(report)
    write_report(out, "answers", markdown, report)
    click.echo(markdown)


if __name__ == "__main__":
    main()
