"""Checking and saving a document an admin sends the bot, before it is ingested.

Everything about the file is distrusted: its name (no folders, no '..', no hidden
files), its declared size and its extension, which must agree with the first bytes.
Nothing is written until every check has passed, and then only inside the documents
folder, through a hidden temporary file renamed into place.
"""

from __future__ import annotations

import io
import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from errors import SendBotError
from slackbot.storage import database_path, opened

MAX_NAME_LENGTH = 200
# Extension -> how the file's content must begin.
MAGIC_BYTES = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04"}


class UploadRefused(SendBotError):
    """The file was not saved; the message says why, in words for the sender."""


@dataclass
class IncomingFile:
    """A file offered by a transport: its name and size as declared, and how to get its bytes."""

    name: str
    size: int
    fetch: Callable[[int], bytes]  # fetch(max_bytes) -> content; raises UploadRefused if larger
    link: str = ""  # where people can open it (a Slack file's permalink)


def check_name(name: str) -> str:
    """The name itself if it is a plain, visible file name of a supported type."""
    shown = name if len(name) <= 80 else name[:77] + "..."
    if (
        not name
        or name != name.strip()
        or "/" in name
        or "\\" in name
        or ".." in name
        or name.startswith(".")
        or len(name) > MAX_NAME_LENGTH
        or any(unicodedata.category(char).startswith("C") for char in name)
    ):
        raise UploadRefused(f"“{shown}” is not a name I can save: use a plain file name without folders.")
    suffix = Path(name).suffix.lower()
    if suffix not in MAGIC_BYTES:
        raise UploadRefused(f"“{shown}” is not a PDF or Word (.docx) file, so I can't add it.")
    return name


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise UploadRefused(f"The file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.")


def check_content(name: str, data: bytes) -> None:
    """The bytes must be what the extension says: a PDF header, or a zip holding a Word body."""
    suffix = Path(name).suffix.lower()
    if not data.startswith(MAGIC_BYTES[suffix]):
        raise UploadRefused(f"“{name}” does not contain a {suffix[1:].upper()} document.")
    if suffix == ".docx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                is_word = "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            is_word = False
        if not is_word:
            raise UploadRefused(f"“{name}” is not a Word document.")


def save_upload(documents_dir: Path, name: str, data: bytes) -> Path:
    """Write a checked file into the documents folder (replacing an older version)."""
    folder = Path(documents_dir).resolve()
    target = folder / check_name(name)
    if target.parent != folder or target.is_symlink():
        raise UploadRefused(f"“{name}” can't be saved in the documents folder.")
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def remember_upload(data_dir: Path, name: str, link: str) -> None:
    """Note where an uploaded document can be opened, for its sources' links."""
    if link:
        with opened(data_dir) as db:
            db.execute("INSERT OR REPLACE INTO uploaded_files (name, link) VALUES (?, ?)", (name, link))


def uploaded_files(data_dir: Path) -> dict[str, str]:
    """File name -> the Slack file it was uploaded as."""
    if not database_path(data_dir).exists():
        return {}
    with opened(data_dir) as db:
        return dict(db.execute("SELECT name, link FROM uploaded_files").fetchall())


def receive(upload: IncomingFile, documents_dir: Path, max_bytes: int) -> Path:
    """Check the name and size, fetch, check the content, save: in that order, stopping at the first no."""
    check_name(upload.name)
    check_size(upload.size, max_bytes)
    data = upload.fetch(max_bytes)
    check_size(len(data), max_bytes)
    check_content(upload.name, data)
    return save_upload(documents_dir, upload.name, data)
