"""What the Slack listeners share: the conversation, the access policy, seen events and workers.

Listeners acknowledge Slack at once and hand the real work to `workers`, a pool of
its own: bolt's listener threads then stay free to acknowledge the next request
within Slack's three seconds however slow the searches are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from settings import Settings, SlackSettings
from slackbot.conversation import Conversation, build_conversation
from slackbot.library import Library
from slackbot.policy import AccessPolicy
from slackbot.seen_events import SeenEvents

log = logging.getLogger(__name__)

WORKERS = 4


@dataclass
class Services:
    conversation: Conversation
    policy: AccessPolicy
    seen_events: SeenEvents
    slack: SlackSettings
    workers: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(WORKERS, thread_name_prefix="sendbot-work")
    )

    def submit(self, job: Callable[..., None], *args, **kwargs) -> Future:
        """Run `job` on a worker; an exception is logged, never lost and never fatal."""

        def logged() -> None:
            try:
                job(*args, **kwargs)
            except Exception:
                log.exception("%s failed", getattr(job, "__name__", job))

        return self.workers.submit(logged)


def build_services(settings: Settings, library: Library | None = None) -> Services:
    return Services(
        conversation=build_conversation(settings, library),
        policy=AccessPolicy(settings.slack),
        seen_events=SeenEvents(settings.paths.data_dir),
        slack=settings.slack,
    )
