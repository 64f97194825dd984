"""What the Slack listeners share: the conversation, the access policy, seen events and workers.

Listeners acknowledge Slack at once and hand the real work to `workers`, a pool of
its own: bolt's listener threads then stay free to acknowledge the next request
within Slack's three seconds however slow the searches are. The jobs in flight are
tracked so that a stopping server can finish them (`drain`) instead of leaving a
"Searching..." placeholder that is never replaced.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
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
    _in_flight: set[Future] = field(default_factory=set, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def submit(self, job: Callable[..., None], *args, **kwargs) -> Future:
        """Run `job` on a worker; an exception is logged, never lost and never fatal."""

        def logged() -> None:
            try:
                job(*args, **kwargs)
            except Exception:
                log.exception("%s failed", getattr(job, "__name__", job))

        future = self.workers.submit(logged)
        with self._lock:
            self._in_flight.add(future)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future) -> None:
        with self._lock:
            self._in_flight.discard(future)

    @property
    def in_flight(self) -> int:
        """How many submitted jobs are queued or running."""
        with self._lock:
            return len(self._in_flight)

    def drain(self, seconds: float) -> int:
        """Take no new work and give the jobs already taken up to `seconds` to finish, so a
        restart does not strand the answers being written; how many were still unfinished."""
        self.workers.shutdown(wait=False)  # queued jobs still run; only new submissions are refused
        with self._lock:
            in_flight = set(self._in_flight)
        return len(wait(in_flight, timeout=seconds).not_done)


def build_services(settings: Settings, library: Library | None = None) -> Services:
    return Services(
        conversation=build_conversation(settings, library),
        policy=AccessPolicy(settings.slack),
        seen_events=SeenEvents(settings.paths.data_dir),
        slack=settings.slack,
    )
