"""Theme tags of commitments (EHCP, inclusion, sufficiency, ...): a table, each row a tag and the
words that mark it in a commitment's priority title, row theme or text."""

from __future__ import annotations

import re

# Theme tags: (tag, pattern over priority title + row theme + text).
THEMES: list[tuple[str, re.Pattern]] = [
    ("EHCP", re.compile(r"\bEHC\s*Ps?\b|\bEHCPs?\b|education,? health and care plans?|\bannual reviews?\b|\bSES\b", re.I)),
    ("inclusion", re.compile(r"\binclusi(?:on|ve)\b|\bBERA\b|best endeavours|reasonable adjustments?|quality first teaching", re.I)),
    ("sufficiency", re.compile(r"sufficien|\b(?:school|pupil|education(?:al)?|DSP|SEMH|nursery)\s+places?\b|\bplaces\b|place planning|free schools?|admission|surplus|\bcapacity\b", re.I)),
    ("preparation for adulthood", re.compile(r"adulthood|\bPfA\b|transition|post[- ]?1[69]\b|over the age of 19|employment|apprenticeship|destination|youth unemployment|independent travel", re.I)),
    ("early years", re.compile(r"early years|\bEYFS\b|under 5|under-fives|nursery|early education|readiness for school|ready for school|year olds\b|earliest years|developmental milestones", re.I)),
    ("coproduction", re.compile(r"co-?produc|participation|\bviews\b|\bvoice\b|feedback from|engagement|involved in shaping|parent carer forum", re.I)),
    ("early identification", re.compile(r"early (?:help|identification|intervention)|identify early|early support|fall behind", re.I)),
    ("attendance and exclusion", re.compile(r"attendance|exclusion|missing (?:out on )?education|not attending|home educat|fair access|medical education", re.I)),
    ("school improvement", re.compile(r"school improvement|attainment|ofsted|underperform|leadership|governor|governance|teaching school|early career framework|curriculum", re.I)),
    ("mental health", re.compile(r"mental health|\bSEMH\b|wellbeing|social,? emotional", re.I)),
    ("funding", re.compile(r"high needs|funding|budget|element 3|top-up|use of resources|value for money|grant", re.I)),
    ("commissioning", re.compile(r"commission", re.I)),
    ("transport", re.compile(r"transport|travel training|\bPTBs?\b", re.I)),
    ("short breaks", re.compile(r"short breaks|respite", re.I)),
    ("speech and language", re.compile(r"speech|language and communication|communication skills", re.I)),
    ("workforce", re.compile(r"workforce|training offer|recruit|practitioners|professional development", re.I)),
    ("information and advice", re.compile(r"local offer|information and advice|information, advice", re.I)),
    ("quality assurance", re.compile(r"quality assur|\bQA\b|moderation|compliant|compliance", re.I)),
    ("assistive technology", re.compile(r"assistive technology", re.I)),
    ("personal budgets", re.compile(r"personal (?:transport )?budgets?|direct payments", re.I)),
    ("special schools", re.compile(r"special schools?|\bDSPs?\b|specialist provision|out of authority|independent specialist", re.I)),
    ("partnership", re.compile(r"partnership|joint working|work jointly|integrated care", re.I)),
]


def themes_for(*texts: str) -> list[str]:
    """The theme tags that a commitment's priority title, row theme and text mention."""
    joined = " ".join(t for t in texts if t)
    return [tag for tag, pattern in THEMES if pattern.search(joined)]
