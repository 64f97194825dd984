"""What became of commitments: `bot.py commitments --progress` against a gold list of links, beside baselines.

Documents: the shared corpus's leicester/ and real/ PDFs, and tests/fixtures/progress/: two progress
reports of Leicester City Council on its 2021-24 Education and SEND strategies (September and
November 2023), with passages that report on commitments (delivered, on track, delayed, dropped, or no
status), distractors on the same subjects, and a December 2020 consultation that mentions commitments
before the strategy existed. A helper wrote them from the strategy PDF alone, never seeing the code,
with the gold list gold_progress_links.csv: each (commitment, passage) pair that reports on it, with
the status the passage states (notes.md says how).

Split, fixed by strategy: dev is the SEND strategy (its report is send-progress-2023.md), test the
Education strategy. `--fit` fits the link model (answer.progress.LINK_FEATURES) on dev's candidates
and chooses its threshold on dev (best F1 of the links shown), writing answer/weights.json "links".

A shown link is right when the gold list pairs its commitment with the same report and the quote
holds at least 60% of the gold passage's word trigrams, or the gold passage 60% of the quote's.
    product   `bot.py commitments --progress --json`: at most 3 links per commitment, one per passage
    bm25      for each commitment, the top BM25 passage (bm25s) of the same council's later
              documents, always shown (a passage is right when it holds the gold passage)
    dense     the unit with the highest cosine to the commitment, shown when that cosine reaches the
              threshold best on dev

Usage (from the repo root): python bench/progress.py [--fit] [--corpus ../shared/corpus] [--out bench/results]
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import click
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEFAULT_CORPUS, REPO_ROOT, normalise, words, write_report  # noqa: E402

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "progress"
GOLD = FIXTURES / "gold_progress_links.csv"
WORK = REPO_ROOT / "bench" / "work" / "progress"
STRATEGY_DOC = "Leicester-CYPE-Scrutiny-2021-10-07 - Divisional 3-year Strategies Education and SEND.pdf"
SPLITS = {"dev": "SEND", "test": "Education"}
MATCH = 0.6


def trigrams(text: str) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)} or {tuple(tokens)}


def overlaps(quote: str, gold: str) -> bool:
    a, b = trigrams(quote), trigrams(gold)
    shared = len(a & b)
    return shared >= MATCH * len(b) or shared >= MATCH * len(a)


def gold_links() -> list[dict]:
    with GOLD.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def build_index(corpus: Path) -> Path:
    """One index of the documents, built through `bot.py ingest` (kept in bench/work between runs)."""
    documents = WORK / "documents"
    documents.mkdir(parents=True, exist_ok=True)
    for folder in ("leicester", "real"):
        for pdf in sorted((corpus / folder).glob("*.pdf")):
            (documents / pdf.name).write_bytes(pdf.read_bytes())
    for report in sorted(FIXTURES.glob("*.md")):
        if report.name != "notes.md":
            (documents / report.name).write_bytes(report.read_bytes())
    index = WORK / "index"
    subprocess.run([sys.executable, str(REPO_ROOT / "bot.py"), "ingest", str(documents), "--index", str(index)],
                   check=True, capture_output=True)  # fmt: skip
    return index


def right(link: dict, commitment: str, gold: list[dict]) -> dict | None:
    """The gold pair a shown link is, if any."""
    key = normalise(commitment)
    return next(
        (g for g in gold if normalise(g["commitment"]) == key and g["report"] == link["doc"]
         and overlaps(link["quote"], g["quote"])),
        None,
    )  # fmt: skip


def scored(shown: dict[str, list[dict]], gold: list[dict]) -> dict:
    """Precision and recall of the links shown ({commitment text: [links]}), and the statuses of the right ones."""
    found, right_links, statuses = set(), 0, []
    total = sum(len(links) for links in shown.values())
    for commitment, links in shown.items():
        for link in links:
            pair = right(link, commitment, gold)
            if pair is not None:
                right_links += 1
                found.add(pair["id"])
                if "status" in link:
                    statuses.append((link["status"] or "none stated") == pair["status"])
    with_gold = {normalise(g["commitment"]) for g in gold}
    reported = {normalise(c) for c, links in shown.items() if links}
    return {
        "gold_links": len(gold),
        "shown": total,
        "right": right_links,
        "precision": round(right_links / total, 3) if total else None,
        "recall": round(len(found) / len(gold), 3) if gold else None,
        "commitments_reported_on": len(with_gold),
        "commitments_shown_a_link": len(reported),
        "shown_a_link_without_gold": len(reported - with_gold),
        "status_right": round(sum(statuses) / len(statuses), 3) if statuses else None,
    }


def product_links(index: Path) -> dict[str, dict[str, list[dict]]]:
    out = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bot.py"), "commitments", "--progress", "--json", "--index", str(index)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    by_split: dict[str, dict[str, list[dict]]] = {split: {} for split in SPLITS}
    for line in out.splitlines():
        record = json.loads(line)
        for split, strategy in SPLITS.items():
            if record["doc"] == STRATEGY_DOC and record["strategy"] == strategy:
                by_split[split][record["text"]] = record["reports"]
    return by_split


def candidates(index: Path) -> dict[str, list[tuple[str, list]]]:
    """Per split, each commitment with every candidate unit the link model scores."""
    from answer.progress import link_candidates
    from index.records import find_commitments
    from index.search import Searcher

    searcher = Searcher.open(index)
    documents = searcher.documents()
    found: dict[str, list[tuple[str, list]]] = {}
    for split, strategy in SPLITS.items():
        commitments = [c for c in find_commitments(searcher, strategy=strategy) if c.doc == STRATEGY_DOC]
        found[split] = [(c.text, [u for u, _ in link_candidates(searcher, c, documents)]) for c in commitments]
    return found


def chosen(units: list, scores: list[float], threshold: float, most: int = 3) -> list:
    """The product's selection: above the threshold, one per passage, the best `most`."""
    best: dict[int, tuple[float, object]] = {}
    for unit, score in zip(units, scores, strict=True):
        if score >= threshold and (unit.hit.chunk_id not in best or score > best[unit.hit.chunk_id][0]):
            best[unit.hit.chunk_id] = (score, unit)
    return [u for _, u in sorted(best.values(), key=lambda pair: -pair[0])[:most]]


def as_links(units: list) -> list[dict]:
    return [{"quote": u.text, "doc": u.hit.doc} for u in units]


def best_threshold(per_commitment, score_of, gold: list[dict], grid) -> tuple[float, dict]:
    """The threshold of best F1 on these commitments, and its scores."""
    best = (None, None, -1.0)
    for threshold in grid:
        shown = {text: as_links(chosen(units, [score_of(u) for u in units], threshold))
                 for text, units in per_commitment}  # fmt: skip
        result = scored(shown, gold)
        p, r = result["precision"] or 0.0, result["recall"] or 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[2]:
            best = (threshold, result, f1)
    return best[0], best[1]


def fit(per_commitment, gold: list[dict]) -> dict:
    """The link model fitted on dev candidates, with its threshold of best F1 on dev."""
    from sklearn.linear_model import LogisticRegression

    from answer.progress import LINK_FEATURES, link_features

    rows, labels = [], []
    for text, units in per_commitment:
        for unit in units:
            rows.append(link_features(unit))
            labels.append(right({"quote": unit.text, "doc": unit.hit.doc}, text, gold) is not None)
    x, y = np.stack(rows), np.array(labels)
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(x, y)
    weights, bias = model.coef_[0], float(model.intercept_[0])

    def probability(unit) -> float:
        return float(1 / (1 + np.exp(-(link_features(unit) @ weights + bias))))

    threshold, _ = best_threshold(per_commitment, probability, gold, np.arange(0.30, 0.99, 0.02))
    return {
        "features": list(LINK_FEATURES),
        "weights": [round(float(w), 5) for w in weights],
        "bias": round(bias, 5),
        "threshold": round(float(threshold), 2),
        "fitted_on": f"bench/progress.py --fit: {len(y)} dev candidates ({int(y.sum())} right) of the SEND strategy",
    }


def bm25_links(index: Path, per_commitment) -> dict[str, list[dict]]:
    """For each commitment, the top BM25 passage of the later documents search may read."""
    import sqlite3

    import bm25s

    later = {u.hit.doc for _, units in per_commitment for u in units}
    db = sqlite3.connect(index / "current" / "index.sqlite")
    marks = ",".join("?" * len(later))
    passages = db.execute(
        f"SELECT c.text, d.doc FROM chunks c JOIN documents d USING (doc_id) WHERE d.doc IN ({marks})", sorted(later)
    ).fetchall()
    if not passages:
        return {text: [] for text, _ in per_commitment}
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([p[0] for p in passages], stopwords="en", show_progress=False), show_progress=False)
    shown = {}
    for text, _ in per_commitment:
        found, _ = retriever.retrieve(bm25s.tokenize([text], stopwords="en", show_progress=False), k=1,
                                      show_progress=False)  # fmt: skip
        top = passages[int(found[0][0])]
        shown[text] = [{"quote": top[0], "doc": top[1]}]
    return shown


@click.command()
@click.option("--fit", "refit", is_flag=True, help="Fit the link model on dev and write answer/weights.json.")
@click.option("--corpus", type=click.Path(path_type=Path), default=DEFAULT_CORPUS)
@click.option("--out", type=click.Path(path_type=Path), default=REPO_ROOT / "bench" / "results")
def main(refit: bool, corpus: Path, out: Path) -> None:
    from answer.evidence import WEIGHTS_FILE
    from bench.fit import write_weights

    index = build_index(corpus)
    gold = gold_links()
    gold_of = {split: [g for g in gold if g["strategy"] == strategy] for split, strategy in SPLITS.items()}
    per_split = candidates(index)
    if refit:
        write_weights(WEIGHTS_FILE, "links", fit(per_split["dev"], gold_of["dev"]))
    product = product_links(index)
    cosine, _ = best_threshold(per_split["dev"], lambda u: u.similarity, gold_of["dev"], np.arange(0.2, 0.95, 0.02))
    results: dict[str, dict] = defaultdict(dict)
    for split in SPLITS:
        results[split]["product"] = scored(product[split], gold_of[split])
        results[split]["bm25"] = scored(bm25_links(index, per_split[split]), gold_of[split])
        dense = {text: as_links(chosen(units, [u.similarity for u in units], cosine, most=1))
                 for text, units in per_split[split]}  # fmt: skip
        results[split]["dense"] = scored(dense, gold_of[split])
    columns = ["shown", "right", "precision", "recall", "commitments_shown_a_link", "shown_a_link_without_gold",
               "status_right"]  # fmt: skip
    lines = [
        "# What became of commitments: links to later reports",
        "",
        "- command: `python bench/progress.py` (`--fit` refits the link model on dev first)",
        "- documents: shared leicester/ and real/ PDFs and tests/fixtures/progress/ (two 2023 progress reports "
        "and a 2020 consultation, written blind with the gold list gold_progress_links.csv)",
        f"- dev: the SEND strategy ({len(gold_of['dev'])} gold links); test: the Education strategy "
        f"({len(gold_of['test'])} gold links); dense threshold chosen on dev: {cosine:.2f}",
        "",
    ]
    for split in SPLITS:
        lines += [f"## {split}", "", "| system | " + " | ".join(columns) + " |",
                  "|---|" + "---:|" * len(columns)]  # fmt: skip
        for system, result in results[split].items():
            lines.append(f"| {system} | " + " | ".join(str(result[c] if result[c] is not None else "-")
                                                        for c in columns) + " |")  # fmt: skip
        lines.append("")
    lines.append("status_right: of the right links, the status shown is the one the passage states (product only).")
    write_report(out, "progress", "\n".join(lines), dict(results))
    click.echo("\n".join(lines))


if __name__ == "__main__":
    main()
