"""Shared pieces of the benchmarks: text normalisation, the question set and the relevance rule.

The retrieval benchmark (bench/retrieval.py), the question checker (bench/check_questions.py) and a
later answer benchmark must agree exactly on what "the evidence is in this passage" means, so the
rule lives here once.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
DEFAULT_QUESTIONS = REPO_ROOT / "bench" / "questions.jsonl"

# The sub-folders of the corpus whose PDFs the questions are about. formats/ is left out on
# purpose: it repeats Leicester content under other file names, which would make a correct
# passage from the .docx look like a miss against a question pointing at the PDF.
CORPUS_FOLDERS = {"leicester": "leicester", "kent": "real"}

QUESTION_TYPES = {
    "fact",
    "table",
    "acronym",
    "decision",
    "vote",
    "who",
    "number",
    "list",
    "commitment",
    "date",
}

# Content words are what the partial-match fallback counts; these carry no evidence.
STOPWORDS = frozenset(
    """a an and are as at be been but by for from has have in into is it its of on or that the
    their there these this to was were will with which who whom would should can could may""".split()
)

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "−": "-"})
_LINE_BREAK_HYPHEN = re.compile(r"(\w)-[ \t]*\r?\n[ \t]*(\w)")
_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+(?:[.,']\w+)*")


def normalise(text: str) -> str:
    """Lower-case, re-join words hyphenated at a line break, unify quotes and dashes, collapse spaces.

    This is the single definition of "the same text" for the question set and the relevance rule,
    so that layout differences between extractors (line breaks, curly quotes) are not scored.
    """
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    text = _LINE_BREAK_HYPHEN.sub(r"\1\2", text)
    return _WHITESPACE.sub(" ", text).strip().lower()


def words(text: str) -> list[str]:
    """Word tokens of already-normalised text; numbers keep their inner '.' and ',' (e.g. '65.7m')."""
    return _WORD.findall(text)


def content_words(text: str) -> list[str]:
    """Words of normalised text minus stop words, in order (duplicates kept)."""
    return [w for w in words(text) if w not in STOPWORDS]


def contains_phrase(haystack: str, needle: str) -> bool:
    """True if normalised `needle` occurs in normalised `haystack` on word boundaries.

    Word boundaries matter for short facts: the fact '16' must not be found inside '2016'.
    """
    if not needle:
        return False
    pattern = r"(?<!\w)" + re.escape(needle) + r"(?!\w)"
    return re.search(pattern, haystack) is not None


@dataclass(frozen=True)
class Question:
    """One benchmark question; see bench/questions.jsonl for the field meanings."""

    id: str
    question: str
    answerable: bool
    corpus: str
    type: str
    doc: str | None = None
    page: int | None = None
    evidence: str | None = None
    fact: str | None = None
    equivalent_docs: tuple[str, ...] = ()
    absent_terms: tuple[str, ...] = ()
    part: str = ""  # "dev" or "test" in the blind set (bench/blind/split.json); "" elsewhere

    @property
    def docs(self) -> frozenset[str]:
        """The file names a relevant passage may come from."""
        return frozenset((self.doc, *self.equivalent_docs)) if self.doc else frozenset()


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[Question]:
    """Read questions.jsonl, rejecting malformed lines early rather than mis-scoring them later."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        raw = json.loads(line)
        try:
            question = Question(
                id=raw["id"],
                question=raw["question"],
                answerable=raw["answerable"],
                corpus=raw["corpus"],
                type=raw["type"],
                doc=raw.get("doc"),
                page=raw.get("page"),
                evidence=raw.get("evidence"),
                fact=raw.get("fact"),
                equivalent_docs=tuple(raw.get("equivalent_docs", ())),
                absent_terms=tuple(raw.get("absent_terms", ())),
            )
        except KeyError as missing:
            raise ValueError(f"{path}:{number}: missing field {missing}") from None
        questions.append(question)
    return questions


def is_relevant(question: Question, doc: str, text: str, duplicates: dict[str, frozenset[str]]) -> bool:
    """Whether a retrieved passage answers an answerable question.

    A passage counts when it comes from the question's document (or a byte-identical copy, or a
    file listed in `equivalent_docs`) and its normalised text either
      1. contains the normalised evidence, or
      2. contains the normalised fact (on word boundaries) and at least 60% of the evidence's other
         content words (distinct, stop words and the fact's own words removed) - for evidence cut
         by a chunk boundary. The fact's words are left out of the count so that a bare repeat of
         the fact elsewhere (the same vote line under another recommendation) does not pass.
    `duplicates` maps a file name to the names of files with the same bytes (see duplicate_groups).
    """
    allowed = set(question.docs)
    for name in question.docs:
        allowed |= duplicates.get(name, frozenset())
    if doc not in allowed:
        return False
    passage = normalise(text)
    evidence = normalise(question.evidence or "")
    if evidence and evidence in passage:
        return True
    fact = normalise(question.fact or "")
    if not contains_phrase(passage, fact):
        return False
    wanted = set(content_words(evidence)) - set(words(fact))
    if not wanted:
        return False
    present = set(words(passage))
    return len(wanted & present) / len(wanted) >= 0.6


def corpus_pdfs(corpus_dir: Path) -> dict[str, list[Path]]:
    """The benchmark's PDFs by corpus name ('leicester', 'kent'), sorted for a stable order."""
    return {
        name: sorted((Path(corpus_dir) / folder).glob("*.pdf")) for name, folder in CORPUS_FOLDERS.items()
    }


def write_report(out: Path, name: str, markdown: str, data: dict) -> Path:
    """A benchmark's report as OUT/NAME.md, and its raw figures as OUT/NAME.json."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.md").write_text(markdown.rstrip() + "\n", encoding="utf-8")
    (out / f"{name}.json").write_text(
        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return out / f"{name}.md"


def duplicate_groups(paths: list[Path]) -> dict[str, frozenset[str]]:
    """Map each file name to the names of all files with identical bytes (itself included)."""
    by_hash: dict[str, set[str]] = {}
    for path in paths:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        by_hash.setdefault(digest, set()).add(path.name)
    return {name: frozenset(group) for group in by_hash.values() for name in group}
