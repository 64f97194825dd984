"""Unit tests of the shared benchmark rules, which every score depends on."""

from pathlib import Path

from bench.common import Question, contains_phrase, duplicate_groups, is_relevant, normalise
from bench.retrieval import windows

QUESTION = Question(
    id="T01",
    question="How did the forum vote?",
    answerable=True,
    corpus="leicester",
    type="vote",
    doc="minutes.pdf",
    page=4,
    evidence="Scaling to the National Funding Formula. Approved: 13 Rejected: 2 Abstained: 1",
    fact="Approved: 13 Rejected: 2 Abstained: 1",
)


def test_normalise_joins_line_break_hyphenation_and_unifies_punctuation():
    assert normalise("The deci-\n  sion  was “final” – it’s\tdone") == 'the decision was "final" - it\'s done'


def test_normalise_keeps_hyphens_inside_a_line():
    assert normalise("2024-25 de-delegation") == "2024-25 de-delegation"


def test_contains_phrase_respects_word_boundaries():
    assert contains_phrase("rose in 2016 to 16 schools", "16")
    assert not contains_phrase("rose in 2016", "16")


def test_relevant_when_the_evidence_is_contained():
    text = "... Scaling to the National\nFunding Formula. Approved: 13 Rejected: 2 Abstained: 1 ..."
    assert is_relevant(QUESTION, "minutes.pdf", text, {})


def test_not_relevant_from_another_document():
    text = "Scaling to the National Funding Formula. Approved: 13 Rejected: 2 Abstained: 1"
    assert not is_relevant(QUESTION, "other.pdf", text, {})


def test_relevant_from_a_byte_identical_copy():
    text = "Scaling to the National Funding Formula. Approved: 13 Rejected: 2 Abstained: 1"
    duplicates = {"minutes.pdf": frozenset({"minutes.pdf", "copy.pdf"})}
    assert is_relevant(QUESTION, "copy.pdf", text, duplicates)


def test_partial_evidence_needs_the_fact_and_most_content_words():
    cut = "National Funding Formula. Approved: 13 Rejected: 2 Abstained: 1"
    assert is_relevant(QUESTION, "minutes.pdf", cut, {})
    assert not is_relevant(QUESTION, "minutes.pdf", "Approved: 13 Rejected: 2 Abstained: 1", {})
    assert not is_relevant(QUESTION, "minutes.pdf", "Scaling to the National Funding Formula.", {})


def test_duplicate_groups_match_identical_bytes_only(tmp_path: Path):
    for name, content in (("a.pdf", b"same"), ("b.pdf", b"same"), ("c.pdf", b"other")):
        (tmp_path / name).write_bytes(content)
    groups = duplicate_groups(sorted(tmp_path.iterdir()))
    assert groups["a.pdf"] == {"a.pdf", "b.pdf"}
    assert groups["c.pdf"] == {"c.pdf"}


def test_windows_cover_the_text_with_overlap():
    text = "".join(chr(ord("a") + i % 26) for i in range(2500))
    chunks = list(windows(text, size=1000, overlap=200))
    assert [len(c) for c in chunks] == [1000, 1000, 900]
    assert chunks[0][-200:] == chunks[1][:200]
    assert chunks[-1].endswith(text[-100:])
    assert list(windows("short")) == ["short"]
