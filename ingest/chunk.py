"""Group blocks into passages that follow the document's structure.

A passage never spans two sections; it starts at a heading and gathers the paragraphs,
items or table rows under it up to a size the embedding model reads whole. A vote line
("Approved: 16 Rejected: 0 Abstained: 0") always stays with the recommendation above it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.models import Block, Chunk

MAX_CHARS = 900  # all-MiniLM-L6-v2 reads 256 word pieces, about 1,000 characters
MIN_CHARS = 200  # smaller passages take the next block of the same section too
STAYS_WITH_PREVIOUS = re.compile(r"^(Approved|Rejected|Abstained|Carried|Votes?)\b[: ]", re.I)


def chunk_blocks(blocks: list[Block]) -> list[Chunk]:
    chunks: list[Chunk] = []
    current: list[Block] = []

    def flush() -> None:
        if current:
            chunks.append(_make_chunk(current, len(chunks)))
            current.clear()

    for block in _split_long(blocks):
        if current and _starts_new_chunk(current, block):
            flush()
        current.append(block)
    flush()
    return chunks


def _with_headers(blocks: list[Block]) -> Iterator[tuple[str, Block]]:
    """Each block with the line written above it in a passage: its table's header line
    where a run of that table's rows starts (again, when the table was cut in two), else ""."""
    previous = None
    for block in blocks:
        opens_rows = block.header and (previous is None or previous.header != block.header)
        yield (block.header if opens_rows else ""), block
        previous = block


def _size(blocks: list[Block]) -> int:
    return sum(
        (len(header) + 1 if header else 0) + len(block.text) + 1 for header, block in _with_headers(blocks)
    )


def _starts_new_chunk(current: list[Block], block: Block) -> bool:
    if STAYS_WITH_PREVIOUS.match(block.text):
        return False
    if all(b.kind == "heading" for b in current):
        return False
    size = _size(current)
    if block.kind == "heading":
        return True
    if block.section != current[-1].section and current[-1].kind != "heading":
        return True
    if block.kind == "table_row" and "\n" in block.text:
        return True  # a cell read on its own (row and column named) is a passage of its own
    if block.kind == "table_row" and current[-1].kind != "table_row" and size >= MIN_CHARS:
        return True
    return _size([*current, block]) > MAX_CHARS and size >= MIN_CHARS


def _split_long(blocks: list[Block]) -> list[Block]:
    """Blocks over the size limit are cut at sentence (or bullet) boundaries."""
    out = []
    for block in blocks:
        if len(block.text) <= MAX_CHARS:
            out.append(block)
            continue
        head = ""
        body = block.text
        if block.kind == "table_row" and ":\n" in body[:300]:
            head, body = body.split(":\n", 1)
            head += ":\n"
        pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z(])|\n(?=[•●▪■◦‣])", body)
        part = ""
        for piece in pieces:
            if part and len(head) + len(part) + len(piece) > MAX_CHARS:
                out.append(Block(block.kind, head + part.strip(), block.page, block.section))
                part = ""
            part += piece + ("\n" if block.kind == "table_row" else " ")
        if part.strip():
            out.append(Block(block.kind, head + part.strip(), block.page, block.section))
    return out


def _make_chunk(blocks: list[Block], ordinal: int) -> Chunk:
    body = [b for b in blocks if b.kind != "heading"] or blocks
    section = body[0].section
    lines = []
    for header, block in _with_headers(blocks):
        if header:
            lines.append(header)
        lines.append(f"• {block.text}" if block.kind == "item" else block.text)
    return Chunk(
        text="\n".join(lines),
        page_start=min(b.page for b in blocks),
        page_end=max(b.page for b in blocks),
        section=" > ".join(section),
        ordinal=ordinal,
    )
