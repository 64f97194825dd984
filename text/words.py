"""Words as search and the answerer compare them: one tokeniser and one light stemmer for all.

Ranking passages by their best unit, selecting sentences, deciding to refuse and checking a
model's reply all ask "does this text say the same words as that one?"; they must agree on what a word is, so the rule
lives here once. Numbers keep their inner '.', ',' and '%' so "£1.68" never matches "1".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Words that carry no evidence: grammar, question words, and the filler staff put
# around a question ("roughly", "according to the report").
STOPWORDS = frozenset(
    """a about above according across after again against all along also although am among an and
    another any approximately are around as at be because been before being below between both
    but by can could did do does doing done during each either else etc even ever
    every for from further get gets give given go going got had has have having he her here hers him
    his how however i if in into is it its itself just let like made make many may me
    might more most much must my near nearly no nor now of off on once only or other
    our ours out over own per please put rather re roughly said same say says see she should show
    since so some soon still such tell than that the their theirs them themselves then there these
    they this those though through thus to too under until up upon us very via was we were what
    whats when where whether which while who whom whose why will with within without would yet you
    your yours approx approximate exactly s""".split()
)

_TOKEN = re.compile(r"[£$]?\d+(?:[.,:/]\d+)*%?|[A-Za-z][A-Za-z0-9'’\-]*[A-Za-z0-9]|[A-Za-z]")
_NUMBER = re.compile(r"^[£$]?\d")
_POSSESSIVE = re.compile(r"'s$", re.I)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "−": "-"})
SMALL_WORDS = frozenset("of and the in for to on at with a an".split())  # skipped when spelling acronyms
NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "first": "1",
    "second": "2",
    "third": "3",
}


def clean(text: str) -> str:
    """Unicode-normalised text with straight quotes and dashes, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """Word and number tokens as written (case kept), hyphenated words kept whole, "'s" dropped."""
    return [_POSSESSIVE.sub("", token) for token in _TOKEN.findall(clean(text))]


def is_number(token: str) -> bool:
    return bool(_NUMBER.match(token))


def number_key(token: str) -> str:
    """A number as compared: no currency sign, no thousands commas, no trailing '%'."""
    return token.lstrip("£$").replace(",", "").rstrip("%").rstrip(".")


@lru_cache(maxsize=1 << 18)  # words repeat: search stems every candidate passage's words
def stem(word: str) -> str:
    """A deliberately light stemmer: plurals, possessives and common verb endings.

    Light on purpose: it only has to make "schools" meet "school" and "presented" meet
    "present"; a heavy stemmer would also merge words staff keep apart ("provision"/"provider").
    """
    if is_number(word):
        return number_key(word)
    if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
        return word[:-1].lower()  # "EHCPs" -> "ehcp"
    w = word.lower().replace("'", "")
    for suffix, replacement in (
        ("ies", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("es", "e"),
        ("s", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                return w
            w = w[: len(w) - len(suffix)] + replacement
            break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]  # "planned" -> "plann" -> "plan"
    return w


def split_hyphens(token: str) -> list[str]:
    """In a text, 'de-delegation' counts as itself and its parts, so 'delegation' meets it."""
    if "-" in token and not is_number(token):
        parts = [p for p in token.split("-") if p]
        return [token, *parts] if len(parts) > 1 else parts
    return [token]


def content_terms(text: str) -> dict[str, str]:
    """The words that carry meaning: stem -> the word as first written, in order.

    A hyphenated word is one term ("de-delegation"), so it does not count three times.
    """
    seen: dict[str, str] = {}
    for token in tokens(text):
        low = token.lower()
        if low in STOPWORDS or (len(low) < 2 and not is_number(low)):
            continue
        seen.setdefault(NUMBER_WORDS.get(low, stem(token)), token)
    return seen


def term_set(text: str) -> set[str]:
    """Every stem in a text (stop words included), with number words also as digits."""
    out: set[str] = set()
    for token in tokens(text):
        out.update(_token_stems(token))
    return out


@lru_cache(maxsize=1 << 18)
def _token_stems(token: str) -> tuple[str, ...]:
    stems = []
    for part in split_hyphens(token):
        stems.append(stem(part))
        if part.lower() in NUMBER_WORDS:
            stems.append(NUMBER_WORDS[part.lower()])
    return tuple(stems)


def numbers(text: str) -> set[str]:
    """The numbers a text states, as compared (£1,200 == 1200)."""
    return {number_key(t) for t in tokens(text) if is_number(t)}


def spelled_out(acronym: str, text: str) -> str:
    """The words of the text that spell the acronym out ("SEND Provision in Leicestershire"
    for SPIL), small words allowed in between; empty when the text does not expand it."""
    letters = acronym.upper()
    words = re.findall(r"[A-Za-z][A-Za-z'\-]*", text)
    for start, first in enumerate(words):
        if first[0].upper() != letters[0] or first.upper() == letters:
            continue
        index, matched = start, ""
        while index < len(words) and len(matched) < len(letters):
            word = words[index]
            initial = word[0].upper()
            if initial == letters[len(matched)]:
                matched += initial
            elif word.lower() not in SMALL_WORDS:
                break
            index += 1
        if matched == letters and len(letters) >= 2:
            return " ".join(words[start:index])
    return ""
