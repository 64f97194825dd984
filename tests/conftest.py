"""Shared fixtures: the real model loaded once, the real corpus indexed once per run."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path_factory, monkeypatch):
    """No test writes into the repository's own var/ folder or reads a developer's .env."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("SENDBOT_DATA_DIR", str(data))
    monkeypatch.delenv("SENDBOT_INDEX_DIR", raising=False)
    monkeypatch.chdir(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def corpus() -> Path:
    assert CORPUS.is_dir(), f"the shared corpus is missing at {CORPUS}"
    return CORPUS


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2, loaded once for the whole run."""
    from index.embedders import get_embedder

    return get_embedder()


@pytest.fixture(scope="session")
def corpus_documents(corpus, tmp_path_factory) -> Path:
    """A documents folder holding every PDF of the shared corpus (leicester/ and real/)."""
    folder = tmp_path_factory.mktemp("corpus_documents")
    for pdf in sorted(corpus.glob("leicester/*.pdf")) + sorted(corpus.glob("real/*.pdf")):
        shutil.copy(pdf, folder / pdf.name)
    return folder


@pytest.fixture(scope="session")
def corpus_index(corpus_documents, embedder, tmp_path_factory) -> Path:
    """A real index on disk of the whole shared corpus, built once through the pipeline.

    Read-only for tests: a test that changes an index builds its own.
    """
    from ingest.pipeline import ingest_paths

    index_dir = tmp_path_factory.mktemp("corpus_index")
    report = ingest_paths([corpus_documents], index_dir)
    assert not report.failed, report.failed
    return index_dir


@pytest.fixture(scope="session")
def restricted_corpus(corpus, embedder, tmp_path_factory):
    """Public and restricted papers (tests/restricted_documents.py), their rules file and a real
    index of them built once through the pipeline with SENDBOT_ACCESS_FILE set. Read-only."""
    from restricted_documents import make_documents, write_rules

    from ingest.pipeline import ingest_paths
    from settings import Settings

    base = tmp_path_factory.mktemp("restricted")
    documents = make_documents(corpus, base / "documents")
    rules = write_rules(base / "access.toml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SENDBOT_ACCESS_FILE", str(rules))
        report = ingest_paths([documents], base / "index", Settings())
    assert not report.failed and report.documents == 7, report.summary_lines()
    return RestrictedCorpus(documents, rules, base / "index")


@dataclass(frozen=True)
class RestrictedCorpus:
    documents: Path
    rules: Path
    index: Path


@pytest.fixture(scope="session")
def searcher(corpus_index):
    from index.search import Searcher

    return Searcher.open(corpus_index)


def pytest_configure(config):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
