"""Who a search is for, as document access sees it: a Slack channel, or a person with their user groups.

Each indexed document carries the principals that may see it (`ingest.access` works them
out from the admin's rules at ingest); a document with none is public to the workspace.
An audience sees a document when it is public or when the two share a principal. The
command line, run by an admin on the server, sees everything (`EVERYONE`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CHANNEL, USER, USERGROUP = "channel", "user", "usergroup"
# The first letter of a Slack ID says what it names (a private channel's may be G, an
# enterprise user's W).
ID_KINDS = {"C": CHANNEL, "G": CHANNEL, "U": USER, "W": USER, "S": USERGROUP}


def principal(kind: str, slack_id: str) -> str:
    """The token a document's access and an audience share: "channel:C0SENDLEADS"."""
    return f"{kind}:{slack_id}"


@dataclass(frozen=True)
class Audience:
    principals: frozenset[str] = frozenset()
    everything: bool = False

    def sees(self, access: frozenset[str]) -> bool:
        return self.everything or not access or bool(access & self.principals)

    @classmethod
    def channel(cls, channel_id: str) -> Audience:
        return cls(frozenset({principal(CHANNEL, channel_id)}))

    @classmethod
    def person(cls, user_id: str, usergroups: frozenset[str] | set[str] = frozenset()) -> Audience:
        return cls(frozenset({principal(USER, user_id)} | {principal(USERGROUP, g) for g in usergroups}))

    @classmethod
    def of_id(cls, slack_id: str, usergroups: frozenset[str] | set[str] = frozenset()) -> Audience:
        """A channel, a user (with the user groups given) or a member of one user group, by its ID."""
        kind = ID_KINDS.get(slack_id[:1].upper())
        if kind == CHANNEL:
            return cls.channel(slack_id)
        if kind == USER:
            return cls.person(slack_id, usergroups)
        if kind == USERGROUP:
            return cls(frozenset({principal(USERGROUP, slack_id)}))
        raise ValueError(f'"{slack_id}" is not a Slack channel (C...), user (U...) or user group (S...) ID')


def usergroups_named(accesses: Iterable[frozenset[str]]) -> set[str]:
    """The user groups some document is open to: the only ones worth asking Slack about."""
    prefix = f"{USERGROUP}:"
    return {p[len(prefix) :] for access in accesses for p in access if p.startswith(prefix)}


PUBLIC = Audience()  # a channel no rule names, or one shared with another organisation
EVERYONE = Audience(everything=True)  # the command line on the server: an admin
