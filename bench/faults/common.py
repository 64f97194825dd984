"""What the fault, fuzz and soak runs share: running the product's CLI, looking at an index
the way a reader does, and writing a report headed by its command line and machine."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import platform
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BOT = REPO_ROOT / "bot.py"
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_QUESTIONS = REPO_ROOT / "bench" / "questions.jsonl"
DEFAULT_OUT = REPO_ROOT / "bench" / "results"

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def corpus_pdfs(corpus: Path = DEFAULT_CORPUS) -> list[Path]:
    """Every PDF of the shared corpus the questions are about (leicester/ and real/)."""
    return sorted(corpus.glob("leicester/*.pdf")) + sorted(corpus.glob("real/*.pdf"))


def questions(path: Path = DEFAULT_QUESTIONS) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]


def product_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra}


def bot(*args: str) -> list[str]:
    return [sys.executable, str(BOT), *args]


def run_ingest(folder: Path, index_dir: Path, timeout: float = 900, env: dict | None = None) -> dict:
    """`bot.py ingest FOLDER --index DIR --json` to completion; its JSON summary."""
    done = subprocess.run(
        bot("ingest", str(folder), "--index", str(index_dir), "--json"),
        cwd=REPO_ROOT, env=env or product_env(), capture_output=True, text=True, timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- an index as a reader sees it ------------------------------------------------------------


def index_content(index_dir: Path) -> dict:
    """Every row a reader can see (documents, passages, units, records), in a comparable form."""
    from index.store import DB_NAME, current_generation

    db = sqlite3.connect(f"file:{current_generation(index_dir) / DB_NAME}?mode=ro", uri=True)
    try:
        return {
            "documents": db.execute(
                "SELECT doc_id, doc, title, kind, date, sha256, pages, size, source_format, aliases"
                " FROM documents ORDER BY doc_id").fetchall(),
            "chunks": db.execute(
                "SELECT chunk_id, doc_id, ordinal, text, page_start, page_end, section"
                " FROM chunks ORDER BY chunk_id").fetchall(),
            "units": db.execute("SELECT unit_id, chunk_id, position, embed_hash FROM units ORDER BY unit_id").fetchall(),
            "commitments": db.execute("SELECT * FROM commitments ORDER BY commitment_id").fetchall(),
            "decisions": db.execute("SELECT * FROM decisions ORDER BY decision_id").fetchall(),
        }
    finally:
        db.close()


def content_counts(content: dict) -> dict[str, int]:
    return {table: len(rows) for table, rows in content.items()}


def integrity_ok(index_dir: Path) -> bool:
    from index.store import DB_NAME, current_generation

    db = sqlite3.connect(f"file:{current_generation(index_dir) / DB_NAME}?mode=ro", uri=True)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


def answers(index_dir: Path, queries: list[str], k: int = 10) -> list[list[tuple]]:
    """What a freshly started reader answers: (passage id, doc, page, score, text) per hit."""
    from index.search import Searcher

    searcher = Searcher.open(index_dir)
    try:
        return [
            [(h.chunk_id, h.doc, h.page, h.score, h.text) for h in searcher.search(q, k=k)]
            for q in queries
        ]
    finally:
        searcher.db.close()


def lock_is_free(index_dir: Path) -> bool:
    """Whether a new ingest could take the ingest lock right now."""
    from index.store import LOCK_NAME

    path = index_dir / LOCK_NAME
    if not path.exists():
        return True
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


# --- processes ----------------------------------------------------------------------------------


def session_members(session_id: int) -> list[int]:
    """Live processes in a session (a product process started with start_new_session=True
    and the workers it spawned), zombies left out."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[3]) == session_id:
            found.append(int(entry.name))
    return found


def end_session(session_id: int, grace: float = 5.0) -> int:
    """Wait up to `grace` s for a session's processes to go, then SIGKILL the rest;
    how many were still there after the grace period."""
    deadline = time.monotonic() + grace
    while session_members(session_id) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = session_members(session_id)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return len(left)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


# --- reports ------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
    }


def header(title: str, argv: list[str]) -> list[str]:
    info = machine()
    return [
        f"# {title}",
        "",
        f"- command: `{shlex.join(['python', *argv])}`",
        f"- date: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
        f"- machine: nproc={info['nproc']}, {info['cpu']}, Python {info['python']},"
        f" 1-min load average {info['load_average_1m']} at the end (shared with other work)",
        "",
    ]


def lines_of(path: Path) -> Iterator[str]:
    try:
        yield from path.read_text(errors="replace").splitlines()
    except OSError:
        return
