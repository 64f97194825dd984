"""A full disk or a read-only index folder during ingest: one clear error, the old index intact.

The index lives on a real tmpfs (tests run as root): filled up with a ballast file to leave
a little free space, or remounted read-only. `chmod` would prove nothing as root, who writes
anyway. Where mounting is not permitted these tests skip, and the RLIMIT_FSIZE test still
makes every write past a size fail with EFBIG, as a full disk's writes fail.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bench.faults.common import answers, index_content
from errors import IndexWriteFailed
from index.migrations import migrate
from index.search import Searcher
from index.store import VECTORS_NAME, current_generation
from ingest.pipeline import ingest_paths

ROOT = Path(__file__).resolve().parents[1]
FIRST = "leicester/Leicestershire-CFS-Scrutiny-2020-09-01 - SEND and Inclusion Strategy 2020-2023.pdf"
SECOND = "notes.md"  # small, so each failing attempt is quick
NOTES = """# De-delegation notes

Schools Forum voted on de-delegation for maintained schools: Approved 6, Rejected 1.

## Growth fund

The growth fund is retained for future school growth in 2024-25.
"""
QUESTIONS = ["SEND and Inclusion Strategy priorities", "Schools Forum de-delegation vote"]
CLEAR = "the previous index is unchanged"


def _mount(command: list[str]) -> bool:
    return subprocess.run(command, capture_output=True).returncode == 0


@pytest.fixture()
def tmpfs(tmp_path):
    """A fresh 8 MB tmpfs; unmounted afterwards."""
    point = tmp_path / f"mnt-{uuid.uuid4().hex[:6]}"
    point.mkdir()
    if os.geteuid() != 0 or not _mount(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(point)]):
        pytest.skip("mounting a tmpfs is not permitted here (the RLIMIT_FSIZE test still runs)")
    yield point
    if not _mount(["umount", str(point)]):
        _mount(["umount", "-l", str(point)])


def _documents(corpus: Path, folder: Path, *relative: str) -> Path:
    folder.mkdir(exist_ok=True)
    for path in relative:
        if path == SECOND:
            (folder / SECOND).write_text(NOTES)
        else:
            shutil.copy(corpus / path, folder)
    return folder


def _empty_database_kb(tmp_path: Path) -> int:
    """What the new generation's database takes before any row is written."""
    db = sqlite3.connect(tmp_path / "empty.sqlite")
    db.execute("PRAGMA journal_mode=OFF")
    migrate(db)
    db.close()
    return (tmp_path / "empty.sqlite").stat().st_size // 1024


def _fill(mount: Path, leave_kb: int) -> Path:
    """A ballast file taking all but `leave_kb` KB of the mount's free space."""
    stats = os.statvfs(mount)
    free = stats.f_bavail * stats.f_frsize
    ballast = mount / "ballast"
    with ballast.open("wb") as handle:
        handle.truncate(0)
        remaining = max(0, free - leave_kb * 1024)
        block = b"\0" * (1 << 20)
        while remaining > 0:
            remaining -= handle.write(block[: min(len(block), remaining)])
    return ballast


def _snapshot(index_dir: Path) -> tuple:
    return current_generation(index_dir).name, index_content(index_dir), answers(index_dir, QUESTIONS)


def _indexed_with_a_change_waiting(corpus: Path, documents: Path, index_dir: Path) -> Path:
    """An index of FIRST, and SECOND added to its folder since: the next ingest has a
    generation to write. Returns the documents folder."""
    ingest_paths([_documents(corpus, documents, FIRST)], index_dir)
    return _documents(corpus, documents, SECOND)


def _no_scratch(index_dir: Path) -> bool:
    return not any(index_dir.glob(".building-*"))


def test_a_full_disk_fails_cleanly_at_every_stage_and_the_old_index_stands(corpus, tmp_path, tmpfs, embedder):
    index_dir = tmpfs / "index"
    documents = _indexed_with_a_change_waiting(corpus, tmp_path / "documents", index_dir)
    before = _snapshot(index_dir)

    # Leave room for: nothing; the empty database but not the vectors; both but not the rows.
    tables_kb = _empty_database_kb(tmp_path)
    vectors_kb = (current_generation(index_dir) / VECTORS_NAME).stat().st_size // 1024
    reasons = []
    for leave_kb in (0, tables_kb + 8, tables_kb + 2 * vectors_kb + 8):
        ballast = _fill(tmpfs, leave_kb)
        with pytest.raises(IndexWriteFailed) as failure:
            ingest_paths([documents], index_dir)
        message = str(failure.value)
        assert CLEAR in message and str(index_dir) in message, message
        reasons.append(message)
        assert _snapshot(index_dir) == before
        assert _no_scratch(index_dir)  # the abandoned build is removed at once, freeing the space
        ballast.unlink()
    assert any("disk is full" in r for r in reasons) and any("No space left" in r for r in reasons), reasons

    report = ingest_paths([documents], index_dir)  # space again: the next ingest completes
    assert report.added == [SECOND]
    assert Searcher.open(index_dir).search("Schools Forum de-delegation vote", k=3)[0].doc == SECOND


def test_a_full_disk_is_one_line_from_the_command_line(corpus, tmp_path, tmpfs):
    index_dir = tmpfs / "index"
    documents = _indexed_with_a_change_waiting(corpus, tmp_path / "documents", index_dir)
    generation = current_generation(index_dir).name
    _fill(tmpfs, 0)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "ingest", str(documents), "--index", str(index_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"Error: Could not write the new index in {index_dir}" in done.stderr and CLEAR in done.stderr
    assert current_generation(index_dir).name == generation


def test_a_read_only_index_folder_is_refused_clearly_and_still_answers(corpus, tmp_path, tmpfs, embedder):
    index_dir = tmpfs / "index"
    documents = _indexed_with_a_change_waiting(corpus, tmp_path / "documents", index_dir)
    before = _snapshot(index_dir)
    assert _mount(["mount", "-o", "remount,ro", str(tmpfs)])

    with pytest.raises(IndexWriteFailed, match="Read-only file system"):
        ingest_paths([documents], index_dir)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "ingest", str(documents), "--index", str(index_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Read-only file system" in done.stderr and CLEAR in done.stderr
    assert _snapshot(index_dir) == before  # readers are unaffected: generations open read-only


def _limit_file_size(max_bytes: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so write() fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


@pytest.mark.parametrize("max_kb", [64, 120])  # the empty database (86 KB), then its rows (156 KB)
def test_writes_that_fail_mid_ingest_leave_the_old_index(corpus, tmp_path, embedder, max_kb):
    """Works without mount rights: RLIMIT_FSIZE makes writes past max_kb fail like a full disk's."""
    index_dir = tmp_path / "index"
    documents = _indexed_with_a_change_waiting(corpus, tmp_path / "documents", index_dir)
    before = _snapshot(index_dir)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "ingest", str(documents), "--index", str(index_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, preexec_fn=_limit_file_size(max_kb * 1024),
    )
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    assert "Error: Could not write the new index" in done.stderr and CLEAR in done.stderr
    assert _snapshot(index_dir) == before and _no_scratch(index_dir)
