"""Decisions of meetings: one record per recommendation or resolution, with its vote.

Minutes are found by their own header ("Minutes of the Leicestershire Schools' Forum ...",
"MINUTES of a meeting of the Cabinet held ...", "Minutes of the Meeting of the ... Scrutiny
Commission / Held: 22 June 2021"), which names the body and the date; a minutes section
runs to "The meeting closed", the end of the "Date of next meeting" page, or the end of the
document. Inside minutes:

* agenda items are the numbered headings that continue the meeting's own numbering
  (3, 4, 5 ... or 84, 85, 86 ...), so the numbered paragraphs inside an item are not
  taken for items; "(Item 3)" under a heading is the agenda item number;
* a decision is a "Recommendation:", "RESOLVED that ...", "AGREED:", "Decision:" paragraph,
  or "It was agreed that ..."; a lead-in ending with a colon ("RESOLVED that Cabinet agree
  to:", "AGREED:") gives one record per lettered or numbered part;
* a vote line ("Approved: 6 Rejected: 1 Abstained: 0", "For 10, Against 2") belongs to the
  decision just before it;
* the presenter is who the item's text says presented or introduced the report.

Anywhere, a sentence in which a named body decides ("the Scrutiny Committee unanimously
agreed the following motion: a. That ...", "the Committee resolved ... to refer") is a
decision of that body, dated by the sentence or by the last date given for that body.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date

from index.models import Decision
from ingest.models import Line, Page, ParsedDocument

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"])}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", re.I)
MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)

MINUTES_HEADER = re.compile(r"^minutes\s+of\s+(?:the\s+|a\s+)?(?:(?:meeting|proceedings)\s+of\s+(?:the\s+)?)?(.*)$", re.I)
MEETING_CLOSED = re.compile(r"^(?:the\s+)?meeting\s+(?:closed|ended|finished|concluded)\b|^\d*\.?\s*close\s+of\s+(?:the\s+)?meeting\b", re.I)
NEXT_MEETING = re.compile(r"^\d{1,3}\.?\s+date\s+of\s+(?:the\s+)?next\s+meeting\b", re.I)
ITEM_HEADING = re.compile(r"^(\d{1,3})\.?\s+(\S.*)$")
AGENDA_ITEM = re.compile(r"^\(\s*item\s+(\w+)\s*\)\s*(.*)$", re.I)
LABEL = re.compile(
    r"^(?:\d{1,3}\.\s+)?(?P<label>recommendations?(?:\(s\))?|resolved|agreed|decisions?|resolution)\b\s*(?P<colon>:)?\s*(?P<rest>.*)$",
    re.I,
)
IT_WAS = re.compile(r"^(?:\d{1,3}\.\s+)?it\s+was\s+(?:unanimously\s+)?(agreed|resolved|decided|recommended)\b", re.I)
SUB_ITEM = re.compile(r"^\(?([a-zA-Z]|\d{1,2}|[ivx]{1,4})[.)]\s+(?=\S)")
BULLET = re.compile(r"^\s*[•●▪■◦‣∙·○✓]\s*|^[-–*]\s+")
SENTENCE_END = re.compile(r"[.!?;]['\")]?$")
VOTES = re.compile(
    r"\b(?:approved|for|in\s+favour|agreed|yes)\s*[:\-–]?\s*(\d{1,3})\s*[,;]?\s*"
    r"(?:rejected|against|opposed|no|not\s+approved)\s*[:\-–]?\s*(\d{1,3})"
    r"(?:\s*[,;]?\s*(?:abstained|abstentions?|abstain|abstaining)\s*[:\-–]?\s*(\d{1,3}))?",
    re.I,
)
VOTES_PROSE = re.compile(
    r"\b(\d{1,3})\s+votes?\s+(?:for|in\s+favour)?\s*(?:to|and|,)\s*(\d{1,3})\s*(?:votes?\s+)?against"
    r"(?:[^.]*?(\d{1,3}|no)\s+abstentions?)?",
    re.I,
)
BODY_NOUN = r"(?:Forum|Cabinet|Council|Committee|Commission|Board|Panel|Sub-Committee|Executive)"
BODY_DECIDES = re.compile(
    rf"(?P<body>\b(?:[Tt]he\s+)?(?:(?:[A-Z][\w'’&-]*|and|of|for)\s+){{0,8}}{BODY_NOUN}\b|\b[Tt]he\s+(?:forum|committee|commission|board|panel|council|cabinet)\b)"
    r"\s+(?:has\s+|have\s+)?(?P<how>unanimously\s+|formally\s+|then\s+)?"
    r"(?P<verb>agreed|resolved|decided|recommended)\b(?!\s+(?:with|by)\b)",
)
PRESENTED_BY = re.compile(
    r"\b(?:report|item|paper|presentation|update)\s+was\s+(?:presented|introduced|given)(?:\s+to\s+the\s+\w+)?\s+by\s+(?P<who>[^.;]{3,160})",
    re.I,
)
PRESENTER_SUBJECT = re.compile(
    r"^(?P<who>[A-Z][^.;:]{2,160}?)\s+(?:presented|introduced|submitted|provided)\s+(?:the|a|an)\s+"
    r"(?:verbal\s+|written\s+)?(?:report|update|paper|item|presentation)",
)
SMALL_WORDS = frozenset("and of the for to in on with a an & by at or".split())


@dataclass
class _Meeting:
    body: str
    date: str
    item: str = ""
    item_title: str = ""
    item_number: int | None = None  # the heading number, to follow the meeting's numbering
    presenter: str = ""


@dataclass
class _Open:
    """A decision still taking lines."""

    kind: str  # recommendation | resolved | agreed | decision | narrative
    text: str
    page: int
    body: str
    date: str
    lead_in: str = ""  # "RESOLVED that Cabinet agree to:" kept before each part
    outcome: str = ""
    style: str = ""  # how a lead-in's parts are marked: alpha | digit | roman
    parts: int = 0


@dataclass
class _State:
    meeting: _Meeting | None = None
    open: _Open | None = None
    lead_in: _Open | None = None  # a "...:" lead-in whose parts follow
    paragraph: list[str] = field(default_factory=list)
    paragraph_page: int = 0


def extract_decisions(document: ParsedDocument) -> list[Decision]:
    """Every recommendation and resolution of the meetings a document records.

    A layout this reader trips on costs the document its decisions, never its passages.
    """
    try:
        return _Reader(document).read()
    except Exception:  # noqa: BLE001 - logged, and the document is still indexed
        logging.getLogger(__name__).exception("%s: decisions not extracted", document.path)
        return []


def vote_counts(text: str) -> dict[str, int] | None:
    """"Approved: 6 Rejected: 1 Abstained: 0" -> {"approved": 6, "rejected": 1, "abstained": 0}."""
    match = VOTES.search(text or "") or VOTES_PROSE.search(text or "")
    if not match:
        return None
    abstained = match.group(3)
    return {
        "approved": int(match.group(1)),
        "rejected": int(match.group(2)),
        "abstained": 0 if not abstained or abstained.lower() == "no" else int(abstained),
    }


# -- reading -------------------------------------------------------------------------------


class _Reader:
    def __init__(self, document: ParsedDocument) -> None:
        self.document = document
        self.lines = [(page.number, line.text.strip()) for page in document.pages
                      for line in _text_lines(page) if line.text.strip()]
        self.places = _council_places([t for _, t in self.lines] + [document.title, document.path.rsplit("/", 1)[-1]])
        self.state = _State()
        self.decisions: list[Decision] = []
        self.body_dates: dict[str, str] = {}  # last date given for each named body
        self.bodies: list[str] = []  # bodies named so far, latest last
        self.region_end_page = 0
        if document.kind == "minutes" and not any(MINUTES_HEADER.match(t) for _, t in self.lines):
            self.state.meeting = _Meeting(self._body(document.title) or document.title, document.date)

    def read(self) -> list[Decision]:
        index = 0
        while index < len(self.lines):
            index = self._line(index) + 1
        self._flush_paragraph()
        self._close()
        return self.decisions

    def _line(self, index: int) -> int:
        page, text = self.lines[index]
        state = self.state
        meeting = state.meeting
        if meeting and self.region_end_page and page > self.region_end_page:
            self._end_meeting()
            meeting = None
        header = MINUTES_HEADER.match(text)
        if header and len(text.split()) <= 25 and self._header_body(index, header.group(1)):
            return self._start_meeting(index, header.group(1))
        if meeting is not None:
            if MEETING_CLOSED.match(text):
                self._flush_paragraph()
                self._close()
                self.region_end_page = page
                return index
            if NEXT_MEETING.match(text):
                self.region_end_page = page
            heading = self._item_heading(index, text)
            if heading is not None:
                return heading
            votes = vote_counts(text)
            if votes and len(text.split()) <= 14 and _is_vote_line(text):
                self._flush_paragraph()
                self._close()
                self._attach_votes(votes)
                return index
            if state.lead_in is not None and self._part_of_lead_in(text):
                return self._open_part(index, page, text)
            label = LABEL.match(text)
            starts = not state.paragraph or SENTENCE_END.search(state.paragraph[-1]) or state.paragraph[-1].endswith(":")
            if label and starts and text.lstrip("0123456789. ")[:1].isupper() and (
                label.group("colon") or re.match(r"(that|to)\b", label.group("rest"), re.I)
            ):
                self._flush_paragraph()
                self._close()
                self._open_label(label, page)
                return index
            if IT_WAS.match(text) and not state.paragraph:
                self._flush_paragraph()
                self._close()
                outcome = IT_WAS.match(text).group(1).lower()
                state.open = _Open("agreed", _strip_number(text), page, meeting.body, meeting.date, outcome=outcome)
                return index
        if state.lead_in is not None and self._part_of_lead_in(text):
            return self._open_part(index, page, text)
        if state.open is not None:
            if self._continues(state.open, text):
                state.open.text = _join(state.open.text, text)
                return index
            self._close()
            state.lead_in = None
        elif state.lead_in is not None:
            lead = state.lead_in
            if not lead.parts and meeting is not None and text[:1].isupper():
                # "AGREED:" followed by one unnumbered resolution
                lead.parts = 1
                state.open = _Open(lead.kind, text, page, lead.body, lead.date, lead_in=lead.lead_in, outcome=lead.outcome)
                return index
            state.lead_in = None
        # plain text: sentences are read when the paragraph ends
        if BULLET.match(text) or SUB_ITEM.match(text) or ITEM_HEADING.match(text) or (
            state.paragraph and SENTENCE_END.search(state.paragraph[-1]) and text[:1].isupper()
            and len(state.paragraph[-1]) < 0.8 * self._typical()
        ):
            self._flush_paragraph()
            if state.lead_in is not None and self._part_of_lead_in(text):  # "... agreed the following motion:"
                return self._open_part(index, page, text)
        if not state.paragraph:
            state.paragraph_page = page
        state.paragraph.append(text)
        return index

    def _part_of_lead_in(self, text: str) -> bool:
        """A lettered or numbered part of the open lead-in, in the style of its first part."""
        match = SUB_ITEM.match(text)
        if not match:
            return False
        style = _marker_style(match.group(1))
        lead = self.state.lead_in
        return lead.style in ("", style)

    def _open_part(self, index: int, page: int, text: str) -> int:
        self._flush_paragraph()
        self._close()
        lead = self.state.lead_in
        lead.style = lead.style or _marker_style(SUB_ITEM.match(text).group(1))
        lead.parts += 1
        self.state.open = _Open(lead.kind, SUB_ITEM.sub("", text), page, lead.body, lead.date,
                                lead_in=lead.lead_in, outcome=lead.outcome)
        return index

    # -- meetings and items ------------------------------------------------------------------

    def _header_body(self, index: int, rest: str) -> str:
        following = " ".join(t for _, t in self.lines[index + 1: index + 3])
        return self._body(rest) or self._body(f"{rest} {following}")

    def _start_meeting(self, index: int, rest: str) -> int:
        self._flush_paragraph()
        self._close()
        texts = [rest]
        following = index + 1
        found_date = _first_date(rest)
        while not found_date and following < len(self.lines) and following <= index + 4:
            line = self.lines[following][1]
            found_date = _first_date(line)
            if found_date or (len(line.split()) <= 8 and not re.match(r"p\s*r\s*e\s*s\s*e\s*n\s*t|present\b", line, re.I)):
                texts.append(line)
                following += 1
            else:
                break
        body = self._body(" ".join(texts))
        self.state.meeting = _Meeting(body or self._body(self.document.title), found_date or self.document.date)
        self.region_end_page = 0
        self._remember_body(self.state.meeting.body, self.state.meeting.date)
        return following - 1

    def _end_meeting(self) -> None:
        self._flush_paragraph()
        self._close()
        self.state.meeting = None
        self.state.lead_in = None
        self.region_end_page = 0

    def _item_heading(self, index: int, text: str) -> int | None:
        meeting = self.state.meeting
        match = ITEM_HEADING.match(text)
        if not match or not _heading_like(match.group(2)):
            return None
        number = int(match.group(1))
        if meeting.item_number is not None and number != meeting.item_number + 1:
            return None
        self._flush_paragraph()
        self._close()
        self.state.lead_in = None
        title = match.group(2).strip()
        item = match.group(1)
        following = index + 1
        ahead = [t for _, t in self.lines[index + 1: index + 5]]
        marker = next((i for i, t in enumerate(ahead) if AGENDA_ITEM.match(t)), None)
        if marker is not None and not any(LABEL.match(t) or ITEM_HEADING.match(t) for t in ahead[:marker]):
            title = " ".join([title, *ahead[:marker]])  # a long title runs on to "(Item 7)"
            item = AGENDA_ITEM.match(ahead[marker]).group(1)
            following = index + 1 + marker + 1
        while marker is None and following < len(self.lines) and following <= index + 3:
            line = self.lines[following][1]
            agenda = AGENDA_ITEM.match(line)
            if agenda:
                item = agenda.group(1)
                following += 1
                break
            if SENTENCE_END.search(title) or len(line.split()) > 8 or LABEL.match(line) or ITEM_HEADING.match(line):
                break
            if SUB_ITEM.match(line) or BULLET.match(line):
                break
            title = f"{title} {line}"
            following += 1
        meeting.item_number = number
        meeting.item = item
        meeting.item_title = title.rstrip(" .:")
        meeting.presenter = ""
        return following - 1

    # -- decisions ---------------------------------------------------------------------------

    def _open_label(self, label: re.Match, page: int) -> None:
        meeting = self.state.meeting
        word = label.group("label").lower()
        kind = ("recommendation" if word.startswith("recommend") else "resolved" if word.startswith("resol")
                else "agreed" if word == "agreed" else "decision")
        rest = label.group("rest").strip()
        keep_label = not label.group("colon")  # "RESOLVED that ..." is kept as written
        text = _strip_number(label.group(0).strip()) if keep_label else rest
        opened = _Open(kind, text, page, meeting.body, meeting.date)
        if not rest or text.endswith(":"):
            opened.lead_in = text if rest else ""
            self.state.lead_in = opened
            return
        self.state.open = opened

    def _continues(self, opened: _Open, text: str) -> bool:
        if LABEL.match(text) and LABEL.match(text).group("colon"):
            return False
        if BULLET.match(text) or vote_counts(text) and _is_vote_line(text):
            return False
        if SUB_ITEM.match(text) and (self.state.lead_in is not None or SENTENCE_END.search(opened.text)):
            return False
        if ITEM_HEADING.match(text) and SENTENCE_END.search(opened.text):
            return False
        if opened.text.endswith(":"):
            return True
        return not SENTENCE_END.search(opened.text) or text[:1].islower()

    def _close(self) -> None:
        opened = self.state.open
        self.state.open = None
        if opened is None:
            return
        text = " ".join(opened.text.split())
        votes = None
        inline = VOTES.search(text)
        if inline and inline.start() > 20:
            votes = vote_counts(text[inline.start():])
            text = text[: inline.start()].rstrip(" ,;")
        if opened.lead_in:
            text = f"{opened.lead_in} {text}"
        if len(text.split()) < 3:
            return
        meeting = self.state.meeting
        same_meeting = meeting is not None and opened.body == meeting.body
        decision = Decision(
            body=opened.body,
            date=opened.date,
            item=meeting.item if same_meeting else "",
            item_title=meeting.item_title if same_meeting else "",
            text=text,
            page=opened.page,
            votes=votes,
            presenter=meeting.presenter if same_meeting else "",
            outcome=opened.outcome,
        )
        decision.outcome = _outcome(opened.kind, decision)
        self.decisions.append(decision)

    def _attach_votes(self, votes: dict[str, int]) -> None:
        meeting = self.state.meeting
        for decision in reversed(self.decisions):
            if decision.item != meeting.item or decision.body != meeting.body:
                break
            if decision.votes is None:
                decision.votes = votes
                decision.outcome = _outcome("", decision)
            break

    # -- prose -------------------------------------------------------------------------------

    def _flush_paragraph(self) -> None:
        state = self.state
        if not state.paragraph:
            return
        text = " ".join(" ".join(state.paragraph).split())
        page = state.paragraph_page
        state.paragraph = []
        meeting = state.meeting
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z(])", text)
        for sentence in sentences:
            self._note_body_dates(sentence)
            if meeting is not None and not meeting.presenter:
                meeting.presenter = _presenter(_strip_number(sentence))
        for sentence in sentences:
            decided = BODY_DECIDES.search(sentence)
            if not decided or re.search(r"\b(if|whether|would|could|should|may|might)\b[^.]*$", sentence[: decided.start()], re.I):
                continue
            body = self._resolve_body(decided.group("body"))
            if not body:
                continue
            when = _first_date(sentence) or self._date_for(body)
            outcome = decided.group("verb").lower() + (" unanimously" if decided.group("how") and "unanim" in decided.group("how") else "")
            if re.search(r"\bunanimous\b", sentence, re.I) and "unanimously" not in outcome:
                outcome += " unanimously"
            opened = _Open("narrative", _strip_number(sentence), page, body, when, outcome=outcome)
            if sentence.rstrip().endswith(":"):
                opened.lead_in = opened.text
                state.lead_in = opened
            else:
                self.state.open = opened
                self._close()

    def _note_body_dates(self, sentence: str) -> None:
        when = _first_date(sentence)
        for match in re.finditer(rf"(?:(?:[A-Z][\w'’&-]*|and|of|for)\s+){{0,8}}{BODY_NOUN}\b", sentence):
            body = self._body(match.group(0))
            if body and len(body.split()) > 1:  # "the Committee" names no body by itself
                self._remember_body(body, when)

    def _remember_body(self, body: str, when: str) -> None:
        if body in self.bodies:
            self.bodies.remove(body)
        self.bodies.append(body)
        if when:
            self.body_dates[body] = when

    def _resolve_body(self, raw: str) -> str:
        """"the Committee" is the meeting's body or the last committee named; a named body
        is itself."""
        generic = re.fullmatch(r"(?:the\s+)?(forum|committee|commission|board|panel|council|cabinet)", raw.strip(), re.I)
        if generic:
            noun = generic.group(1).lower()
            meeting = self.state.meeting
            if meeting and meeting.body.lower().endswith(noun):
                return meeting.body
            for body in reversed(self.bodies):
                if body.lower().endswith(noun):
                    return body
            return noun.capitalize()
        return self._body(raw)

    def _date_for(self, body: str) -> str:
        meeting = self.state.meeting
        if meeting and meeting.body == body:
            return meeting.date
        return self.body_dates.get(body, "") or self.document.date

    # -- names -------------------------------------------------------------------------------

    def _body(self, text: str) -> str:
        """The body's name as an officer says it: "Schools' Forum", "Cabinet",
        "Children, Young People and Education Scrutiny Commission", "County Council"."""
        text = " ".join((text or "").split())
        text = re.split(r"\s+(?:held|via|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|at\s+\d|on\s+\d)\b|,\s*\d|\s+held:|\s+-\s+", text, maxsplit=1, flags=re.I)[0]
        match = re.search(rf"((?:(?:[A-Za-z][\w'’&-]*|and|of|for),?\s+){{0,9}}{BODY_NOUN.replace('(?:', '(?:').lower()}s?)\b", text, re.I)
        if not match:
            return ""
        name = match.group(1).strip(" ,")
        name = re.split(r"['’]s\s+", name)[-1]  # "The County Council's Cabinet" -> "Cabinet"
        words = name.split()
        # keep only the name: drop a leading "the", "of a meeting of the", "minutes of the"
        lowered = [w.lower() for w in words]
        for stop in ("of", "the", "a"):
            while lowered and lowered[0] in (stop, "minutes", "meeting"):
                words, lowered = words[1:], lowered[1:]
        name = " ".join(words)
        if name.isupper() or sum(1 for w in words if w.isupper() and len(w) > 3) > len(words) / 2:
            name = " ".join(w.lower() if w.lower() in SMALL_WORDS else w.capitalize() for w in name.lower().split())
        for place in self.places:
            if name.startswith(place + " ") and len(name.split()) > 2:
                name = name[len(place) + 1:]
                break
        name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
        return name[:1].upper() + name[1:] if name else ""

    def _typical(self) -> int:
        if not hasattr(self, "_typical_length"):
            lengths = sorted(len(t) for _, t in self.lines) or [80]
            self._typical_length = lengths[int(len(lengths) * 0.9)] if len(lengths) > 1 else lengths[0]
        return self._typical_length


# -- helpers ----------------------------------------------------------------------------------


def _text_lines(page: Page) -> list[Line]:
    return [line for line in page.lines if line.text]


def _marker_style(marker: str) -> str:
    if marker.isdigit():
        return "digit"
    if re.fullmatch(r"[ivx]{2,4}", marker):
        return "roman"
    return "alpha"


def _heading_like(title: str) -> bool:
    """An agenda item's title, not a numbered paragraph: short, title-like, not a sentence
    or a resolution ("That ...", "To note ...")."""
    words = title.split()
    if not words or len(words) > 14 or title.endswith((":", ",")) or words[-1].lower() in SMALL_WORDS:
        return False
    if re.match(r"(that|to|it|in|on|at|members|resolved|agreed|recommendation)\b", title, re.I):
        return False
    if title.isupper():
        return True
    significant = [w for w in words if w.lower() not in SMALL_WORDS and re.match(r"[A-Za-z(]", w)]
    capitalised = [w for w in significant if w.lstrip("(")[:1].isupper()]
    return not significant or len(capitalised) >= 0.5 * len(significant)


def _is_vote_line(text: str) -> bool:
    return bool(re.match(r"^\W*(?:votes?\W*)?(?:approved|for|in favour|agreed|yes)\b", text, re.I))


def _outcome(kind: str, decision: Decision) -> str:
    votes = decision.votes
    if votes:
        return "approved" if votes["approved"] > votes["rejected"] else "rejected"
    if decision.outcome:
        return decision.outcome
    if kind == "recommendation":
        return "noted" if re.search(r"\bnotes?\b", decision.text, re.I) else "recommended"
    return {"resolved": "resolved", "agreed": "agreed", "decision": "decided"}.get(kind, kind)


def _presenter(sentence: str) -> str:
    match = PRESENTED_BY.search(sentence)
    if match:
        return match.group("who").strip(" ,")
    match = PRESENTER_SUBJECT.match(sentence)
    if match and len(match.group("who").split()) <= 20:
        return match.group("who").strip(" ,")
    return ""


def _council_places(texts: list[str]) -> list[str]:
    """Places a body's name may start with: "Leicestershire" (from "Leicestershire County
    Council", or any "-shire"), "Kent", "Leicester"."""
    places = set()
    for text in texts:
        for match in re.finditer(r"\b([A-Z][a-z]+)(?:\s+City)?\s+(?:County|City|Borough|District)\s+Council\b", text):
            places.add(match.group(1))
        for match in re.finditer(r"\b([A-Z][a-z]+shire)\b", text):
            places.add(match.group(1))
    return sorted(places, key=len, reverse=True)


def _first_date(text: str) -> str:
    for pattern, order in ((DAY_MONTH_YEAR, "dmy"), (MONTH_DAY_YEAR, "mdy")):
        match = pattern.search(text or "")
        if match:
            parts = match.groups()
            day, month, year = (parts[0], parts[1], parts[2]) if order == "dmy" else (parts[1], parts[0], parts[2])
            try:
                return date(int(year), MONTHS[month.lower()], int(day)).isoformat()
            except ValueError:
                continue
    return ""


def _strip_number(text: str) -> str:
    return re.sub(r"^\s*(?:\d{1,3}\.|\(?[a-z]\)|[a-z]\.)\s+", "", text or "").strip()


def _join(first: str, second: str) -> str:
    if first.endswith("-") and first[-2:-1].isalpha() and second[:1].islower():
        return first[:-1] + second
    return f"{first} {second}"
