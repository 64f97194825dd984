"""Restricted documents through the command-line contract: nothing leaks, and the allowed lose nothing.

The blind set's Leicester and Kent PDFs are indexed (bench/blind.py) and every Kent document is
then restricted to one channel by a rules file (SENDBOT_ACCESS_FILE), applied by an ingest that
reads nothing again. Every blind Kent question (answerable, and the unanswerable near misses)
is asked through `bot.py ask --json --stdin` and `bot.py search --json --k 10 --stdin` three ways:

  admin     no `--as`: the server's command line, which sees every document
  insider   `--as` the channel the rule names
  outsider  `--as` a channel no rule names

  leaks      outsider replies that cite a Kent document, or hold a Kent document's file name or
             title, or hold the question's Kent evidence (bench.common.is_relevant on the answer
             text); outsider search results from a Kent document. Both must be zero.
  answered   answerable questions whose answer holds the evidence and cites the right document
             (bench/answers.py's judge): the insider's must equal the admin's
  refused    how often each gets "I couldn't find that": the outsider's is what a channel without
             the Kent papers should get

Usage (from the repo root): python bench/access.py [--corpus ../shared/corpus] [--out bench/results]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.answers import ANSWER_CHARS, AskProcess, judge  # noqa: E402
from bench.blind import blind_questions, ensure_index, index_pdfs  # noqa: E402
from bench.common import DEFAULT_CORPUS, REPO_ROOT, is_relevant, write_report  # noqa: E402
from bench.retrieval import DEFAULT_BOT, SearchProcess  # noqa: E402

INDEX = "blind-councils"
INSIDER, OUTSIDER = "C0KENTLEADS", "C0ELSEWHERE"
RULES = f'[[restricted]]\ndocuments = ["Kent-*"]\nchannels = ["{INSIDER}"]\n'
WHO = {"admin": (), "insider": ("--as", INSIDER), "outsider": ("--as", OUTSIDER)}


def restricted_index(corpus: Path, work: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the blind index with the rules applied; the restricted documents' names -> titles."""
    index_dir = work / "index"
    shutil.copytree(ensure_index(INDEX, corpus), index_dir, symlinks=True)
    rules = work / "access.toml"
    rules.write_text(RULES, encoding="utf-8")
    env = {**os.environ, "SENDBOT_ACCESS_FILE": str(rules)}
    command = [sys.executable, str(REPO_ROOT / "bot.py"), "ingest", *map(str, index_pdfs(INDEX, corpus)),
               "--index", str(index_dir)]  # fmt: skip
    applied = subprocess.run(command, cwd=REPO_ROOT, env=env, check=True, capture_output=True, text=True)
    assert "Applied the changed access rules" in applied.stdout, applied.stdout
    with sqlite3.connect(index_dir / "current" / "index.sqlite") as db:
        restricted = dict(db.execute("SELECT doc, title FROM documents WHERE access != '[]'").fetchall())
    return index_dir, restricted


def leaked(question, response: dict, restricted: dict[str, str]) -> list[str]:
    """What of the restricted documents an outsider's reply shows."""
    shown = json.dumps({k: v for k, v in response.items() if k != "question"}, ensure_ascii=False)
    found = [f"cites {c['doc']}" for c in response.get("citations", []) if c.get("doc") in restricted]
    found += [f"names {doc}" for doc, title in restricted.items() if doc in shown or (title and title in shown)]
    text = response.get("answer", "")[:ANSWER_CHARS]
    if question.answerable and any(is_relevant(question, doc, text, {}) for doc in question.docs):
        found.append("holds the evidence")
    return found


def evaluate(corpus: Path, work: Path) -> dict:
    index_dir, restricted = restricted_index(corpus, work)
    questions = [q for q in blind_questions() if q.corpus == "kent"]
    runs: dict[str, dict] = {}
    for who, extra in WHO.items():
        ask = AskProcess(index_dir, 120, extra)
        search = SearchProcess(DEFAULT_BOT, index_dir, work / f"search-{who}.log", 120, extra)
        outcomes = []
        try:
            for q in questions:
                response, _ = ask.ask(q.question)
                results = search.ask(q.question)[0].get("results", [])
                outcomes.append({
                    **judge(q, response, {}),
                    "leaks": leaked(q, response, restricted),
                    "search_leaks": sorted({r["doc"] for r in results if r["doc"] in restricted}),
                })
        finally:
            ask.close()
            search.process.kill()
        runs[who] = summarise(outcomes)
    return {"restricted_documents": len(restricted), "questions": len(questions), "runs": runs}


def summarise(outcomes: list[dict]) -> dict:
    answerable = [o for o in outcomes if o["answerable"]]
    unanswerable = [o for o in outcomes if not o["answerable"]]
    return {
        "answered": sum(o["answered"] for o in answerable) / len(answerable),
        "refused_answerable": sum(not o["found"] for o in answerable) / len(answerable),
        "refused_unanswerable": sum(not o["found"] for o in unanswerable) / len(unanswerable),
        "answer_leaks": [{"id": o["id"], "what": o["leaks"]} for o in outcomes if o["leaks"]],
        "search_leaks": [{"id": o["id"], "docs": o["search_leaks"]} for o in outcomes if o["search_leaks"]],
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
    }


def render(report: dict) -> str:
    runs = report["runs"]
    lines = [
        "# Restricted documents through the contract",
        "",
        "- command: `python bench/access.py`",
        f"- date: {report['date']}",
        f"- index: the blind set's Leicester and Kent PDFs; the {report['restricted_documents']} Kent documents "
        f"restricted to {INSIDER} (`{RULES.splitlines()[1]}`)",
        f"- questions: the {report['questions']} blind Kent questions ({runs['admin']['answerable']} answerable, "
        f"{runs['admin']['unanswerable']} unanswerable), dev and test together (nothing here is fitted)",
        "",
        "| asked as | answered (evidence, right document) | answerable refused | unanswerable refused | "
        "replies citing or naming a Kent document | search results from one |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for who, extra in WHO.items():
        run = runs[who]
        lines.append(
            f"| {who} {' '.join(extra) or '(no --as)'} | {run['answered']:.1%} | {run['refused_answerable']:.1%} | "
            f"{run['refused_unanswerable']:.1%} | {len(run['answer_leaks'])} | {len(run['search_leaks'])} |"
        )
    leaks = runs["outsider"]["answer_leaks"] + runs["outsider"]["search_leaks"]
    lines += ["", "Outsider leaks: " + (json.dumps(leaks) if leaks else "none.")]
    return "\n".join(lines) + "\n"


@click.command()
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=DEFAULT_CORPUS)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=REPO_ROOT / "bench" / "results")
def main(corpus: Path, out: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="sendbot-access-"))
    try:
        report = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **evaluate(corpus, work)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    markdown = render(report)
    write_report(out, "access", markdown, report)
    click.echo(markdown)


if __name__ == "__main__":
    main()
