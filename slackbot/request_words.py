"""What a message asks for: a question, a record listing, help, the index status or an ingest.

The same words work everywhere: "@sendbot commitments SEND priority 2", "/sendbot
commitments SEND priority 2" and "commitments SEND priority 2" typed in the terminal chat.
Anything that is not one of the command words is a question.
"""

from __future__ import annotations

from dataclasses import dataclass

ASK = "ask"
COMMITMENTS = "commitments"
DECISIONS = "decisions"
ACTIONS = "actions"
HELP = "help"
STATUS = "status"
INGEST = "ingest"

# Words that start a record listing (the rest are its filters).
LISTING_WORDS = {"commitments": COMMITMENTS, "commitment": COMMITMENTS}
LISTING_WORDS |= {"decisions": DECISIONS, "decision": DECISIONS}
LISTING_WORDS |= {"actions": ACTIONS}
# Words that are a command only when they are the whole message ("help with transport?" is a question).
ALONE_WORDS = {"help": HELP, "?": HELP, "status": STATUS, "ingest": INGEST}


@dataclass(frozen=True)
class Request:
    verb: str
    text: str = ""  # the question, or the filter words of a listing
    page: int = 1  # for listings: which page of records


def parse_request(text: str, page: int = 1) -> Request:
    words = text.strip().split(maxsplit=1)
    if not words:
        return Request(HELP)
    first = words[0].lower().rstrip(":")
    rest = words[1].strip() if len(words) > 1 else ""
    if first in LISTING_WORDS:
        return Request(LISTING_WORDS[first], rest, page)
    if first == ASK:
        return Request(ASK, rest) if rest else Request(HELP)
    if not rest and first in ALONE_WORDS:
        return Request(ALONE_WORDS[first])
    return Request(ASK, text.strip())
