"""Which documents a Slack conversation's answers may come from (index.audience).

In a channel, and in every thread of it however the thread started, the bot answers from
what the channel may see, whoever asks: everyone in the channel reads the reply. A
channel shared with another organisation (Slack Connect) sees only public documents,
whatever the rules name, as its outside members are not the council's. A DM sees what
its person may see, directly or through their user groups. Slack is asked with
`conversations.info` and `usergroups.users.list`, each answer kept for a few minutes;
when Slack cannot say, the narrower answer is taken.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from errors import SendBotError
from index.audience import PUBLIC, Audience
from slackbot.policy import is_direct_message

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0  # a membership or sharing change reaches the bot within five minutes


class AudienceResolver:
    def __init__(self, usergroups: Callable[[], set[str]]) -> None:
        """`usergroups` lists the groups some document is open to: the only ones worth asking about."""
        self.usergroups = usergroups
        self._cache: dict[tuple[str, str], tuple[float, object]] = {}
        self._lock = threading.Lock()

    def for_conversation(self, client: WebClient, channel: str, user: str) -> Audience:
        return self.for_person(client, user) if is_direct_message(channel) else self.for_channel(client, channel)

    def for_channel(self, client: WebClient, channel: str) -> Audience:
        return PUBLIC if self.shared_outside(client, channel) else Audience.channel(channel)

    def for_person(self, client: WebClient, user: str) -> Audience:
        try:
            named = self.usergroups()
        except SendBotError:  # no index yet: nothing is restricted
            named = set()
        return Audience.person(user, {group for group in named if user in self._members(client, group)})

    def shared_outside(self, client: WebClient, channel: str) -> bool:
        """Whether the channel is shared with another organisation (Slack Connect)."""
        def read() -> bool:
            info = client.conversations_info(channel=channel).get("channel")
            if not isinstance(info, dict):
                return True  # Slack did not say: the narrower access
            return bool(info.get("is_ext_shared") or info.get("is_pending_ext_shared"))

        return self._cached(("shared", channel), read, fallback=True)

    def _members(self, client: WebClient, group: str) -> set[str]:
        return self._cached(
            ("group", group), lambda: set(client.usergroups_users_list(usergroup=group).get("users") or []), set()
        )

    def _cached(self, key: tuple[str, str], read: Callable[[], object], fallback):
        with self._lock:
            found = self._cache.get(key)
        if found is not None and time.monotonic() - found[0] < CACHE_SECONDS:
            return found[1]
        try:
            value = read()
        except SlackApiError as exc:
            log.warning("Slack could not say %s of %s (%s); taking the narrower access", *key, exc.response.get("error"))
            return fallback
        with self._lock:
            self._cache[key] = (time.monotonic(), value)
        return value
