"""Hostile and broken files: each refused or ingested within bounds, named with a reason, no crash.

A handful of mutants of each kind from bench/faults/fuzz_ingest.py go through one ingest
with tightened limits; the full seeded run (every kind, the 50 MB page, per-file time and
worker memory) is `python bench/faults/fuzz_ingest.py`.
"""

from __future__ import annotations

import shutil
import time

import pytest

from bench.faults import mutants
from bench.faults.fuzz_ingest import make_mutants
from index.store import index_status
from ingest.loaders import load_docx
from ingest.pipeline import ingest_paths
from settings import Settings

SOURCES = [  # small PDFs, so the mutants that still read are quick
    "leicester/Leicestershire-CFS-Scrutiny-2020-09-01 - SEND and Inclusion Strategy 2020-2023.pdf",
    "leicester/Leicestershire - SEND strategic developments (web page).pdf",
    "real/Kent-County-Council-2025-03-13 - Appendix 2 - Glossary of Terms 2024-25.pdf",
]
GOOD = SOURCES[0]


def settings(**limits) -> Settings:
    chosen = Settings()
    for name, value in limits.items():
        setattr(chosen.ingest, name, value)
    return chosen


@pytest.fixture(scope="module")
def fuzzed(corpus, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    made = make_mutants(corpus, folder, seed=5, per_kind=2, html_mb=3, bomb_mb=256,
                        pdfs=[corpus / s for s in SOURCES])
    shutil.copy(corpus / GOOD, folder / "good.pdf")
    return folder, made


def test_every_mutant_is_named_with_its_outcome_and_the_good_file_ingests(fuzzed, tmp_path, embedder):
    folder, made = fuzzed
    limits = settings(max_seconds_per_document=15, max_memory_mb_per_document=800, max_file_mb=20,
                      max_text_chars=1_000_000)
    started = time.monotonic()
    report = ingest_paths([folder], tmp_path / "index", settings=limits)
    seconds = time.monotonic() - started

    failed = dict(report.failed)
    assert "good.pdf" in report.added
    for mutant in made:
        assert mutant.name in report.added or mutant.name in failed, f"{mutant.name} not reported"
        if mutant.expect != "either":
            outcome = "ingested" if mutant.name in report.added else "refused"
            assert outcome == mutant.expect, (mutant.name, failed.get(mutant.name))
        if mutant.reason_has:
            assert mutant.reason_has in failed[mutant.name], (mutant.name, failed[mutant.name])
    for name, reason in failed.items():
        assert reason.strip() and "Traceback" not in reason, (name, reason)
    assert "characters of text" in failed["html-3mb-01.html"]  # 3 MB of page text: over the text limit
    assert index_status(tmp_path / "index").documents == len(report.added)
    # 2 workers; the slowest file is stopped at 15 s; the rest take a second or two each
    assert seconds < 120, seconds


def test_a_reader_over_its_time_or_memory_bound_is_stopped_and_named(corpus, tmp_path, embedder):
    slow, big = tmp_path / "slow", tmp_path / "big"
    slow.mkdir()
    big.mkdir()
    mutants.text_pages(slow / "1999-full-pages.pdf", pages=1999)  # about 10 s to read
    mutants.huge_html(next(corpus.glob("formats/*.html")), big / "big-page.html", size_mb=30)  # ~1 GB parsed

    report = ingest_paths([slow], tmp_path / "index", settings=settings(max_seconds_per_document=3))
    assert report.failed == [("1999-full-pages.pdf", "took longer than 3s to read")]
    report = ingest_paths([big], tmp_path / "index", settings=settings(max_memory_mb_per_document=200))
    [(name, reason)] = report.failed
    assert name == "big-page.html" and reason.endswith("out of memory (limit 200 MB)")  # libxml2 may crash instead


def test_a_docx_zip_bomb_is_refused_before_it_is_inflated(corpus, tmp_path):
    source = next(corpus.glob("formats/*.docx"))
    honest = mutants.docx_bomb(source, tmp_path / "bomb.docx", inflated_mb=2048)
    lying = mutants.docx_bomb(source, tmp_path / "lying.docx", inflated_mb=2048, lie=True)
    started = time.monotonic()
    with pytest.raises(Exception, match="2,049 MB unpacked \\(limit 100 MB\\): refused as a zip bomb"):
        load_docx(honest)
    with pytest.raises(Exception, match="more data than its declared size"):
        load_docx(lying)
    assert time.monotonic() - started < 10  # the sizes are read, never the 2 GB


def test_a_pdf_decompression_bomb_and_5000_blank_pages_are_refused_quickly(tmp_path, embedder):
    folder = tmp_path / "documents"
    folder.mkdir()
    mutants.pdf_bomb(folder / "bomb.pdf", inflated_mb=2048)
    mutants.blank_pages(folder / "blank.pdf", pages=5000)
    started = time.monotonic()
    report = ingest_paths([folder], tmp_path / "index")  # the product's default limits
    failed = dict(report.failed)
    assert failed["bomb.pdf"].endswith("refused as a decompression bomb")
    assert failed["blank.pdf"] == "the PDF has 5000 pages (limit 2000)"
    assert time.monotonic() - started < 30


def test_only_an_inflation_past_the_limit_counts_as_a_bomb_other_pypdf_limits_are_damage():
    import zlib

    from pypdf.errors import LimitReachedError

    from ingest.loaders import _decompression_bomb

    assert _decompression_bomb(LimitReachedError("Limit reached while decompressing. 6168553 bytes remaining."))
    assert not _decompression_bomb(LimitReachedError("Read stream length of 112 exceeds maximum allowed length of 64."))
    try:  # pypdf recovering a damaged stream byte by byte: the page is lost, not the document
        try:
            zlib.decompress(b"not zlib")
        except zlib.error:
            raise LimitReachedError("Limit reached while decompressing. 12 bytes remaining.") from None
    except LimitReachedError as recovered:
        assert not _decompression_bomb(recovered)
