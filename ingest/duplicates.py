"""Near-duplicate documents: the same paper published twice with a small change.

Byte-identical files are caught by their hash; this catches the rest (a second copy of
an amendment with another proposer's name, the Word file a PDF was made from) so the
admin is told, by comparing the sets of five-word runs (shingles) of two documents' text.
"""

from __future__ import annotations

import re

SHINGLE_WORDS = 5
NEAR_DUPLICATE = 0.8  # Jaccard similarity of shingle sets


def shingles(text: str) -> frozenset[int]:
    words = re.findall(r"\w+", text.lower())
    return frozenset(hash(" ".join(words[i:i + SHINGLE_WORDS])) for i in range(max(1, len(words) - SHINGLE_WORDS + 1)))


def near_duplicates(new: dict[str, str], existing: dict[str, str]) -> list[tuple[str, str, float]]:
    """(new document, similar document, similarity) for each new document that nearly
    repeats another, new or existing. Every pair is compared, but only pairs of about the
    same length are intersected, so a corpus of a few hundred papers takes no time."""
    sets = {name: shingles(text) for name, text in {**existing, **new}.items()}
    found = []
    for name in sorted(new):
        for other in sorted(sets):
            if other == name or (other in new and other < name):
                continue
            a, b = sets[name], sets[other]
            if min(len(a), len(b)) < NEAR_DUPLICATE * max(len(a), len(b)):
                continue  # sets this unequal in size cannot be this similar
            shared = len(a & b)
            similarity = shared / (len(a) + len(b) - shared)
            if similarity >= NEAR_DUPLICATE:
                found.append((name, other, round(similarity, 3)))
    return found


def format_copies(pdfs: dict[str, str], others: dict[str, str]) -> dict[str, str]:
    """Each Word, web or text document that nearly repeats a PDF, mapped to that PDF (the
    most similar, if several). Search shows the PDF's passages only, whose pages can be
    cited, instead of the same paragraph twice."""
    if not others or not pdfs:
        return {}
    found = sorted(near_duplicates(others, pdfs), key=lambda pair: pair[2])
    return {copy: pdf for copy, pdf, _ in found if pdf in pdfs}
