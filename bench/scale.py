"""Ingest at the scale of a council's library, through `bot.py ingest` as an admin runs it.

Only 299 real pages are at hand, and the target is an ingest of about 1,800. So the shared
corpus's PDFs are written out several times (six by default: 96 files, 1,794 pages), each copy
under another file name and another /Title. Every copy is read, cleaned, structured, chunked and
indexed in full. Its units' vectors are not made again: a vector is made from a unit's section
and text, which a copy shares with its source, and ingest embeds a text once. So this measures
reading and indexing at 1,800 pages with one copy's worth of embedding; the throughput of
distinct pages, embedding included, is bench/retrieval.py's cold ingest of the 299 real ones.
Each copy is a near-duplicate of its source, and the ingest says so.

Measured: the first ingest into an empty index (pages/s of wall time, model loading included),
a second one with nothing changed, and the peak RSS of each (see RSS_LAUNCHER in retrieval.py).
The index's own counts say how many distinct unit texts were embedded. Then every question of
bench/questions.jsonl through one `bot.py search --json --stdin` process over that index, one at
a time after a warm-up query, for the search latency (p50/p95) and peak RSS at this size. Last,
one copy in six is restricted to one channel (SENDBOT_ACCESS_FILE): the ingest that applies the
rules, and the same searches `--as` a channel that may not see those documents and as one that may.

Output: a markdown report printed and written to OUT/scale.md, raw figures in OUT/scale.json.

Usage (from the repo root):
  python bench/scale.py [--copies 6] [--corpus ../shared/corpus] [--out bench/results]
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

import click
from pypdf import PdfWriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEFAULT_CORPUS, REPO_ROOT, corpus_pdfs, load_questions, write_report  # noqa: E402
from bench.retrieval import DEFAULT_BOT, SearchProcess, ask_all, machine, percentiles, run_ingest  # noqa: E402

RESTRICTED_COPY = "*(copy 1).pdf"
INSIDER, OUTSIDER = "C0SCALE", "C0ELSEWHERE"


def write_copies(pdfs: list[Path], copies: int, folder: Path) -> int:
    """Each PDF written `copies` times, renamed and retitled; returns the pages written."""
    pages = 0
    for number in range(1, copies + 1):
        for pdf in pdfs:
            writer = PdfWriter(clone_from=pdf)
            title = (writer.metadata or {}).get("/Title") or pdf.stem
            writer.add_metadata({"/Title": f"{title} (copy {number})"})
            with (folder / f"{pdf.stem} (copy {number}).pdf").open("wb") as out:
                writer.write(out)
            pages += len(writer.pages)
    return pages


def index_counts(index_dir: Path) -> dict:
    """Documents, passages and distinct vectors in the index's current generation."""
    with sqlite3.connect(index_dir / "current" / "index.sqlite") as db:
        return {
            "documents": db.execute("SELECT count(*) FROM documents").fetchone()[0],
            "passages": db.execute("SELECT count(*) FROM chunks").fetchone()[0],
            "vectors": db.execute("SELECT count(*) FROM embeddings").fetchone()[0],
        }


def search_latency(index_dir: Path, work: Path, timeout: float, extra: tuple[str, ...] = ()) -> dict:
    """Every benchmark question through one search process (`extra` its further arguments, such
    as `--as`): p50/p95 ms and its peak RSS."""
    questions = load_questions()
    process = SearchProcess(DEFAULT_BOT, index_dir, work / "search.log", timeout, extra)
    try:
        run = ask_all(process, questions)
    finally:
        process.process.kill()
    return {"queries": len(questions), **percentiles(run.latencies_s), "peak_rss_mib": run.cost["search_peak_rss_mib"]}


def render_markdown(report: dict) -> str:
    cold, noop, counts, search = report["cold_ingest"], report["noop_ingest"], report["index"], report["search"]
    m = report["machine"]
    return "\n".join([
        "# Ingest at scale",
        "",
        f"- command: `{report['command']}`",
        f"- date: {report['date']}",
        f"- machine: nproc={m['nproc']}, CPU {m['cpu']}, {m['memory_gib']} GiB RAM, Python {m['python']}, "
        f"1-min load average {m['load_average_1m']:.2f} at the end",
        f"- documents: the {report['sources']} PDFs of {report['corpus']} written {report['copies']} times "
        f"under other names and titles: {report['files']} files, {report['pages']} pages; a copy's units "
        "share their source's vectors (a text is embedded once), so embedding is one copy's worth",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| cold ingest, wall | {cold['wall_s']:.1f} s |",
        f"| cold ingest throughput | {report['pages'] / cold['wall_s']:.2f} pages/s |",
        f"| peak RSS, cold ingest | {cold['peak_rss_mib']:.0f} MiB |",
        f"| no-op re-ingest, wall | {noop['wall_s']:.1f} s |",
        f"| peak RSS, no-op re-ingest | {noop['peak_rss_mib']:.0f} MiB |",
        f"| index: documents / passages / distinct unit vectors | {counts['documents']} / {counts['passages']} / "
        f"{counts['vectors']} |",
        f"| search p50 / p95, warm ({search['queries']} questions) | {search['p50']:.1f} / {search['p95']:.1f} ms |",
        f"| peak RSS, search | {search['peak_rss_mib']:.0f} MiB |",
        f"| re-ingest applying new access rules ({RESTRICTED_COPY} restricted), wall | "
        f"{report['rules_ingest']['wall_s']:.1f} s |",
        *(
            f"| search p50 / p95, warm, `--as {who}` ({what}) | {found['p50']:.1f} / {found['p95']:.1f} ms |"
            for who, what, found in (
                (OUTSIDER, "may not see the restricted sixth", report["search_outsider"]),
                (INSIDER, "may see everything", report["search_insider"]),
            )
        ),
        "",
    ])


@click.command()
@click.option("--copies", default=6, show_default=True, help="How many times each PDF is written out.")
@click.option(
    "--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_CORPUS, show_default=True,
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path),
    default=REPO_ROOT / "bench" / "results", show_default=True,
)
@click.option("--timeout", default=3600.0, show_default=True, help="Seconds before an ingest is killed.")
def main(copies: int, corpus: Path, out: Path, timeout: float) -> None:
    """Write the copies, ingest them cold and again unchanged, and report."""
    pdfs = [path for paths in corpus_pdfs(corpus).values() for path in paths]
    work = Path(tempfile.mkdtemp(prefix="sendbot-scale-"))
    try:
        documents = work / "documents"
        documents.mkdir()
        pages = write_copies(pdfs, copies, documents)
        files = sorted(documents.iterdir())
        index_dir = work / "index"
        cold = run_ingest(DEFAULT_BOT, files, index_dir, work / "cold.log", timeout)
        noop = run_ingest(DEFAULT_BOT, files, index_dir, work / "noop.log", timeout)
        counts = index_counts(index_dir)
        search = search_latency(index_dir, work, timeout)
        # Then one copy in six restricted to one channel (SENDBOT_ACCESS_FILE): applied by an ingest
        # that reads nothing again, and searched as a channel that may not see it and one that may.
        rules = work / "access.toml"
        rules.write_text(f'[[restricted]]\ndocuments = ["{RESTRICTED_COPY}"]\nchannels = ["{INSIDER}"]\n')
        os.environ["SENDBOT_ACCESS_FILE"] = str(rules)
        rules_ingest = run_ingest(DEFAULT_BOT, files, index_dir, work / "rules.log", timeout)
        search_outsider = search_latency(index_dir, work, timeout, ("--as", OUTSIDER))
        search_insider = search_latency(index_dir, work, timeout, ("--as", INSIDER))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "command": shlex.join(["python", *sys.argv]),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "corpus": str(corpus),
        "sources": len(pdfs),
        "copies": copies,
        "files": len(files),
        "pages": pages,
        "cold_ingest": cold,
        "noop_ingest": noop,
        "index": counts,
        "search": search,
        "rules_ingest": rules_ingest,
        "search_outsider": search_outsider,
        "search_insider": search_insider,
    }
    markdown = render_markdown(report)
    write_report(out, "scale", markdown, report)
    click.echo(markdown)


if __name__ == "__main__":
    main()
