"""Commitment, vote and plan-action questions answered from the records the ingest extracted.

"What are we doing in year 2 on EHCPs?", "list the commitments under priority 3 of the
SEND strategy" and "how did Schools Forum vote on de-delegation?" have exact answers:
the strategy's commitments for that priority and year, the recommendation with its
"Approved: N Rejected: N Abstained: N" line. A question is routed here by its words
(commit/priority/year/strategy, vote); the filters it names (priority, year, strategy,
body, period) select records, its remaining words rank them, and each record is cited
by its document and page. If nothing matches well enough, the passage route answers.
Action questions ("which APP actions are still red?", "who leads the post-19 health action?",
"what's overdue in the WSoA plan?") are answered from the plans' actions with their lead,
deadline and status as the plan states them; a plan that states no status is said to.
"What happened to our commitment to 100 extra DSP places?" is answered with the commitment and
what later documents report on it (answer.progress), a status only where one is stated.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from answer import timewords
from answer.cite import citation_for
from answer.models import Answer, Citation
from answer.progress import find_progress
from answer.prompts import CANNOT_ANSWER
from answer.question import QuestionInfo
from errors import BadFilter
from index.models import NONE_STATED, Action, Commitment, Decision, Hit
from index.records import find_actions, find_commitments, find_decisions
from index.vocab import Vocabulary
from text.statuses import STATUS
from text.words import content_terms, stem, term_set

NUMBER = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})"
PRIORITY = re.compile(rf"\bpriority\s+({NUMBER})\b", re.I)
YEAR = re.compile(
    rf"\b(?:year\s+{NUMBER}|(?:first|second|third|fourth) year|(?:19|20)\d\d\s*[-/]\s*\d{{2,4}})\b", re.I
)
COMMITMENT = re.compile(
    r"\bcommit\w*|\bpromis\w*|\bwhat (?:are|is|will) (?:we|the council) (?:doing|planning|do)\b|"
    r"\bplann\w* (?:for|in)\b",
    re.I,
)
STRATEGY = re.compile(r"\bstrateg(?:y|ies)\b|\bplan\b", re.I)
LIST = re.compile(
    r"\blist\b|\bwhat are (?:all )?the\b|\ball (?:the )?commitments\b|\bwhat are we doing\b", re.I
)
VOTE = re.compile(r"\bvot(?:e|ed|es|ing)\b", re.I)
# What became of a commitment: "what happened to our commitment to ...", "did we deliver ...",
# "progress on the promise to ...". Routed here only when a commitment matches the rest.
PROGRESS_ASKED = re.compile(
    r"\bwhat(?:'s| has| have)? (?:happened|became|become) (?:to|of|with)\b|\bprogress (?:on|with|against|of)\b|"
    r"\b(?:did|have|has) (?:we|the council|they) (?:deliver|delivered|do|done|achieve|achieved|meet|met|keep|kept)\b|"
    r"\bwhere are we (?:on|with)\b|\bhow far\b",
    re.I,
)
ACTION = re.compile(r"\bactions?\b|\boverdue\b", re.I)
OWNER = re.compile(r"\bwho(?:'s| is| are)? (?:lead|leads|leading|owns|responsible)\b|\b(?:lead|owner) (?:for|of|on)\b", re.I)
OVERDUE = re.compile(r"\boverdue\b|\bpast (?:its|their|the) (?:deadline|due date)\b|\blate\b", re.I)
DONE = re.compile(r"\bcomplete|\bsigned off\b|\bclosed\b|\bdone\b|\bachieved\b|\bdelivered\b", re.I)
# Words that route or filter, so they are not asked of a record's own text.
ROUTING_WORDS = set(
    content_terms(
        "commit commits commitment commitments committed promise doing planning plan strategy strategies priority "
        "priorities year years list vote voted votes voting count forum cabinet committee council"
    )
)
# Words that route a question to plan actions, so they are not asked of an action's own text.
ACTION_ROUTING = "action actions lead leads leading owner owns responsible status still overdue late due deadline rag"
MIN_MATCH = 0.4  # weighted share of the question's other words the best record must hold
CLOSE_TO_BEST = 0.8  # further records kept when they match nearly as well
MAX_LISTED = 12  # commitments listed before "and N more"
MAX_ANSWERS = 3  # records quoted for a question that asks for one thing
MAX_PROGRESS = 2  # commitments followed up for a "what happened to ..." question


def answer_from_records(searcher, info: QuestionInfo, vocabulary: Vocabulary) -> Answer | None:
    """An answer from commitment or decision records, or None to let passages answer.

    The filters come from the question's own words, so one the records cannot read
    ("2020-23", a strategy's whole span) sends the question to the passages, not back
    to the user as an error.
    """
    text = info.text
    filtered = PRIORITY.search(text) or _academic_year(text)
    try:
        if VOTE.search(text):
            return _decisions(searcher, info, vocabulary)
        if PROGRESS_ASKED.search(text):
            answer = _progress(searcher, info, vocabulary)
            if answer is not None:
                return answer
        if ACTION.search(text):
            answer = _actions(searcher, info, vocabulary)
            if answer is not None:
                return answer
        if (
            COMMITMENT.search(text)
            and (filtered or STRATEGY.search(text))
            or (filtered and STRATEGY.search(text))
        ):
            return _commitments(searcher, info, vocabulary)
    except BadFilter:
        return None
    return None


def _academic_year(text: str) -> str:
    """ "Year Two", "year 2", "2022-23", "2022/2023": one year of a strategy, not its span."""
    for match in YEAR.finditer(text):
        span = re.match(r"((?:19|20)\d\d)\s*[-/]\s*(\d{2,4})", match.group(0))
        if not span or int(span.group(2)[-2:]) == (int(span.group(1)) + 1) % 100:
            return match.group(0)
    return ""


def _commitments(searcher, info: QuestionInfo, vocabulary: Vocabulary) -> Answer | None:
    priority = PRIORITY.search(info.text)
    records = find_commitments(
        searcher,
        strategy=_named(info.text, {c.strategy for c in find_commitments(searcher)}),
        priority=priority.group(1) if priority else None,
        year=_academic_year(info.text) or None,
    )
    titles = _titles(searcher)
    ranked = _rank(
        info,
        vocabulary,
        records,
        lambda c: " ".join([c.text, c.priority_title, *c.themes, c.year, titles.get(c.doc, ("", ""))[0], c.doc]),
        slots=" ".join(filter(None, [priority.group(0) if priority else "", _academic_year(info.text)])),
    )
    if ranked is None or ranked.lacking:
        return None
    wanted = LIST.search(info.text) or not ranked.topic
    kept = ranked.all_matching(MAX_LISTED) if wanted else ranked.best(MAX_ANSWERS)
    lines, citations = [], _Citations(searcher)
    for commitment in kept:
        label = ", ".join(
            p
            for p in (
                f"{commitment.strategy} strategy" if commitment.strategy else "",
                f"priority {commitment.priority}" if commitment.priority is not None else "",
                commitment.year_label or commitment.year,
            )
            if p
        )
        n = citations.add(commitment.doc, commitment.page, commitment.priority_title, commitment.text)
        lines.append(f"{label}: {commitment.text} [{n}]" if label else f"{commitment.text} [{n}]")
    more = len(ranked.all_matching(len(records))) - len(kept) if wanted else 0
    if more > 0:
        lines.append(f"... and {more} more commitments on the same pages.")
    return Answer(question=info.text, text="\n".join(lines), found=True, citations=citations.list)


def _progress(searcher, info: QuestionInfo, vocabulary: Vocabulary) -> Answer | None:
    """The commitment the question names, and what later documents of its council report on it."""
    records = find_commitments(searcher, strategy=_named(info.text, {c.strategy for c in find_commitments(searcher)}))
    asked = PROGRESS_ASKED.search(info.text)
    ranked = _rank(info, vocabulary, records, lambda c: " ".join([c.text, c.priority_title, *c.themes]),
                   slots=asked.group(0) if asked else "")  # fmt: skip
    if ranked is None or ranked.lacking or not ranked.topic:
        return None
    lines, citations = [], _Citations(searcher)
    for item in find_progress(searcher, ranked.best(MAX_PROGRESS)):
        c = item.commitment
        n = citations.add(c.doc, c.page, c.priority_title, c.text)
        lines.append(f"{_strategy_name(c.strategy)} committed to: {c.text} [{n}]")
        if not item.links:
            lines.append("No later document of the same council reports on it.")
        for link in item.links:
            m = citations.add(link.doc, link.page, "", link.quote)
            stated = f" (it states: {link.status})" if link.status else " (it states no status)"
            lines.append(f"{link.title or link.doc}, {link.date}{stated}: {link.quote} [{m}]")
    return Answer(question=info.text, text="\n".join(lines), found=True, citations=citations.list)


def _strategy_name(name: str) -> str:
    """ "SEND" -> "The SEND strategy"; a name that says what it is stays as it is."""
    if re.search(r"\b(?:strateg(?:y|ies)|plan)\b", name, re.I):
        return name
    return f"The {name} strategy" if name else "The strategy"


def _decisions(searcher, info: QuestionInfo, vocabulary: Vocabulary) -> Answer | None:
    when = timewords.scope(info.text)
    records = find_decisions(
        searcher,
        body=_named(info.text, {d.body for d in find_decisions(searcher)}),
        date_from=when.date_from or None,
        date_to=when.date_to or None,
    )
    voted = [d for d in records if d.votes]
    titles = _titles(searcher)
    ranked = _rank(
        info,
        vocabulary,
        voted,
        lambda d: (
            f"{d.text} {d.item_title} {d.body} {d.date} {_month(d.date)} {titles.get(d.doc, ('', ''))[0]} {d.doc}"
        ),
    )
    if ranked is None or not ranked.topic:
        return None
    if ranked.lacking:  # votes on the subject, but none for that year, body or meeting
        return Answer(question=info.text, text=CANNOT_ANSWER, found=False)
    lines, citations = [], _Citations(searcher)
    for decision in ranked.best(MAX_ANSWERS):
        line = f"{decision.text} {decision.vote_line()}"
        n = citations.add(decision.doc, decision.page, decision.item_title, line)
        where = ", ".join(p for p in (decision.body, decision.date, decision.item_title) if p)
        lines.append(f"{where}: {line} [{n}]")
    return Answer(question=info.text, text="\n".join(lines), found=True, citations=citations.list)


def _actions(searcher, info: QuestionInfo, vocabulary: Vocabulary) -> Answer | None:
    """The plan actions the question asks about: of the plan it names (by name or initials), with
    the status it names ("red", "on track"), past their deadline if it asks what is overdue, and
    about its other words; None when no plan's actions fit, so passages answer instead."""
    everything = find_actions(searcher)
    plan, naming = _named_plan(info, {a.plan for a in everything})
    status = next((m for m in STATUS.finditer(info.text) if not OVERDUE.fullmatch(m.group(0))), None)
    overdue = OVERDUE.search(info.text)
    if plan is None and not (status or overdue or OWNER.search(info.text)):
        return None  # "the LLR joint commissioning action plan": a plan whose actions are not indexed
    records = [a for a in everything if plan is None or a.plan == plan]
    if not records:
        return None
    if status:
        records = [a for a in records if a.status and re.search(rf"\b{re.escape(status.group(0))}", a.status, re.I)]
    if overdue:
        today = dt.date.today().isoformat()
        records = [a for a in records if a.due_date and a.due_date < today and not DONE.search(a.status)]
    slots = " ".join(filter(None, [status.group(0) if status else "", plan or "", naming]))
    ranked = _rank(info, vocabulary, records, lambda a: " ".join([a.action, a.area, a.owner, a.plan]),
                   slots=f"{slots} {ACTION_ROUTING}")
    if status and not records and plan is not None:
        return _no_status_found(searcher, info, [a for a in everything if a.plan == plan], status.group(0))
    if ranked is None or ranked.lacking:
        return None
    kept = ranked.all_matching(MAX_LISTED) if LIST.search(info.text) or not ranked.topic else ranked.best(MAX_ANSWERS)
    lines, citations = [], _Citations(searcher)
    if overdue:
        lines.append(f"Past their deadline on {dt.date.today():%d %B %Y} and not stated as complete:")
    for action in kept:
        n = citations.add(action.doc, action.page, action.plan, action.action)
        lines.append(f"{action_line(action)} [{n}]")
    more = len(ranked.all_matching(len(records))) - len(kept)
    if more > 0:
        lines.append(f"... and {more} more actions.")
    return Answer(question=info.text, text="\n".join(lines), found=True, citations=citations.list)


def action_line(action: Action) -> str:
    """An action with its lead, deadline and status as its plan states them."""
    parts = [f"{action.plan}, action {action.ref}: {action.action}" if action.ref else f"{action.plan}: {action.action}",
             f"Lead: {action.owner}" if action.owner else "", f"Due: {action.due}" if action.due else "",
             f"Status: {action.status or NONE_STATED}"]
    return ". ".join(p.rstrip(".") for p in parts if p) + "."


def _no_status_found(searcher, info: QuestionInfo, actions: list[Action], status: str) -> Answer:
    """None of the plan's actions has the status asked for: what the plan does state, cited."""
    stated = sorted({a.status for a in actions if a.status})
    plan, citations = actions[0].plan, _Citations(searcher)
    n = citations.add(actions[0].doc, actions[0].page, plan, actions[0].action)
    if not stated:
        text = f"{plan} states no status for any of its {len(actions)} actions: its status cells are empty [{n}]."
    else:
        text = f"No action of {plan} is stated as {status}; the statuses it states are: {', '.join(stated)} [{n}]."
    return Answer(question=info.text, text=text, found=True, citations=citations.list)


def _named_plan(info: QuestionInfo, plans: set[str]) -> tuple[str | None, str]:
    """The plan the question names, and the words that named it: every content word of its name,
    or its initials as an acronym ("APP", "WSoA")."""
    asked = term_set(info.text)
    acronyms = {a.lower() for a in info.acronyms} | {w.lower() for w in re.findall(r"\b[A-Z][A-Za-z]{1,6}\b", info.text)
                                                     if sum(c.isupper() for c in w) >= 2}
    fitting: dict[str, str] = {}
    for plan in plans:
        initials = "".join(word[0] for word in re.findall(r"[A-Za-z][\w'-]*", plan)).lower()
        named = set(content_terms(plan))
        by_initials = [a for a in acronyms if len(a) >= 2 and initials.startswith(a)]
        if (named and named <= asked) or by_initials:
            fitting[plan] = " ".join(by_initials)
    if not fitting:
        return None, ""
    plan = max(fitting, key=len)
    return plan, fitting[plan]


def _named(question: str, names: set[str]) -> str | None:
    """The longest record name (strategy or body) whose every word the question uses."""
    asked = term_set(question)
    fitting = [name for name in names if name and set(content_terms(name)) <= asked]
    return max(fitting, key=len) if fitting else None


class _Ranked:
    def __init__(self, scored: list[tuple[float, Commitment | Decision]], topic: bool, lacking=()) -> None:
        self.scored = scored
        self.topic = topic  # whether the question had words beyond its filters
        self.lacking = list(lacking)  # names/numbers every record on the subject lacks

    def best(self, limit: int) -> list:
        top = self.scored[0][0]
        return [r for score, r in self.scored if score >= top * CLOSE_TO_BEST][:limit]

    def all_matching(self, limit: int) -> list:
        return [r for score, r in self.scored if score > 0 or not self.topic][:limit]


def _rank(
    info: QuestionInfo, vocabulary: Vocabulary, records: list, text_of, slots: str = ""
) -> _Ranked | None:
    """Records ordered by the weighted share of the question's non-filter words they hold.

    A record that lacks one of the question's names or numbers ("2025-26", "Kent") is not
    an answer to it (acronyms only count towards the share: a strategy may write "home
    education" for EHE), however many other words it shares; when the only records on
    the question's subject all lack one, `lacking` says which. `slots` are the question's
    words already applied as filters ("priority 3", "year two").
    """
    if not records:
        return None
    names = term_set(" ".join({getattr(r, "strategy", "") or getattr(r, "body", "") for r in records}))
    filters = ROUTING_WORDS | names | set(content_terms(slots))
    topic = {t: vocabulary.idf(w) for t, w in info.terms.items() if t not in filters}
    acronyms = {stem(a) for a in info.acronyms}
    required = [t for t in info.salient if t in topic and t not in acronyms]
    total = sum(topic.values()) or 1.0
    scored, lacking = [], []
    for record in records:
        words = term_set(text_of(record))
        share = sum(w for t, w in topic.items() if info.matches(t, words)) / total
        missing = [info.terms[t] for t in required if not info.matches(t, words)]
        if not missing:
            scored.append((share, record))
        elif share >= MIN_MATCH:
            lacking += [m for m in missing if m not in lacking]
    if not scored:
        return _Ranked([], topic=bool(topic), lacking=lacking) if lacking else None
    if not topic:
        return _Ranked([(1.0, r) for _, r in scored], topic=False)
    scored.sort(key=lambda pair: -pair[0])
    if scored[0][0] < MIN_MATCH:
        return None
    return _Ranked(scored, topic=True)


def _month(iso: str) -> str:
    """ "2024-02-13" -> "February Feb", so "in Feb 2024" meets the meeting's date."""
    if len(iso) < 7 or not iso[5:7].isdigit():
        return ""
    month = int(iso[5:7])
    return f"{calendar.month_name[month]} {calendar.month_abbr[month]}"


def _titles(searcher) -> dict[str, tuple[str, str]]:
    """Each document's title and date, by file name."""
    return {d.doc: (d.title, d.date) for d in searcher.documents()}


class _Citations:
    """One citation per (document, page), numbered in order of first use."""

    def __init__(self, searcher) -> None:
        self.titles = _titles(searcher)
        self.numbers: dict[tuple[str, int], Citation] = {}

    def add(self, doc: str, page: int, section: str, quote: str) -> int:
        key = (doc, page)
        if key not in self.numbers:
            title, date = self.titles.get(doc, (doc, ""))
            hit = Hit(0, 0.0, quote, doc, title, page, page, section, "", date or "")
            self.numbers[key] = citation_for(len(self.numbers) + 1, hit, quote)
        else:
            self.numbers[key].quote += f" … {quote}"
        return self.numbers[key].n

    @property
    def list(self) -> list[Citation]:
        return list(self.numbers.values())
