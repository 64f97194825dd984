"""Hostile and broken copies of real documents, made reproducibly from a seed.

Each maker writes one file and returns its path. The kinds are the ones an ingest meets in
practice or from someone trying to hurt it: cut-off downloads, flipped bytes, junk saved
under a .pdf name, password-protected PDFs, absurd page counts, decompression bombs (a
small PDF stream or .docx part that inflates to gigabytes) and a very large web page.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

MB = 1024 * 1024


# --- byte-level damage to a real file --------------------------------------------------


def truncated(source: Path, target: Path, rng: random.Random) -> Path:
    """The first 1-95% of the file, as an interrupted download leaves it."""
    data = source.read_bytes()
    target.write_bytes(data[: max(1, int(len(data) * rng.uniform(0.01, 0.95)))])
    return target


def flipped(source: Path, target: Path, rng: random.Random) -> Path:
    """1 to 200 random bytes overwritten anywhere in the file (disk or transfer damage)."""
    data = bytearray(source.read_bytes())
    for _ in range(rng.randint(1, 200)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    target.write_bytes(bytes(data))
    return target


def flipped_in_streams(source: Path, target: Path, rng: random.Random) -> Path:
    """Bytes flipped only inside compressed streams: the PDF still opens, pages are garbage."""
    data = bytearray(source.read_bytes())
    spans = []
    start = 0
    while (start := data.find(b"stream", start)) >= 0:
        end = data.find(b"endstream", start)
        if end < 0:
            break
        if end - start > 40:
            spans.append((start + 8, end - 2))
        start = end + 9
    for _ in range(rng.randint(1, 50)):
        if not spans:
            break
        low, high = rng.choice(spans)
        data[rng.randrange(low, high)] = rng.randrange(256)
    target.write_bytes(bytes(data))
    return target


def junk(target: Path, rng: random.Random, size: int | None = None) -> Path:
    """Random bytes under a document's name (a misnamed or corrupt upload)."""
    target.write_bytes(rng.randbytes(size or rng.randint(1, 300_000)))
    return target


def junk_with_header(target: Path, rng: random.Random) -> Path:
    """A %PDF header followed by random bytes: passes the header check, nothing else."""
    target.write_bytes(b"%PDF-1.7\n" + rng.randbytes(rng.randint(100, 200_000)))
    return target


# --- whole hostile documents -------------------------------------------------------------


def encrypted(source: Path, target: Path, rng: random.Random, user_password: str = "secret") -> Path:
    """Password protected. With user_password="" it opens without a password (owner-only)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="owner",
                   algorithm=rng.choice(["RC4-128", "AES-128", "AES-256"]))
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def blank_pages(target: Path, pages: int = 5000) -> Path:
    """A PDF of `pages` empty A4 pages, written by hand (small file, huge page count)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = b" ".join(f"{i + 4} 0 R".encode() for i in range(pages))
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>")
    objects.append(b"<< /Length 0 >>\nstream\n\nendstream")
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>")
    target.write_bytes(_pdf_file(objects))
    return target


def text_pages(target: Path, pages: int = 1999, lines: int = 40) -> Path:
    """A PDF of `pages` full pages of text: under the page limit, but slow to read."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = b" ".join(f"{2 * i + 6} 0 R".encode() for i in range(pages))
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(b"<< >>")  # unused, keeps page objects at odd numbers
    for number in range(pages):
        text = b"BT /F1 11 Tf 72 760 Td 14 TL " + b" ".join(
            f"(Page {number + 1} line {line}: the EHCP annual review of provision {number * lines + line}.) '"
            .encode() for line in range(lines)) + b" ET"
        objects.append(b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents "
                       + str(len(objects)).encode() + b" 0 R /Resources << /Font << /F1 3 0 R >> >> >>")
    target.write_bytes(_pdf_file(objects))
    return target


def pdf_bomb(target: Path, inflated_mb: int = 2048, ruled: bool = False) -> Path:
    """One page whose content stream is a small zlib stream inflating to `inflated_mb` MB.

    The payload is drawing operators (a line of text, or with `ruled` rectangles, which also
    sends the page to pdfplumber), repeated: every byte is a valid operator, so a reader
    that does not cap decompression parses gigabytes.
    """
    unit = b"0 0 1 1 re S\n" if ruled else b"BT /F1 10 Tf 72 720 Td (EHCP bomb text) Tj ET\n"
    raw, _, adler, _ = _deflate_repeated(unit, inflated_mb)
    compressed = b"\x78\xda" + raw + adler.to_bytes(4, "big")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Length " + str(len(compressed)).encode() + b" /Filter /FlateDecode >>\nstream\n"
        + compressed + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    target.write_bytes(_pdf_file(objects))
    return target


DOCX_PARAGRAPH = b"<w:p><w:r><w:t>EHCP bomb paragraph</w:t></w:r></w:p>"


def docx_bomb(source: Path, target: Path, inflated_mb: int = 2048, lie: bool = False) -> Path:
    """A real .docx whose word/document.xml inflates to about `inflated_mb` MB of paragraphs.

    With `lie`, the zip headers declare the part's true compressed size but an uncompressed
    size of 1 MB, as a bomb built to slip past a size check would.
    """
    # document.xml = head + paragraphs + tail, deflated as three independent pieces
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    tail = b"</w:body></w:document>"
    raw, crc, _, length = _deflate_repeated(DOCX_PARAGRAPH, inflated_mb, crc=zlib.crc32(head))
    crc = zlib.crc32(tail, crc)
    size = len(head) + length + len(tail)
    deflated = _raw_deflate(head, final=False) + raw[: -len(_EMPTY_FINAL_BLOCK)] + _raw_deflate(tail, final=True)
    members = []
    with zipfile.ZipFile(source) as original:
        for info in original.infolist():
            if info.filename == "word/document.xml":
                members.append((info.filename, deflated, crc, MB if lie else size))
            else:
                data = original.read(info.filename)
                members.append((info.filename, _raw_deflate(data, final=True), zlib.crc32(data), len(data)))
    _write_zip(target, members)
    return target


def huge_html(source: Path, target: Path, size_mb: int = 50) -> Path:
    """A saved web page whose article is the source page's body repeated to `size_mb` MB."""
    html = source.read_text(encoding="utf-8", errors="replace")
    lower = html.lower()
    start = lower.find("<body")
    start = lower.find(">", start) + 1 if start >= 0 else 0
    end = lower.rfind("</body>")
    body = html[start:end if end > start else len(html)]
    with target.open("w", encoding="utf-8") as handle:
        handle.write(html[:start] + "<main>")
        written = 0
        while written < size_mb * MB:
            handle.write(body)
            written += len(body.encode())
        handle.write("</main></body></html>")
    return target


# --- helpers -----------------------------------------------------------------------------


def _deflate_repeated(unit: bytes, size_mb: int, crc: int = 0) -> tuple[bytes, int, int, int]:
    """Raw deflate of whole `unit`s repeated to about `size_mb` MB; its CRC-32, Adler-32 and length.

    One 1 MB block is compressed once and ended with a full flush (byte aligned, no shared
    dictionary), so the stream is that piece repeated, then an empty final block: seconds
    for gigabytes, and never all in memory.
    """
    block = (unit * (MB // len(unit) + 1))[: MB - MB % len(unit)]
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(size_mb):
        crc = zlib.crc32(block, crc)
        adler = zlib.adler32(block, adler)
    return piece * size_mb + _EMPTY_FINAL_BLOCK, crc, adler, len(block) * size_mb


_EMPTY_FINAL_BLOCK = zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def _raw_deflate(data: bytes, final: bool) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = compressor.compress(data)
    return out + compressor.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _write_zip(target: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """A zip of already-deflated members (name, raw deflate data, crc32, declared size)."""
    with target.open("wb") as out:
        central = []
        for name, data, crc, size in members:
            offset = out.tell()
            encoded = name.encode()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc,
                                  len(data), size, len(encoded), 0) + encoded)
            out.write(data)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                                       len(data), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        start = out.tell()
        for entry in central:
            out.write(entry)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                              out.tell() - start, start, 0))


def _pdf_file(objects: list[bytes]) -> bytes:
    """A minimal, valid PDF around numbered objects (1-based), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


Maker = Callable[..., Path]
