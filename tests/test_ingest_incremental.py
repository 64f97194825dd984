"""Re-ingesting updates only what changed, and gives the same index as a clean ingest."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from index.search import Searcher, SearchFilters
from index.store import current_generation
from ingest.models import Chunk
from ingest.pipeline import ingest_paths
from ingest.vectors import unit_texts

SMALL = [
    "leicester/Leicestershire-CFS-Scrutiny-2020-09-01 - SEND and Inclusion Strategy 2020-2023.pdf",
    "leicester/Leicestershire - SEND strategic developments (web page).pdf",
    "real/Kent-Cabinet-2025-03-04 - Scrutiny Committee - call-in Family Hubs Report to Cabinet - FINAL.pdf",
]
EXTRA = "real/Kent-Cabinet-2025-01-30 - Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf"


def index_content(index_dir: Path) -> dict:
    """Everything a reader can see, in a comparable form."""
    db = sqlite3.connect(current_generation(index_dir) / "index.sqlite")
    content = {
        "documents": db.execute("SELECT doc_id, doc, title, kind, date, sha256, pages FROM documents ORDER BY doc_id").fetchall(),
        "chunks": db.execute("SELECT chunk_id, doc_id, text, page_start, page_end, section FROM chunks ORDER BY chunk_id").fetchall(),
        "units": db.execute("SELECT * FROM units ORDER BY unit_id").fetchall(),
        "commitments": db.execute("SELECT * FROM commitments ORDER BY commitment_id").fetchall(),
        "decisions": db.execute("SELECT * FROM decisions ORDER BY decision_id").fetchall(),
    }
    db.close()
    return content


@pytest.fixture()
def documents(corpus, tmp_path) -> Path:
    folder = tmp_path / "documents"
    folder.mkdir()
    for relative in SMALL:
        shutil.copy(corpus / relative, folder)
    return folder


def test_second_run_with_nothing_changed_is_a_no_op(documents, tmp_path, embedder):
    index_dir = tmp_path / "index"
    first = ingest_paths([documents], index_dir)
    assert len(first.added) == 3 and first.generation
    second = ingest_paths([documents], index_dir)
    assert sorted(second.unchanged) == sorted(first.added)
    assert not second.changed and second.generation == ""
    assert current_generation(index_dir).name == first.generation


def test_add_modify_delete_rename_are_each_noticed(documents, corpus, tmp_path, embedder):
    index_dir = tmp_path / "index"
    ingest_paths([documents], index_dir)

    shutil.copy(corpus / EXTRA, documents)  # add
    web_page = documents / Path(SMALL[1]).name
    web_page.unlink()  # delete
    strategy = documents / Path(SMALL[0]).name
    strategy.rename(documents / "SEND and Inclusion Strategy (renamed).pdf")  # rename
    (documents / "notes.md").write_text("# EHCP notes\n\nThe DSP review reports in March.\n")
    report = ingest_paths([documents], index_dir)
    assert report.added == [Path(EXTRA).name, "notes.md"]  # by name
    assert report.removed == [web_page.name]
    assert report.renamed == [f"{strategy.name} -> SEND and Inclusion Strategy (renamed).pdf"]

    (documents / "notes.md").write_text("# EHCP notes\n\nThe DSP review now reports in April.\n")  # modify
    report = ingest_paths([documents], index_dir)
    assert report.updated == ["notes.md"]
    hits = Searcher.open(index_dir).search("When does the DSP review report?", k=3)
    assert "April" in hits[0].text and hits[0].doc == "notes.md"
    assert all("March" not in h.text for h in hits if h.doc == "notes.md")


def test_only_passages_never_seen_before_are_embedded(documents, corpus, tmp_path, embedder, monkeypatch):
    index_dir = tmp_path / "index"
    ingest_paths([documents], index_dir)
    embedded: list[str] = []
    real_embed = type(embedder).embed
    monkeypatch.setattr(type(embedder), "embed", lambda self, texts: embedded.extend(texts) or real_embed(self, texts))

    strategy = documents / Path(SMALL[0]).name
    strategy.rename(documents / "SEND and Inclusion Strategy (renamed).pdf")  # re-read, same passages
    shutil.copy(corpus / EXTRA, documents)
    report = ingest_paths([documents], index_dir)

    assert report.renamed and report.added == [Path(EXTRA).name]
    db = sqlite3.connect(current_generation(index_dir) / "index.sqlite")
    rows = db.execute(
        "SELECT title, text, page_start, page_end, section, ordinal FROM chunks JOIN documents USING (doc_id)"
        " WHERE doc = ?", (Path(EXTRA).name,)
    ).fetchall()
    new_paper = {text for row in rows for text in unit_texts(Chunk(row[1], row[2], row[3], row[4], row[5]))}
    assert new_paper and sorted(embedded) == sorted(new_paper)  # each once, and nothing else


def test_incremental_ingest_equals_clean_ingest(documents, corpus, tmp_path, embedder):
    incremental = tmp_path / "incremental"
    ingest_paths([documents], incremental)
    shutil.copy(corpus / EXTRA, documents)
    (documents / Path(SMALL[1]).name).unlink()
    ingest_paths([documents], incremental)

    clean = tmp_path / "clean"
    ingest_paths([documents], clean)
    assert index_content(incremental) == index_content(clean)


def test_byte_identical_files_are_indexed_once_under_both_names(documents, tmp_path, embedder):
    copy = documents / "copy of strategy.pdf"
    shutil.copy(documents / Path(SMALL[0]).name, copy)
    index_dir = tmp_path / "index"
    report = ingest_paths([documents], index_dir)
    assert report.duplicates == [("copy of strategy.pdf", Path(SMALL[0]).name)] or report.duplicates == [
        (Path(SMALL[0]).name, "copy of strategy.pdf")
    ]
    assert report.documents == 3
    db = sqlite3.connect(current_generation(index_dir) / "index.sqlite")
    aliases = [row[0] for row in db.execute("SELECT aliases FROM documents") if row[0] != "[]"]
    assert len(aliases) == 1 and "strategy" in aliases[0].lower()


def test_search_results_are_deterministic(documents, tmp_path, embedder):
    index_dir = tmp_path / "index"
    ingest_paths([documents], index_dir)
    searcher = Searcher.open(index_dir)
    runs = [[(h.chunk_id, h.score) for h in searcher.search("SEND inclusion strategy priorities", k=10)] for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


def test_near_identical_papers_are_both_indexed_and_reported(corpus, tmp_path, embedder):
    folder = tmp_path / "amendments"
    folder.mkdir()
    for pdf in corpus.glob("real/*Amendment*"):
        shutil.copy(pdf, folder)
    report = ingest_paths([folder], tmp_path / "index")
    assert report.documents == 2 and not report.duplicates
    [(name, other, similarity)] = report.near_duplicates
    assert {name, other} == {p.name for p in folder.iterdir()}
    assert 0.8 <= similarity < 1.0


FORUM = "leicester/Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf"
FORUM_WORD = "formats/Leicestershire-Schools-Forum-2024-02-13 - Minutes.docx"
VOTE_QUESTION = "How did Schools Forum vote on de-delegation for school improvement?"


def test_a_word_copy_of_a_pdf_is_searched_through_the_pdf_whose_pages_can_be_cited(corpus, tmp_path, embedder):
    """The Forum's minutes as PDF and as Word: the same paragraphs twice would fill half the
    results with copies that cite no page."""
    folder = tmp_path / "documents"
    folder.mkdir()
    for name in (FORUM, FORUM_WORD):
        shutil.copy(corpus / name, folder)
    pdf, word = Path(FORUM).name, Path(FORUM_WORD).name
    index_dir = tmp_path / "index"

    report = ingest_paths([folder], index_dir)

    assert report.documents == 2 and report.format_copies == {word: pdf}
    assert any(f"searched through {pdf}" in line for line in report.summary_lines())
    searcher = Searcher.open(index_dir)
    hits = searcher.search(VOTE_QUESTION, k=10)
    assert hits and {h.doc for h in hits} == {pdf}
    assert "Approved" in hits[0].text or "Approved" in hits[1].text
    asked_for_the_copy = searcher.search(VOTE_QUESTION, k=5, filters=SearchFilters(docs=[word]))
    assert asked_for_the_copy and {h.doc for h in asked_for_the_copy} == {word}

    (folder / pdf).unlink()
    report = ingest_paths([folder], index_dir)

    assert report.removed == [pdf] and report.format_copies == {}
    assert {h.doc for h in Searcher.open(index_dir).search(VOTE_QUESTION, k=5)} == {word}


def test_a_folders_readme_or_manifest_is_skipped_unless_named(corpus, tmp_path, embedder):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(corpus / "MANIFEST.md", folder)
    shutil.copy(corpus / SMALL[0], folder)

    report = ingest_paths([folder], tmp_path / "index")

    assert report.added == [Path(SMALL[0]).name]
    assert [name for name, _ in report.skipped] == ["MANIFEST.md"]
    assert "Skipped: MANIFEST.md: a folder's notes on its files" in "\n".join(report.summary_lines())

    report = ingest_paths([folder, folder / "MANIFEST.md"], tmp_path / "index")

    assert report.added == ["MANIFEST.md"] and not report.skipped



def stored_vectors(index_dir: Path) -> dict[int, np.ndarray]:
    db = sqlite3.connect(current_generation(index_dir) / "index.sqlite")
    rows = db.execute("SELECT unit_id, vector FROM units JOIN embeddings USING (embed_hash)").fetchall()
    return {unit_id: np.frombuffer(vector, dtype=np.float32) for unit_id, vector in rows}


def test_changing_the_embedding_weights_re_embeds_every_passage_with_nearly_the_same_vectors(
    documents, tmp_path, embedder, monkeypatch
):
    index_dir = tmp_path / "index"
    ingest_paths([documents], index_dir)
    int8 = stored_vectors(index_dir)
    monkeypatch.setenv("SENDBOT_EMBEDDING_WEIGHTS", "float32")

    report = ingest_paths([documents], index_dir)

    assert report.re_embedded and report.generation and len(report.unchanged) == len(SMALL)
    assert "Re-embedded every passage" in "\n".join(report.summary_lines())
    float32 = stored_vectors(index_dir)
    assert float32.keys() == int8.keys()
    cosines = np.array([float(int8[i] @ float32[i]) for i in int8])
    assert cosines.max() < 0.99999, "every vector was embedded again"
    assert cosines.min() > 0.97 and cosines.mean() > 0.985, "int8 weights keep the float32 meaning"
    assert ingest_paths([documents], index_dir).generation == "", "and the next run is a no-op again"


def test_passages_made_by_an_older_reader_are_read_again(documents, tmp_path, embedder):
    """A new version that reads documents differently (here: table rows as tab-separated
    cells) must not leave an unchanged file's old passages beside new ones."""
    index_dir = tmp_path / "index"
    ingest_paths([documents], index_dir)
    clean = index_content(index_dir)
    db = sqlite3.connect(current_generation(index_dir) / "index.sqlite")
    db.execute("UPDATE meta SET value = '1' WHERE key = 'reader_version'")
    db.execute("UPDATE chunks SET text = 'Primary Need: Moderate LD; Number: 6,547' WHERE chunk_id = 1")
    db.commit()
    db.close()

    report = ingest_paths([documents], index_dir)

    assert report.re_read and report.generation and report.pages_read > 0
    assert sorted(report.unchanged) == sorted(Path(p).name for p in SMALL) and not report.updated
    assert "Read every document again" in "\n".join(report.summary_lines())
    assert index_content(index_dir) == clean
    assert ingest_paths([documents], index_dir).generation == "", "and the next run is a no-op again"
