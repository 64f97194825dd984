"""Bad input is reported by name with a reason, and everything else still ingests."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from index.store import index_status
from ingest.pipeline import ingest_paths

GOOD = "leicester/Leicestershire-CFS-Scrutiny-2020-09-01 - SEND and Inclusion Strategy 2020-2023.pdf"


def encrypted_pdf(source: Path, target: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    with target.open("wb") as handle:
        writer.write(handle)


def image_only_pdf(target: Path) -> None:
    """What a scanner produces: pages that are pictures, with no text layer."""
    page = Image.new("RGB", (600, 800), "white")
    page.save(target, "PDF", resolution=72)


def broken_docx(target: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not really word")
    target.write_bytes(buffer.getvalue())


@pytest.fixture()
def folder_with_bad_files(corpus, tmp_path) -> Path:
    folder = tmp_path / "documents"
    folder.mkdir()
    good = corpus / GOOD
    shutil.copy(good, folder)
    data = good.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (folder / "junk.pdf").write_bytes(b"this is not a pdf at all\n" * 50)
    (folder / "empty.pdf").write_bytes(b"")
    encrypted_pdf(good, folder / "locked.pdf")
    image_only_pdf(folder / "scanned.pdf")
    broken_docx(folder / "broken.docx")
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04 spreadsheet")
    return folder


EXPECTED_REASONS = {
    "truncated.pdf": "corrupt or truncated",
    "junk.pdf": "not a PDF",
    "empty.pdf": "empty",
    "locked.pdf": "encrypted",
    "scanned.pdf": "image-only",
    "broken.docx": "broken Word file",
    "budget.xlsx": "unsupported file type",
}


def test_each_bad_file_is_named_with_its_reason_and_the_rest_ingests(folder_with_bad_files, tmp_path, embedder):
    index_dir = tmp_path / "index"
    report = ingest_paths([folder_with_bad_files], index_dir)
    failed = dict(report.failed)
    assert set(failed) == set(EXPECTED_REASONS), failed
    for name, reason in EXPECTED_REASONS.items():
        assert reason in failed[name], (name, failed[name])
    assert report.added == [Path(GOOD).name]
    status = index_status(index_dir)
    assert status.documents == 1 and status.passages > 0


def test_a_changed_file_that_turns_unreadable_keeps_its_previous_version(corpus, tmp_path, embedder):
    folder = tmp_path / "documents"
    folder.mkdir()
    target = folder / "strategy.pdf"
    shutil.copy(corpus / GOOD, target)
    index_dir = tmp_path / "index"
    ingest_paths([folder], index_dir)
    before = index_status(index_dir).passages

    target.write_bytes(target.read_bytes()[:500])  # damaged in place
    report = ingest_paths([folder], index_dir)
    assert dict(report.failed)["strategy.pdf"].startswith("corrupt or truncated")
    assert index_status(index_dir).passages == before
