"""Acronyms the documents define, so a search for "SEMH" also finds "social, emotional
and mental health", and the other way round.

Council documents define their acronyms in passing: "Education, Health and Care Plan
(EHCP)" or "EHCP (Education, Health and Care Plan)". An expansion is accepted when the
initials of its words spell the acronym.
"""

from __future__ import annotations

import re
from collections import Counter

ACRONYM = r"[A-Z][A-Za-z&]{1,9}s?"
AFTER = re.compile(rf"([A-Za-z][A-Za-z,'&\- ]{{3,120}}?)\s*\(({ACRONYM})\)")
BEFORE = re.compile(rf"\b({ACRONYM})\s*\(([A-Za-z][A-Za-z,'&\- ]{{3,120}})\)")
LINKING = {"and", "of", "the", "for", "in", "to", "&", "with", "on", "or", "a"}


def _letters(acronym: str) -> str:
    core = acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym
    return "".join(ch for ch in core if ch.isupper())


def _matches(words: list[str], letters: str) -> bool:
    initials = "".join(w[0].upper() for w in words if w.lower() not in LINKING)
    with_linking = "".join(w[0].upper() for w in words)
    return letters in (initials, with_linking)


def _expansion_before(text: str, letters: str) -> str:
    """The shortest run of words ending the text whose initials spell the letters."""
    words = re.findall(r"[A-Za-z][A-Za-z'\-]*|&", text)
    for size in range(len(letters), min(len(words), len(letters) + 4) + 1):
        candidate = words[-size:]
        if _matches(candidate, letters):
            return " ".join(candidate)
    return ""


def find_acronyms(texts: list[str]) -> dict[str, str]:
    """Acronym -> its most common expansion, over all the given texts."""
    found: dict[str, Counter] = {}
    for text in texts:
        flat = " ".join(text.split())
        for before, acronym in AFTER.findall(flat):
            letters = _letters(acronym)
            if len(letters) >= 2:
                expansion = _expansion_before(before, letters)
                if expansion:
                    found.setdefault(acronym.rstrip("s") if acronym[:-1].isupper() else acronym, Counter())[expansion.lower()] += 1
        for acronym, inside in BEFORE.findall(flat):
            letters = _letters(acronym)
            words = re.findall(r"[A-Za-z][A-Za-z'\-]*|&", inside)
            if len(letters) >= 2 and words and _matches(words, letters):
                found.setdefault(acronym, Counter())[" ".join(words).lower()] += 1
    return {acronym: counts.most_common(1)[0][0] for acronym, counts in sorted(found.items())}
