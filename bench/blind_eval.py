"""The blind question set through the command-line contract, dev and test apart, beside plain baselines.

For each blind index (bench/blind.py: Leicester and Kent PDFs together; the other areas' reports alone):
  product search   `bot.py search --json --k 10 --stdin`: recall@1/5/10 and MRR over answerable questions
  baseline-bm25    BM25 over 1,000-character pypdf chunks of the same PDFs (bench/retrieval.py's)
  baseline-dense   all-MiniLM-L6-v2 over the same chunks, FAISS flat
  product ask      `bot.py ask --json --stdin`, no language model: the answer's first 1,200 characters
                   hold the evidence and it cites the question's document (bench/answers.py's judge);
                   unanswerable questions refused; answerable questions refused; warm p50/p95
  top result       the product's first search result pasted as the answer (right document, holds the evidence)

Relevance is bench.common.is_relevant throughout. Figures are split by corpus and by part (dev, the
questions bench/fit.py fitted on; test, never fitted or chosen on). Test's misses are listed.

Usage (from the repo root): python bench/blind_eval.py [--corpus ../shared/corpus] [--out bench/results]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.answers import ANSWER_CHARS, AskProcess, judge  # noqa: E402
from bench.blind import BLIND_INDEXES, blind_questions, ensure_index, index_pdfs  # noqa: E402
from bench.common import DEFAULT_CORPUS, REPO_ROOT, is_relevant, write_report  # noqa: E402
from bench.retrieval import (  # noqa: E402
    DEFAULT_BOT,
    SearchProcess,
    bm25_searcher,
    dense_searcher,
    first_relevant_rank,
    make_chunks,
    metrics,
    page_texts,
    run_baseline,
)

CORPORA = ("leicester", "kent", "other-areas")
PARTS = ("dev", "test")


def evaluate(corpus: Path, work: Path) -> dict:
    questions = blind_questions()
    rows: dict[str, dict] = {q.id: {"q": q} for q in questions}
    latencies: list[float] = []
    for name, spec in BLIND_INDEXES.items():
        index_dir = ensure_index(name, corpus)
        asked = [q for q in questions if q.corpus in spec["corpora"]]
        answerable = [q for q in asked if q.answerable]
        search = SearchProcess(DEFAULT_BOT, index_dir, work / f"{name}-search.log", 120)
        try:
            for q in answerable:
                response, _ = search.ask(q.question)
                rows[q.id]["product"] = response.get("results", [])
        finally:
            search.process.kill()
        chunks = make_chunks({pdf.name: page_texts(pdf) for pdf in index_pdfs(name, corpus)})
        for system, build in (("bm25", bm25_searcher), ("dense", dense_searcher)):
            run = run_baseline(build, chunks, answerable)
            for q in answerable:
                rows[q.id][system] = run.hits[q.id]
        ask = AskProcess(index_dir, 120)
        try:
            ask.ask("What support is there for children with special educational needs?")
            for q in asked:
                response, seconds = ask.ask(q.question)
                rows[q.id]["answer"] = judge(q, response, {})
                latencies.append(seconds)
        finally:
            ask.close()
    return {"rows": rows, "latencies": latencies}


def summarise(rows: dict[str, dict], latencies: list[float]) -> dict:
    scopes: dict[str, dict] = {}
    for corpus in (*CORPORA, "all"):
        for part in PARTS:
            chosen = [r for r in rows.values() if (corpus == "all" or r["q"].corpus == corpus) and r["q"].part == part]
            answerable = [r for r in chosen if r["q"].answerable]
            unanswerable = [r for r in chosen if not r["q"].answerable]
            scope = {"answerable": len(answerable), "unanswerable": len(unanswerable)}
            for system in ("product", "bm25", "dense"):
                scope[system] = metrics([first_relevant_rank(r["q"], r[system], {}) for r in answerable])
            scope["answered"] = share(r["answer"]["answered"] for r in answerable)
            scope["false_refusals"] = share(not r["answer"]["found"] for r in answerable)
            scope["refused"] = share(not r["answer"]["found"] for r in unanswerable)
            scope["top_result_answer"] = share(
                bool(r["product"]) and is_relevant(r["q"], r["product"][0]["doc"], r["product"][0]["text"][:ANSWER_CHARS], {})
                for r in answerable
            )
            scopes[f"{corpus}/{part}"] = scope
    p50, p95 = np.percentile(np.array(latencies) * 1000, [50, 95])
    return {"scopes": scopes, "ask_latency_ms": {"p50": float(p50), "p95": float(p95), "n": len(latencies)}}


def share(values) -> float | None:
    values = list(values)
    return sum(bool(v) for v in values) / len(values) if values else None


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def render(summary: dict, rows: dict[str, dict]) -> str:
    lines = [
        "# Blind question set through the contract",
        "",
        "- command: `python bench/blind_eval.py`",
        f"- date: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
        "- questions: bench/blind/questions.jsonl (written from the documents alone, bench/blind/RULES.md), "
        "split once by bench/blind/split.json; dev was fitted on (bench/fit.py), test never",
        f"- ask latency, warm, one question at a time: p50 {summary['ask_latency_ms']['p50']:.0f} ms, "
        f"p95 {summary['ask_latency_ms']['p95']:.0f} ms ({summary['ask_latency_ms']['n']} questions)",
        "",
        "## Search: recall@5 (MRR)",
        "",
        "| corpus / part | n | product | BM25 1,000-char chunks | dense 1,000-char chunks |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, s in summary["scopes"].items():
        lines.append(
            f"| {key} | {s['answerable']} | {s['product']['recall@5']:.3f} ({s['product']['mrr']:.3f}) | "
            f"{s['bm25']['recall@5']:.3f} ({s['bm25']['mrr']:.3f}) | {s['dense']['recall@5']:.3f} ({s['dense']['mrr']:.3f}) |"
        )
    lines += [
        "",
        "## Answers (no language model)",
        "",
        "| corpus / part | answerable | answered with evidence, right document | top search result as the answer "
        "| answerable refused | unanswerable | unanswerable refused |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, s in summary["scopes"].items():
        lines.append(
            f"| {key} | {s['answerable']} | {pct(s['answered'])} | {pct(s['top_result_answer'])} | "
            f"{pct(s['false_refusals'])} | {s['unanswerable']} | {pct(s['refused'])} |"
        )
    lines += ["", "## Test by question type (answerable)", "", "| type | n | search recall@5 | answered |", "|---|---:|---:|---:|"]
    by_type: dict[str, list[dict]] = {}
    for r in rows.values():
        if r["q"].part == "test" and r["q"].answerable:
            by_type.setdefault(r["q"].type, []).append(r)
    for kind, group in sorted(by_type.items()):
        recall = metrics([first_relevant_rank(r["q"], r["product"], {}) for r in group])["recall@5"]
        lines.append(f"| {kind} | {len(group)} | {recall:.3f} | {pct(share(r['answer']['answered'] for r in group))} |")
    lines += ["", "## Test misses", "", "| id | question | search rank | answer found | cited |", "|---|---|---:|---|---|"]
    for r in rows.values():
        q = r["q"]
        if q.part != "test":
            continue
        if q.answerable and not r["answer"]["answered"]:
            rank = first_relevant_rank(q, r["product"], {})
            cited = ", ".join(dict.fromkeys(d[:40] for d in r["answer"]["cited"]))
            lines.append(f"| {q.id} | {q.question} | {rank or '-'} | {r['answer']['found']} | {cited} |")
        elif not q.answerable and r["answer"]["found"]:
            lines.append(f"| {q.id} | {q.question} (unanswerable) | - | True | {', '.join(r['answer']['cited'])[:80]} |")
    return "\n".join(lines)


@click.command()
@click.option("--corpus", type=click.Path(path_type=Path), default=DEFAULT_CORPUS)
@click.option("--out", type=click.Path(path_type=Path), default=REPO_ROOT / "bench" / "results")
def main(corpus: Path, out: Path) -> None:
    work = REPO_ROOT / "bench" / "work"
    work.mkdir(parents=True, exist_ok=True)
    result = evaluate(corpus, work)
    summary = summarise(result["rows"], result["latencies"])
    markdown = render(summary, result["rows"])
    per_question = {
        i: {k: v for k, v in r.items() if k in ("answer",)} | {"part": r["q"].part} for i, r in result["rows"].items()
    }
    write_report(out, "blind", markdown, {"summary": summary, "questions": per_question})
    click.echo(markdown)


if __name__ == "__main__":
    main()
