"""Check bench/questions.jsonl against the corpus, so a benchmark never scores against a typo.

For every answerable question the normalised evidence and fact must occur on the stated page of the
stated PDF, in pypdf's text of that page or - for `table` questions, whose cells pypdf may
interleave - in pdfplumber's table text of that page. Files in `equivalent_docs` must carry them on
the same page too. For every unanswerable question each of its `absent_terms` must occur nowhere in
its corpus, which is the mechanical part of "the documents do not answer this".

Usage: python bench/check_questions.py [--corpus ../shared/corpus] [--questions bench/questions.jsonl]
Exit status 1 when any question fails.
"""

from __future__ import annotations

import collections
import sys
from functools import cache
from pathlib import Path

import click
import pdfplumber
import pypdf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    CORPUS_FOLDERS,
    DEFAULT_CORPUS,
    DEFAULT_QUESTIONS,
    QUESTION_TYPES,
    Question,
    contains_phrase,
    corpus_pdfs,
    load_questions,
    normalise,
    words,
)

MIN_ANSWERABLE, MIN_UNANSWERABLE = 70, 20
EVIDENCE_WORDS = range(4, 26)
FOOTER_MARK = "page {} of"  # the corpus footers read "Page N of M"


@cache
def pypdf_pages(path: Path) -> tuple[str, ...]:
    """Normalised pypdf text of every page of a PDF."""
    return tuple(normalise(page.extract_text() or "") for page in pypdf.PdfReader(str(path)).pages)


@cache
def table_text(path: Path, page: int) -> str:
    """Normalised pdfplumber table text of one page: each row's cells joined by spaces."""
    with pdfplumber.open(str(path)) as pdf:
        tables = pdf.pages[page - 1].extract_tables()
    rows = (" ".join(cell or "" for cell in row) for table in tables for row in table)
    return normalise("\n".join(rows))


def found_on_page(path: Path, page: int, phrase: str, allow_tables: bool) -> bool:
    """Whether the normalised phrase is on the page, by word boundaries for short facts."""
    texts = [pypdf_pages(path)[page - 1]]
    if allow_tables:
        texts.append(table_text(path, page))
    return any(contains_phrase(text, normalise(phrase)) for text in texts)


def check_answerable(question: Question, files: dict[str, Path]) -> list[str]:
    """Problems with one answerable question (empty when it is sound)."""
    problems = []
    if not (question.doc and question.page and question.evidence and question.fact):
        return ["answerable question needs doc, page, evidence and fact"]
    evidence, fact = normalise(question.evidence), normalise(question.fact)
    if len(words(evidence)) not in EVIDENCE_WORDS:
        problems.append(f"evidence has {len(words(evidence))} words, wanted 4-25")
    if fact not in evidence:
        problems.append("fact is not inside the evidence")
    if evidence in normalise(question.question):
        problems.append("question copies the evidence")
    if FOOTER_MARK.format(question.page) in evidence:
        problems.append("evidence runs into the page footer")
    for name in question.docs:
        path = files.get(name)
        if path is None:
            problems.append(f"no such PDF in the {question.corpus} corpus: {name}")
            continue
        if not 1 <= question.page <= len(pypdf_pages(path)):
            problems.append(f"page {question.page} out of range for {name}")
            continue
        for label, phrase in (("evidence", question.evidence), ("fact", question.fact)):
            if not found_on_page(path, question.page, phrase, question.type == "table"):
                problems.append(f"{label} not on page {question.page} of {name}")
    return problems


def check_unanswerable(question: Question, files: dict[str, Path]) -> list[str]:
    """Problems with one unanswerable question: stray answer fields or a probe term that occurs."""
    problems = [
        f"{field} must be null"
        for field in ("doc", "page", "evidence", "fact")
        if getattr(question, field) is not None
    ]
    if not question.absent_terms:
        problems.append("unanswerable question needs absent_terms to check against the corpus")
    for term in question.absent_terms:
        for path in files.values():
            pages = [n for n, text in enumerate(pypdf_pages(path), 1) if normalise(term) in text]
            if pages:
                problems.append(f"absent term {term!r} occurs in {path.name} pages {pages}")
    return problems


def check_question(question: Question, pdfs: dict[str, list[Path]]) -> list[str]:
    """Problems with any question: common fields, then the answerable or unanswerable rules."""
    problems = []
    if question.corpus not in CORPUS_FOLDERS:
        return [f"unknown corpus {question.corpus!r}"]
    if question.type not in QUESTION_TYPES:
        problems.append(f"unknown type {question.type!r}")
    if not question.question.strip():
        problems.append("empty question")
    files = {path.name: path for path in pdfs[question.corpus]}
    check = check_answerable if question.answerable else check_unanswerable
    return problems + check(question, files)


def summary(questions: list[Question]) -> str:
    """Counts by corpus and type, as the report to the lead needs them."""
    lines = []
    for answerable in (True, False):
        subset = [q for q in questions if q.answerable is answerable]
        by_corpus = collections.Counter(q.corpus for q in subset)
        by_type = collections.Counter(q.type for q in subset)
        label = "answerable" if answerable else "unanswerable"
        lines.append(f"{label}: {len(subset)} ({dict(sorted(by_corpus.items()))})")
        lines.append(f"  by type: {dict(sorted(by_type.items()))}")
    return "\n".join(lines)


@click.command()
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_CORPUS,
    show_default=True,
)
@click.option(
    "--questions",
    "questions_path",
    type=click.Path(exists=True, path_type=Path),
    default=DEFAULT_QUESTIONS,
    show_default=True,
)
def main(corpus: Path, questions_path: Path) -> None:
    """Verify every question; print the failures and the counts."""
    questions = load_questions(questions_path)
    pdfs = corpus_pdfs(corpus)
    failures = 0
    duplicated = [i for i, n in collections.Counter(q.id for q in questions).items() if n > 1]
    for question_id in duplicated:
        click.echo(f"{question_id}: duplicate id")
        failures += 1
    for question in questions:
        for problem in check_question(question, pdfs):
            click.echo(f"{question.id}: {problem}")
            failures += 1
    answerable = sum(q.answerable for q in questions)
    if answerable < MIN_ANSWERABLE or len(questions) - answerable < MIN_UNANSWERABLE:
        click.echo(f"too few questions: want >= {MIN_ANSWERABLE} answerable, >= {MIN_UNANSWERABLE} not")
        failures += 1
    click.echo(summary(questions))
    click.echo(f"{len(questions)} questions, {failures} problems")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
