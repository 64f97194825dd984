"""Who may do what, and where: the admin list (plus an optional user group) and the channel allow-list."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from settings import SlackSettings

log = logging.getLogger(__name__)

GROUP_CACHE_SECONDS = 300.0  # a membership change reaches the bot within five minutes


def is_direct_message(channel: str) -> bool:
    """Slack's IDs of direct-message conversations start with D."""
    return channel.startswith("D")


class AccessPolicy:
    def __init__(self, slack: SlackSettings) -> None:
        self.admins = set(slack.admins)
        self.admin_usergroup = slack.admin_usergroup
        self.allowed_channels = set(slack.allowed_channels)
        self._group: set[str] = set()
        self._group_read_at = float("-inf")
        self._group_lock = threading.Lock()

    def channel_allowed(self, channel: str) -> bool:
        """DMs always; other channels only if listed, when a list is set."""
        return not self.allowed_channels or channel in self.allowed_channels or is_direct_message(channel)

    def is_admin(self, client: WebClient, user: str) -> bool:
        return user in self.admins or (bool(self.admin_usergroup) and user in self._group_members(client))

    def _group_members(self, client: WebClient) -> set[str]:
        with self._group_lock:
            if time.monotonic() - self._group_read_at > GROUP_CACHE_SECONDS:
                try:
                    response = client.usergroups_users_list(usergroup=self.admin_usergroup)
                    self._group = set(response.get("users") or [])
                    self._group_read_at = time.monotonic()
                except SlackApiError as exc:
                    log.warning(
                        "could not read the admin user group: %s",
                        exc.response.get("error"),
                    )
            return self._group
