"""Which way of fitting the unit model to keep, chosen by cross-validation on dev alone.

The answer quotes the units (sentences, items, rows) the unit model scores highest. bench/fit.py
fits it pointwise (a logistic regression over every unit of every dev question); search's passage
model is fitted pairwise (a relevant candidate against irrelevant ones of the same question). This
asks whether pairwise would rank units better, by 5-fold cross-validation over the dev questions
(grouped by question): the share of questions whose first-ranked unit holds the evidence, and whose
first three do. Test is scored by the dev-fitted models for the record; it chooses nothing.

Usage (from the repo root): python bench/unit_trial.py [--corpus ../shared/corpus] [--out bench/results]
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answer.evidence import UNIT_FEATURES  # noqa: E402
from answer.reading import scored_units  # noqa: E402
from bench.blind import BLIND_INDEXES, blind_questions, ensure_index  # noqa: E402
from bench.common import DEFAULT_CORPUS, REPO_ROOT, is_relevant, write_report  # noqa: E402
from bench.fit import fitted, pairwise_fitted  # noqa: E402
from index.search import Searcher  # noqa: E402

FOLDS = 5
FITS = {
    "pointwise (bench/fit.py)": lambda groups: fitted(
        np.vstack([x for x, _ in groups]), np.concatenate([y for _, y in groups]), UNIT_FEATURES, ""
    ),
    "pairwise": lambda groups: pairwise_fitted(groups, UNIT_FEATURES, ""),
}


def unit_groups(corpus: Path, part: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per answerable question of `part`: its units' features and whether each holds the evidence."""
    searchers = {}
    for name, spec in BLIND_INDEXES.items():
        searcher = Searcher(ensure_index(name, corpus))
        searchers.update(dict.fromkeys(spec["corpora"], searcher))
    groups = []
    for q in blind_questions():
        if q.part == part and q.answerable:
            _, units, _ = scored_units(searchers[q.corpus], q.question)
            if units:
                groups.append((np.stack([u.features for u in units]),
                               np.array([is_relevant(q, u.hit.doc, u.text, {}) for u in units])))
    return groups


def top_holds(groups, model: dict) -> tuple[float, float]:
    """Shares of questions whose first unit, and whose first three, hold the evidence."""
    weights = np.array(model["weights"])
    first = three = 0
    for x, y in groups:
        order = np.argsort(-(x @ weights), kind="stable")
        first += bool(y[order[0]])
        three += bool(y[order[:3]].any())
    return first / len(groups), three / len(groups)


def cross_validated(groups, fit) -> tuple[float, float]:
    folds = np.random.default_rng(1).permutation(len(groups)) % FOLDS
    first = three = 0.0
    for fold in range(FOLDS):
        held = [g for g, f in zip(groups, folds, strict=True) if f == fold]
        model = fit([g for g, f in zip(groups, folds, strict=True) if f != fold])
        a, b = top_holds(held, model)
        first, three = first + a * len(held), three + b * len(held)
    return first / len(groups), three / len(groups)


def kept(figures: dict) -> str:
    """The fit dev chooses: a later fit replaces the first (bench/fit.py's) only if strictly better."""
    current = next(iter(figures))
    return max(figures, key=lambda name: (figures[name]["dev_cv"], name == current))


@click.command()
@click.option("--corpus", type=click.Path(path_type=Path), default=DEFAULT_CORPUS)
@click.option("--out", type=click.Path(path_type=Path), default=REPO_ROOT / "bench" / "results")
def main(corpus: Path, out: Path) -> None:
    dev, test = unit_groups(corpus, "dev"), unit_groups(corpus, "test")
    rows, figures = [], {}
    for name, fit in FITS.items():
        cv = cross_validated(dev, fit)
        on_test = top_holds(test, fit(dev))
        figures[name] = {"dev_cv": cv, "test": on_test}
        rows.append(f"| {name} | {cv[0]:.3f} | {cv[1]:.3f} | {on_test[0]:.3f} | {on_test[1]:.3f} |")
    lines = [
        "# The unit model: pointwise or pairwise, chosen by cross-validation on dev",
        "",
        f"- command: `python bench/unit_trial.py`; {len(dev)} answerable dev questions in {FOLDS} folds "
        f"by question; test ({len(test)} answerable) scored by the models fitted on all of dev",
        "- share of questions whose first-ranked unit holds the evidence (first three)",
        "",
        "| fit | dev, cross-validated: first | first three | test: first | first three |",
        "|---|---:|---:|---:|---:|",
        *rows,
        "",
        f"Kept: **{kept(figures)}**, the fit with the better cross-validated dev figures (first, then "
        "first three; a tie keeps bench/fit.py's).",
    ]
    write_report(out, "unit_trial", "\n".join(lines), figures)
    click.echo("\n".join(lines))


if __name__ == "__main__":
    main()
