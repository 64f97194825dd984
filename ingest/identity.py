"""Whose a document is: the proper names that open it (council, area, body, meeting).

Councils publish from shared templates (every area SEND inspection report reads alike), so a
question that names Blackpool must be answered from Blackpool's report, not from the same
section of Gateshead's. The names are read from the document itself: its file name, its title
and its first passage, where a council paper says whose it is ("Area SEND inspection of
Blackpool", "Kent County Council", "Leicestershire Schools' Forum"). Search weighs them by how
few documents share them (index.search), so a name every document carries decides nothing.
"""

from __future__ import annotations

import re

# Capitalised words that open council papers without saying whose they are: document types,
# meeting words, months, generic nouns. Data, not code: extend when a new template opens
# with another such word.
GENERIC_NAMES = frozenset(
    """a an and the of for in on to at by with from into via report reports minutes minute agenda pack
    appendix annex item page pages paper papers draft final version update updated summary contents
    meeting meetings committee commission council county city borough district metropolitan unitary
    local area areas partnership partnerships authority authorities inspection inspections send sen
    special educational needs disabilities disability children young people education services service
    strategy strategies plan plans policy statement review programme quarterly performance annual
    january february march april may june july august september october november december jan feb mar
    apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
    date dates web printed frontsheet questions answers put given amendment terms glossary register
    budget risk risks division divisional year years new our we this that these those is are was were
    dated published""".split()
)
NAME = re.compile(r"[A-Z][A-Za-z'’]+(?:-[A-Z][A-Za-z'’]+)*")
# A lower-case word in running text; not part of a web or email address ("www.kent.gov.uk").
LOWER_WORD = re.compile(r"(?<![A-Za-z0-9'’./@_-])[a-z]+(?![A-Za-z0-9_@/-]|\.[A-Za-z])")
OPENING_CHARS = 1500  # how much of the first passage is read for names


def identity_names(file_name: str, title: str, opening: str, body: str = "") -> list[str]:
    """The distinct proper names (lower-cased) in a document's file name, title and opening.

    A capitalised word the document also writes in lower case is a common noun in a heading
    ("Current Likelihood", "Home to School Transport", "the Forum" / "the forum"), not whose the
    document is: only words the body never writes in lower case are names ("Blackpool", "Kent").
    """
    stem = re.sub(r"\.[A-Za-z0-9]{2,4}$", "", file_name)
    text = " ".join([re.sub(r"[_\-]+", " ", stem), title, opening[:OPENING_CHARS]])
    common = set(LOWER_WORD.findall(body))
    names: dict[str, None] = {}
    for match in NAME.finditer(text):
        for word in match.group(0).replace("’", "'").split("-"):
            word = re.sub(r"'s?$", "", word).lower()
            if len(word) >= 3 and word not in GENERIC_NAMES and word not in common:
                names.setdefault(word, None)
    return list(names)
