"""Years and numbers as officers and documents write them: "2022-2023", "2022/23", "22-23",
"Year Two", "year 2", "second year", "Y2"; "two", "second" -> 2."""

from __future__ import annotations

import re

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
}
NUMBER_PATTERN = r"(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")"  # a number in digits or words, as a group

# Years as printed: "2021-2022", "2021- 2022", "2022/23", "22-23"; and relative ones.
ABSOLUTE_YEAR = re.compile(r"(?<!\d)((?:19|20)?\d{2})\s*[-/–]\s*((?:19|20)?\d{2})(?!\d)")
RELATIVE_YEAR = re.compile(rf"\byear\s*{NUMBER_PATTERN}\b|\b(first|second|third|fourth|fifth)\s+year\b|\bY([1-5])\b", re.I)


def academic_year(text: str, strategy_years: list[str] | None = None) -> str:
    """"Year Two (2022-2023)", "2022/23", "22-23" -> "2022-2023"; "Year 2" via the strategy's
    own years; "" when the text names no year."""
    match = ABSOLUTE_YEAR.search(text or "")
    if match:
        start, end = _full_year(match.group(1)), match.group(2)
        end_year = _full_year(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if end_year == start + 1:
            return f"{start}-{end_year}"
    relative = relative_year(text)
    if relative and strategy_years and relative <= len(strategy_years):
        return sorted(strategy_years)[relative - 1]
    return ""


def relative_year(text: str) -> int:
    """"Year Two", "year 2", "second year", "Y2" -> 2; 0 when the text has none."""
    match = RELATIVE_YEAR.search(text or "")
    if not match:
        return 0
    return number_value(next(g for g in match.groups() if g))


def number_value(word: str) -> int:
    """ "3", "three", "third" -> 3: a number NUMBER_PATTERN matched."""
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _full_year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)
