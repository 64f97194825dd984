"""The indexed documents as the bot uses them: one searcher shared by every conversation.

The searcher is opened once (loading the model takes seconds, a question ~50 ms) and
shared; calls into it are taken one at a time, which costs nothing on a two-core
machine and keeps the model and the index out of each other's way. An ingest runs
outside that lock, so questions are answered from the old generation until the new one
is switched in.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from answer.compose import answer_question
from answer.models import Answer, Turn
from errors import IngestBusy
from index.audience import EVERYONE, PUBLIC, Audience
from index.models import Action, Commitment, Decision, Hit, IndexedDocument
from index.records import Digest, find_actions, find_commitments, find_decisions, find_digest
from index.search import Searcher
from index.store import IndexStatus, index_status
from ingest.pipeline import IngestReport, Progress, ingest_paths
from slackbot.filters import ActionFilters, CommitmentFilters, DecisionFilters

log = logging.getLogger(__name__)

WARM_UP_QUERY = "special educational needs"


class Library:
    def __init__(
        self,
        index_dir: Path,
        open_searcher: Callable[[Path], Searcher] = Searcher.open,
    ) -> None:
        """`open_searcher` lets a test wrap the real searcher (to make it slow, say)."""
        self.index_dir = Path(index_dir)
        self._open_searcher = open_searcher
        self._searcher: Searcher | None = None
        self._lock = threading.RLock()
        self._ingest_running = threading.Lock()

    def _get_searcher(self) -> Searcher:
        """Opened on first use; `errors.IndexMissing` (a message for the user) until an ingest."""
        with self._lock:
            if self._searcher is None:
                self._searcher = self._open_searcher(self.index_dir)
            return self._searcher

    def warm(self) -> None:
        """Load the model and the index now, so the first question is not the slow one."""
        self.search(WARM_UP_QUERY, EVERYONE, k=1)

    def answer(self, question: str, history: Sequence[Turn], audience: Audience) -> Answer:
        """The answer from the documents `audience` may see (index.audience); every method that
        reads documents takes the audience, so none can forget it."""
        with self._lock:
            return answer_question(self._get_searcher().seen_by(audience), question, history)

    def search(self, query: str, audience: Audience, k: int = 10) -> list[Hit]:
        with self._lock:
            return self._get_searcher().search(query, k=k, audience=audience)

    def commitments(self, filters: CommitmentFilters, audience: Audience) -> list[Commitment]:
        with self._lock:
            return find_commitments(
                self._get_searcher().seen_by(audience),
                strategy=filters.strategy,
                priority=filters.priority,
                year=filters.year,
                query=filters.query,
            )

    def decisions(self, filters: DecisionFilters, audience: Audience) -> list[Decision]:
        with self._lock:
            return find_decisions(
                self._get_searcher().seen_by(audience),
                body=filters.body,
                date_from=filters.date_from,
                date_to=filters.date_to,
                query=filters.query,
            )

    def actions(self, filters: ActionFilters, audience: Audience) -> list[Action]:
        with self._lock:
            return find_actions(
                self._get_searcher().seen_by(audience),
                plan=filters.plan,
                status=filters.status,
                owner=filters.owner,
                due_before=filters.due_before,
                query=filters.query,
            )

    def digest(self, audience: Audience, since: str | None = None) -> Digest:
        """What the latest ingest (or everything since `since`) brought, as `audience` may see it."""
        with self._lock:
            return find_digest(self._get_searcher().seen_by(audience), since)

    def strategy_names(self, audience: Audience) -> list[str]:
        """The strategies the index holds commitments of, for recognising them in a request."""
        return sorted({record.strategy for record in self.commitments(CommitmentFilters(), audience)})

    def plan_names(self, audience: Audience) -> list[str]:
        """The action plans the index holds actions of."""
        return sorted({record.plan for record in self.actions(ActionFilters(), audience)})

    def body_names(self, audience: Audience) -> list[str]:
        """The meeting bodies the index holds decisions of."""
        return sorted({record.body for record in self.decisions(DecisionFilters(), audience)})

    def status_lines(self, audience: Audience) -> list[str]:
        return self.status(audience).as_lines()

    def status(self, audience: Audience) -> IndexStatus:
        return index_status(self.index_dir, audience)

    def documents(self, audience: Audience) -> list[IndexedDocument]:
        """The indexed documents `audience` may see, by file name."""
        with self._lock:
            return self._get_searcher().documents(audience)

    def last_ingest(self) -> dict:
        """The latest ingest's finish time, summary and failed files, as the admin's status shows it."""
        return self.status(EVERYONE).last_ingest

    def usergroups(self) -> set[str]:
        """The Slack user groups some document is open to."""
        with self._lock:
            return self._get_searcher().usergroups()

    def restricted_documents(self) -> set[str]:
        """File names of the documents some audience may not see (their quotes stay out of feedback)."""
        return set(self.hidden_from(PUBLIC))

    def hidden_from(self, audience: Audience) -> dict[str, int]:
        """The documents `audience` may not see: file name -> passages (for reports it is shown)."""
        with self._lock:
            return {d.doc: d.passages for d in self._get_searcher().documents(audience, hidden=True)}

    def ingest(self, paths: list[Path], progress: Callable[[str], None] | None = None) -> IngestReport:
        """Ingest `paths`, then move the searcher to the new generation. One at a time."""
        if not self._ingest_running.acquire(blocking=False):
            raise IngestBusy("An ingest is already running; try again when it finishes.")
        try:
            report = ingest_paths(
                paths,
                self.index_dir,
                progress=_progress_lines(progress) if progress else None,
            )
        finally:
            self._ingest_running.release()
        with self._lock:
            if self._searcher is None:
                self._get_searcher()
            else:
                self._searcher.refresh()
        log.info("ingest finished: %s", report.summary())
        return report


def _progress_lines(progress: Callable[[str], None]) -> Callable[[Progress], None]:
    """The pipeline reports counters; people want a line such as "Reading 3 of 5 documents". No file
    is named: the line is shown in the conversation that asked, which may not see every document,
    and a file's access is known only once the ingest has finished."""

    def report(step: Progress) -> None:
        if step.stage == "reading":
            progress(f"Reading {step.done} of {step.total} documents")
        else:
            progress(f"{step.stage.capitalize()} {step.done} of {step.total} {step.name}")

    return report
