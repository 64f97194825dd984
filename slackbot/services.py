"""What the Slack listeners share: the conversation, the access policy, seen events and workers.

Listeners (bolt runs them on `listeners`) acknowledge Slack at once and hand the real
work to `workers`, a pool of its own: the listener threads then stay free to acknowledge
the next request within Slack's three seconds however slow the searches are. The jobs
in flight are tracked so that a stopping server can finish them (`drain`) instead of
leaving a "Searching..." placeholder that is never replaced.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from settings import Settings, SlackSettings
from slackbot.audience import AudienceResolver
from slackbot.blocks import DocumentLinks
from slackbot.conversation import Conversation, build_conversation
from slackbot.library import Library
from slackbot.policy import AccessPolicy
from slackbot.retention import Sweeper
from slackbot.seen_events import SeenEvents
from slackbot.uploads import uploaded_files

log = logging.getLogger(__name__)

WORKERS = 4
LISTENERS = 8  # they only acknowledge and hand over, so a few go a long way


@dataclass
class Services:
    conversation: Conversation
    policy: AccessPolicy
    audiences: AudienceResolver
    seen_events: SeenEvents
    slack: SlackSettings
    workers: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(WORKERS, thread_name_prefix="sendbot-work")
    )
    listeners: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(LISTENERS, thread_name_prefix="sendbot-ack")
    )
    sweeper: Sweeper | None = None  # expires old records while serving (slackbot.retention)
    _in_flight: set[Future] = field(default_factory=set, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def links(self) -> DocumentLinks:
        """Where sources open: SENDBOT_DOCUMENT_BASE_URL, else the Slack files documents were uploaded as."""
        return DocumentLinks(self.slack.document_base_url, uploaded_files(self.conversation.data_dir))

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

    def place_in_queue(self) -> int:
        """Where a job submitted now would wait: 0 when a worker is free, else its place in the queue."""
        with self._lock:
            return max(0, len(self._in_flight) - WORKERS + 1)

    def _finished(self, future: Future) -> None:
        with self._lock:
            self._in_flight.discard(future)

    def drain(self, seconds: float) -> tuple[int, int]:
        """Take no new work and give the answers already under way up to `seconds` to finish,
        so a restart does not strand them; (finished, unfinished)."""
        deadline = time.monotonic() + seconds
        if self.sweeper is not None:
            self.sweeper.stop()
        self.listeners.shutdown(wait=True)  # they only post a placeholder and hand the job on
        self.workers.shutdown(wait=False)  # queued jobs still run; only new submissions are refused
        with self._lock:
            in_flight = set(self._in_flight)
        unfinished = len(wait(in_flight, timeout=max(0.0, deadline - time.monotonic())).not_done)
        return len(in_flight) - unfinished, unfinished


def build_services(settings: Settings, library: Library | None = None) -> Services:
    conversation = build_conversation(settings, library)
    return Services(
        conversation=conversation,
        policy=AccessPolicy(settings.slack),
        audiences=AudienceResolver(conversation.library.usergroups),
        seen_events=SeenEvents(settings.paths.data_dir),
        slack=settings.slack,
    )
