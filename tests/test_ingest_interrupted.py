"""An ingest killed at any moment leaves the previous index answering exactly as before."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from index.search import Searcher
from index.store import current_generation, index_status
from ingest.pipeline import ingest_paths
from tests.test_ingest_incremental import SMALL, index_content

ROOT = Path(__file__).resolve().parents[1]
MORE = [
    "real/Kent-Cabinet-2025-01-30 - 24-00109 - Transfer the 18-25 section of the Strengthening Independence Service - Report.pdf",
    "leicester/Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf",
]
QUESTIONS = ["SEND and Inclusion Strategy priorities", "family hubs call-in decision"]


def answers(index_dir: Path) -> list:
    searcher = Searcher.open(index_dir)
    return [[(h.chunk_id, h.doc, h.text) for h in searcher.search(q, k=5)] for q in QUESTIONS]


def start_ingest(folder: Path, index_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py"), "ingest", str(folder), "--index", str(index_dir)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def wait_for_build(index_dir: Path, process: subprocess.Popen, timeout: float = 120) -> bool:
    """Until the ingest has started writing its new generation (or finished)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if any(index_dir.glob(".building-*")):
            return True
        time.sleep(0.05)
    return False


def test_killed_ingest_leaves_the_old_index_and_the_next_run_completes(corpus, tmp_path, embedder):
    folder = tmp_path / "documents"
    folder.mkdir()
    for relative in SMALL:
        shutil.copy(corpus / relative, folder)
    index_dir = tmp_path / "index"
    ingest_paths([folder], index_dir)
    before_generation = current_generation(index_dir).name
    before = answers(index_dir)

    for relative in MORE:
        shutil.copy(corpus / relative, folder)
    for delay in (0.0, 1.0):  # while reading, then while embedding or writing
        process = start_ingest(folder, index_dir)
        time.sleep(delay)
        wait_for_build(index_dir, process) if delay else None
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert current_generation(index_dir).name == before_generation
        assert answers(index_dir) == before

    report = ingest_paths([folder], index_dir)  # the lock died with the killed process
    assert sorted(report.added) == sorted(Path(r).name for r in MORE)
    assert not any(index_dir.glob(".building-*"))
    clean = tmp_path / "clean"
    ingest_paths([folder], clean)
    assert index_content(index_dir) == index_content(clean)
    assert index_status(index_dir).documents == len(SMALL) + len(MORE)


def test_a_second_concurrent_ingest_is_refused_with_a_clear_message(corpus, tmp_path, embedder):
    folder = tmp_path / "documents"
    folder.mkdir()
    for relative in SMALL + MORE:
        shutil.copy(corpus / relative, folder)
    index_dir = tmp_path / "index"
    first = start_ingest(folder, index_dir)
    try:
        deadline = time.monotonic() + 60
        while not (index_dir / ".ingest.lock").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        second = subprocess.run(
            [sys.executable, str(ROOT / "bot.py"), "ingest", str(folder), "--index", str(index_dir)],
            cwd=ROOT, capture_output=True, text=True, env={**os.environ},
        )
        assert second.returncode != 0
        assert "Another ingest is running" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.wait(timeout=300)
    assert first.returncode == 0
    assert index_status(index_dir).documents == len(SMALL) + len(MORE)
