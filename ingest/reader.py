"""Read one file into everything the index stores about it.

This is the unit of work an ingest worker process runs, under a time and memory bound,
so that one hostile file can fail on its own without taking the ingest down.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass, field
from pathlib import Path

from errors import DocumentUnreadable
from index.models import Action, Commitment, Decision
from ingest.actions import extract_actions
from ingest.chunk import chunk_blocks
from ingest.clean import clean_document
from ingest.commitments import extract_commitments
from ingest.decisions import extract_decisions
from ingest.describe import describe
from ingest.loaders import load
from ingest.models import Chunk
from ingest.structure import document_blocks

# Bump when a change to reading, cleaning, structure or chunking changes the passages an
# unchanged file gives: the next ingest then reads every file again instead of keeping
# passages made the old way beside new ones (2: short table rows as tab-separated cells;
# 3: numbered paragraphs and lists no longer taken for section headings; a long row named
# by its title when its first cell is a code, its figures kept with the cell before them;
# a frontsheet not titled by its meeting time and contact line; a form's one-cell rows
# kept as rows, not made the table's caption; 4: ruled pages parsed by pdfium, their
# cells laid out by pdfplumber's table finder as before; a letter's salutation and
# closing no longer taken for headings; 5: a document bound into the file after another,
# such as an appendix, headed by its own title, not by the last section before it; 6: a ruled
# table's row run on over a page break read as a row, the rule the break left out drawn in, and
# action plans' actions read; 7: every bullet of a strategy's year column a commitment, with or
# without "We will"; 8: an action column under an "Action Plan" heading is an action plan, a
# "Suggested Year" its deadline, a number column without a header its references).
READER_VERSION = "8"


@dataclass
class DocumentContent:
    title: str
    kind: str
    date: str
    pages: int
    source_format: str
    chunks: list[Chunk]
    commitments: list[Commitment] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def read_document(
    path: str, max_pages: int, max_text_chars: int, max_unpacked_mb: float = 100.0
) -> DocumentContent:
    document = describe(
        clean_document(load(Path(path), max_pages=max_pages, max_unpacked_mb=max_unpacked_mb))
    )
    text_size = sum(len(line.text) for page in document.pages for line in page.lines)
    if text_size > max_text_chars:
        raise DocumentUnreadable(
            f"{text_size:,} characters of text (limit {max_text_chars:,}): refused as too large"
        )
    blocks = document_blocks(document)
    chunks = chunk_blocks(blocks)
    if not chunks:
        raise DocumentUnreadable("no readable text found")
    return DocumentContent(
        title=document.title,
        kind=document.kind,
        date=document.date,
        pages=len(document.pages),
        source_format=document.source_format,
        chunks=chunks,
        commitments=extract_commitments(document),
        decisions=extract_decisions(document),
        actions=extract_actions(document),
    )


def limit_worker_memory(max_memory_mb: int) -> None:
    """Worker initializer: cap the address space so a decompression bomb fails fast, and
    die with the ingest, so a killed ingest leaves no reader running on."""
    limit = max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _die_with_parent()


def _die_with_parent() -> None:
    """Linux: ask for SIGKILL when the parent process goes (prctl PR_SET_PDEATHSIG)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL))
    except OSError:
        pass  # not Linux: a killed ingest's readers finish their file and exit
