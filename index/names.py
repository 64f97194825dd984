"""Which documents a question names: its words against each document's own names.

Each document records the proper names that open it (ingest.identity: "blackpool", "kent",
"forum"). Staff name councils, areas and bodies in full or by the short forms they use, so a
question word names a document when it is one of its names, or, when it is no document's
name as written, when it abbreviates one: "Herts" and "Leics" (the name's first three letters,
then its letters in order), "B&H" and "T&W" (the initials of two names in a row). A name many
documents carry says little, so each counts by its rarity (inverse document frequency).
"""

from __future__ import annotations

import json
import math
import re

WORD = re.compile(r"[a-z][a-z'’]+|[a-z]&[a-z]", re.I)
MIN_ABBREVIATION = 4  # shorter words are too often a prefix by chance


class DocumentNames:
    """The names of every document of a generation, and the question words that meet them."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        self.names = {doc_id: json.loads(names or "[]") for doc_id, names in rows}
        frequency: dict[str, int] = {}
        for names in self.names.values():
            for name in set(names):
                frequency[name] = frequency.get(name, 0) + 1
        count = max(1, len(self.names))
        self.weight = {name: math.log(1 + count / n) for name, n in frequency.items()}

    def shares(self, question: str) -> dict[int, float]:
        """For each document the question names, the share (by rarity) of the question's naming
        words that are its names; empty when the question names no document."""
        matched = self._matched(question)
        total = sum(max(docs.values()) for docs in matched.values())
        shares: dict[int, float] = {}
        for docs in matched.values():
            for doc_id, weight in docs.items():
                shares[doc_id] = shares.get(doc_id, 0.0) + weight / total
        return shares

    def without_names(self, question: str) -> str:
        """The question less the words that name documents ("what's the local PCF called in
        Telford?" -> "what's the local PCF called in?"): once the documents are chosen by
        name, the name says nothing of which of their passages answers."""
        named = self._matched(question)
        if not named:
            return question
        kept = [
            token for token in re.split(r"(\s+)", question)
            if re.sub(r"'s?$", "", token.strip("?,.!:;()").lower().replace("’", "'")) not in named
        ]
        return "".join(kept).strip() or question

    def _matched(self, question: str) -> dict[str, dict[int, float]]:
        """Each question word that names documents, with the documents and the name's weight."""
        matched: dict[str, dict[int, float]] = {}
        for word in dict.fromkeys(w.lower().replace("’", "'") for w in WORD.findall(question)):
            word = re.sub(r"'s?$", "", word)
            documents = self._named_by(word)
            if documents:
                matched[word] = documents
        return matched

    def _named_by(self, word: str) -> dict[int, float]:
        exact = {d: self.weight[word] for d, names in self.names.items() if word in names}
        if exact or len(word) < 3:
            return exact
        if "&" in word:
            first, second = word.split("&")
            return {
                d: max(self.weight[a], self.weight[b])
                for d, names in self.names.items()
                for a, b in zip(names, names[1:], strict=False)
                if a.startswith(first) and b.startswith(second)
            }
        if len(word) < MIN_ABBREVIATION:
            return {}
        found: dict[int, float] = {}
        for doc_id, names in self.names.items():
            for name in names:
                if name != word and name.startswith(word[:3]) and _in_order(word, name):
                    found[doc_id] = max(found.get(doc_id, 0.0), self.weight[name])
        return found


def _in_order(short: str, name: str) -> bool:
    """Whether the short form's letters all occur in the name, in order ("leics" in "leicestershire")."""
    letters = iter(name)
    return all(letter in letters for letter in short)
