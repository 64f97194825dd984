"""What became of a strategy's commitments: the passages of later documents that report on them.

Officers ask "did we do what the strategy promised?". For each commitment, the documents that
can answer are the same council's (they carry the name the strategy's document opens with,
index.models.IndexedDocument.names) dated after the strategy's document; undated ones cannot
be known to be later. Their passages are read with the commitment as the question
(answer.reading), and each sentence, item or table row is described by LINK_FEATURES and
scored by a logistic regression fitted on the dev report of bench/progress.py (written to
answer/weights.json as "links", with the threshold chosen on it): its probability of reporting
on the commitment. A status is given only where the linked sentence states one
(text.statuses.stated_progress); otherwise the link is shown without one, and a commitment no
later passage reports on says so.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from answer.evidence import UNIT_FEATURES, WEIGHTS_FILE, Unit
from answer.reading import scored_units
from index.models import Commitment, IndexedDocument
from index.ranking import LinearModel
from index.search import SearchFilters
from text.statuses import stated_progress

LINK_FEATURES = (
    "evidence",  # the unit model's log-odds that the unit answers the commitment read as a question
    "similarity",  # the unit's cosine to the commitment
    "coverage",  # rarity-weighted share of the commitment's words in the unit
    "states",  # 1 when the unit states an outcome (delivered, on track, delayed, dropped)
    "promises",  # 1 when it promises rather than reports ("we will", "will be", "plans to")
    "row",  # 1 for a table row
)
PROMISE = re.compile(r"\b(?:we|they|it|this|the council) will\b|\bwill be\b|\bplan(?:s|ned)? to\b|\baims? to\b", re.I)
MAX_LINKS = 3  # later passages shown per commitment
PASSAGES = 10  # later passages read per commitment
NO_REPORT = "no later report found"
NO_STATUS = "reported on, no status stated"


@dataclass
class ProgressLink:
    """One sentence (or table row) of a later document that reports on a commitment."""

    quote: str
    doc: str
    title: str
    date: str
    page: int
    status: str  # as text.statuses reads the quote: delivered | on track | delayed | dropped | ""
    score: float  # the link model's probability


@dataclass
class CommitmentProgress:
    commitment: Commitment
    links: list[ProgressLink] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The latest report's stated status, else whether anything later reports on it."""
        for link in sorted(self.links, key=lambda link: link.date, reverse=True):
            if link.status:
                return link.status
        return NO_STATUS if self.links else NO_REPORT

    def as_json(self) -> dict:
        return {
            **self.commitment.as_json(),
            "progress_status": self.status,
            "reports": [
                {"quote": k.quote, "doc": k.doc, "title": k.title, "date": k.date, "page": k.page,
                 "status": k.status or "none stated", "score": round(k.score, 4)}
                for k in self.links
            ],  # fmt: skip
        }


@cache
def link_model() -> tuple[LinearModel, float]:
    """The link model and the threshold bench/progress.py chose on its dev report."""
    model = LinearModel.load(WEIGHTS_FILE, "links", LINK_FEATURES)
    return model, float(json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))["links"]["threshold"])


def find_progress(searcher, commitments: list[Commitment]) -> list[CommitmentProgress]:
    """Each commitment with what later documents of the same council report on it."""
    model, threshold = link_model()
    documents = searcher.documents()
    progress = []
    for commitment in commitments:
        scored = [(u, p) for u, p in link_candidates(searcher, commitment, documents, model) if p >= threshold]
        best: dict[int, tuple[Unit, float]] = {}  # one link per passage: its best unit
        for unit, probability in scored:
            if unit.hit.chunk_id not in best or probability > best[unit.hit.chunk_id][1]:
                best[unit.hit.chunk_id] = (unit, probability)
        chosen = sorted(best.values(), key=lambda pair: -pair[1])[:MAX_LINKS]
        links = [
            ProgressLink(u.text, u.hit.doc, u.hit.title, u.hit.date, u.hit.page, stated_progress(u.text), p)
            for u, p in sorted(chosen, key=lambda pair: (pair[0].hit.date, pair[0].hit.page))
        ]
        progress.append(CommitmentProgress(commitment, links))
    return progress


def link_candidates(
    searcher, commitment: Commitment, documents: list[IndexedDocument], model: LinearModel | None = None
) -> list[tuple[Unit, float]]:
    """Every unit of the later documents' passages read for the commitment, with the link
    model's probability (0 without a model: bench/progress.py fits one on these)."""
    strategy = next((d for d in documents if d.doc == commitment.doc), None)
    later = later_documents(strategy, documents)
    if not later:
        return []
    wanted = {d.doc for d in later}  # the filter matches parts of file names; these are whole
    _, units, _ = scored_units(searcher, commitment.text, filters=SearchFilters(docs=sorted(wanted)), passages=PASSAGES)
    units = [u for u in units if u.kind != "heading" and u.hit.doc in wanted]
    if not units:
        return []
    rows = np.stack([link_features(u) for u in units])
    probabilities = model.probabilities(rows) if model is not None else np.zeros(len(units))
    return list(zip(units, (float(p) for p in probabilities), strict=True))


def link_features(unit: Unit) -> np.ndarray:
    """LINK_FEATURES of a unit scored against a commitment (answer.evidence.score_units)."""
    evidence = min(max(unit.score, 1e-6), 1 - 1e-6)
    return np.array([
        math.log(evidence / (1 - evidence)),
        unit.similarity,
        float(unit.features[UNIT_FEATURES.index("coverage")]) if unit.features is not None else 0.0,
        1.0 if stated_progress(unit.text) else 0.0,
        1.0 if PROMISE.search(unit.text) else 0.0,
        1.0 if unit.kind == "row" else 0.0,
    ])  # fmt: skip


def later_documents(strategy: IndexedDocument | None, documents: list[IndexedDocument]) -> list[IndexedDocument]:
    """The documents dated after the strategy's that carry the name it opens with (its council's)."""
    if strategy is None or not strategy.date:
        return []
    owner = strategy.names[0] if strategy.names else None
    return [
        d for d in documents
        if d.date > strategy.date and d.doc != strategy.doc and (owner is None or owner in d.names)
    ]  # fmt: skip
