"""Search keeps working while an ingest runs, and a long-running reader moves to the new index.

A `bot.py search --json --stdin` process is asked the same question over and over while an
ingest that adds a document runs beside it: every answer is either exactly the old index's
or, once the new generation is switched in, exactly the new one's (never a mix, never back),
and afterwards the new document is found, with nothing on the reader's stderr.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from ingest.pipeline import ingest_paths
from tests.test_ingest_incremental import SMALL

ROOT = Path(__file__).resolve().parents[1]
NEW = "leicester/Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf"
QUESTION = "How did Schools Forum vote on de-delegation for maintained schools?"
MAX_SECONDS = 180  # the whole exchange, a bound so a stuck reader fails the test instead of hanging it


class Reader:
    """A long-running `bot.py search --json --stdin`: one line in, one JSON line out."""

    def __init__(self, index_dir: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py"), "search", "--json", "--stdin", "--k", "5",
             "--index", str(index_dir)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, bufsize=1,
        )

    def ask(self, question: str, timeout: float = 60) -> list[tuple]:
        self.process.stdin.write(question + "\n")
        self.process.stdin.flush()
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        assert line and line[0], f"no answer within {timeout}s; stderr: {self._stderr()}"
        results = json.loads(line[0])["results"]
        return [(r["doc"], r["page"], r["text"]) for r in results]

    def close(self) -> tuple[int, str]:
        self.process.stdin.close()
        code = self.process.wait(timeout=30)
        return code, self.process.stderr.read()

    def _stderr(self) -> str:
        if self.process.poll() is None:
            return "(still running)"
        return self.process.stderr.read()


def test_a_long_running_reader_answers_throughout_and_sees_the_new_document(corpus, tmp_path, embedder):
    started = time.monotonic()
    folder = tmp_path / "documents"
    folder.mkdir()
    for relative in SMALL:
        shutil.copy(corpus / relative, folder)
    index_dir = tmp_path / "index"
    ingest_paths([folder], index_dir)

    reader = Reader(index_dir)
    try:
        old = reader.ask(QUESTION)
        assert old and all(doc != Path(NEW).name for doc, _, _ in old)

        shutil.copy(corpus / NEW, folder)
        ingest = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py"), "ingest", str(folder), "--index", str(index_dir)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        during = []
        while ingest.poll() is None and time.monotonic() - started < MAX_SECONDS:
            during.append(reader.ask(QUESTION))
            time.sleep(0.2)
        assert ingest.wait(timeout=max(1, MAX_SECONDS - (time.monotonic() - started))) == 0, ingest.stderr.read()

        new = reader.ask(QUESTION)
        assert new[0][0] == Path(NEW).name, new  # the same process now finds the new document
        assert len(during) >= 3, "the ingest finished before the reader could ask during it"
        kinds = ["old" if answer == old else "new" if answer == new else "other" for answer in during]
        assert "other" not in kinds, kinds  # never a half-switched index
        assert kinds == sorted(kinds, key=lambda k: k == "new"), kinds  # old ... old, then new ... new
    finally:
        code, stderr = reader.close()
    assert code == 0
    assert stderr.strip() == "", stderr
