"""Plain-text rendering of search hits for the terminal."""

from __future__ import annotations

import re
import textwrap

import click

from index.models import Hit
from index.search import STOPWORDS

SNIPPET_CHARS = 320


def cells_shown(text: str) -> str:
    """A quoted table row (its cells between tabs, as stored) with bars between the cells,
    which a reader sees where a tab would be an unexplained gap."""
    return "\n".join(" | ".join(line.split("\t")) if "\t" in line else line for line in text.split("\n"))


def render_hits(query: str, hits: list[Hit], color: bool = False) -> str:
    if not hits:
        return f'No passages match "{query}".'
    lines = [f'Results for "{query}":']
    for number, hit in enumerate(hits, start=1):
        lines.append("")
        lines.append(click.style(f"[{number}] {hit.citation()}", bold=True) if color else f"[{number}] {hit.citation()}")
        lines.append(textwrap.indent(textwrap.fill(snippet(hit.text, query, color), 100), "    "))
    return "\n".join(lines)


def snippet(text: str, query: str, color: bool = False) -> str:
    """The part of a passage around the query's words, with those words highlighted."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", query) if w.lower() not in STOPWORDS and len(w) > 1]
    flat = " ".join(text.split())
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\w*", re.I) if words else None
    start = 0
    if pattern:
        first = pattern.search(flat)
        if first:
            start = max(0, first.start() - 80)
    piece = flat[start:start + SNIPPET_CHARS]
    piece = ("..." if start else "") + piece + ("..." if start + SNIPPET_CHARS < len(flat) else "")
    if pattern:
        mark = (lambda m: click.style(m.group(0), fg="yellow", bold=True)) if color else (lambda m: f"**{m.group(0)}**")
        piece = pattern.sub(mark, piece)
    return piece
