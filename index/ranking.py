"""How search orders its candidate passages: a linear model over a few signals, fitted on data.

Each candidate passage is described by what keyword search, the unit vectors, the
question's names and its words' rarity say of it (PASSAGE_FEATURES); its score is a weighted sum of those, with
weights fitted by logistic regression on the blind dev questions (bench/fit.py writes
index/ranking.json), not set by hand. Keywords find exact acronyms and phrases that a small
embedding model blurs, the best unit's vector finds the sentence that shares few words with
the question, and a document the question names ("Blackpool", "Forum") is preferred to the
same section of another council's report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

WEIGHTS_FILE = Path(__file__).with_name("ranking.json")

PASSAGE_FEATURES = (
    "keywords",  # BM25 score, scaled from 0 at the worst keyword candidate to 1 at the best
    "keyword_rank",  # 1 / (1 + rank / 10) in the keyword ranking, 0 when not there
    "vector",  # cosine of the question and the passage's best unit
    "vector_scaled",  # the same, scaled from 0 at the worst candidate to 1 at the best
    "vector_second",  # cosine of the second-best unit (a passage with two close units)
    "named",  # share of the question's naming words that are this document's names
    "named_other",  # 1 when the question names documents and this is none of them
    "unit_coverage",  # rarity-weighted share of the question's words in the passage's best-covering unit
    "coverage",  # the same share in the whole passage
)


@dataclass(frozen=True)
class LinearModel:
    """A fitted logistic regression: score = bias + weights . features."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return rows @ np.asarray(self.weights) + self.bias

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.scores(rows)))

    @classmethod
    def load(cls, path: Path, name: str, features: tuple[str, ...]) -> LinearModel:
        """The model called `name` in a weights file; its features must be the code's."""
        fitted = json.loads(Path(path).read_text(encoding="utf-8"))[name]
        if tuple(fitted["features"]) != features:
            raise ValueError(f"{path}: model {name!r} was fitted on other features; re-run bench/fit.py")
        return cls(features, tuple(float(w) for w in fitted["weights"]), float(fitted["bias"]))


@cache
def passage_model() -> LinearModel:
    return LinearModel.load(WEIGHTS_FILE, "passages", PASSAGE_FEATURES)


def scaled(values: np.ndarray) -> np.ndarray:
    """Values mapped from 0 at the lowest to 1 at the highest (all 0 when they are equal)."""
    if len(values) == 0:
        return values
    low, spread = float(values.min()), float(values.max() - values.min())
    return (values - low) / spread if spread > 0 else np.zeros_like(values)
