"""Action plans as records: `bot.py actions --json` against an independent gold list, beside a plain baseline.

    product   `bot.py ingest` of every PDF of the shared corpus (leicester/, real/, other-areas/) and
              of the two synthetic plans of tests/action_plans.py (a Word table with colours keyed in a
              sentence, a landscape PDF table with its colours only in a key table, run on to a second
              page), then `bot.py actions --json`
    baseline  pdfplumber's own table finder on the gold plans' pages: every row with three or more
              filled cells taken as an action (what reading tables without reading their headers gives)

The gold list, tests/fixtures/gold_action_plans.csv, was written by a helper who read every page of
every PDF and never the code or its output (its notes: tests/fixtures/gold_action_plans.md). An
extracted action matches a gold action when it is of the same file, its reference is the gold one and
its text starts with the gold action's opening words (the baseline, which knows no references, when
any cell does); each gold action matches once. Of the matched: owner, deadline and status as the gold
list states them, compared word for word (punctuation aside); a status the gold list leaves empty
(a plan with no status column) and "none stated" (a plan that prints a key but fills no cell) both
mean the plan states none.

Usage (from the repo root): python bench/actions.py [--corpus ../shared/corpus] [--out bench/results]
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from action_plans import PLAN_ACTIONS, make_landscape_pdf_plan, make_word_plan  # noqa: E402

from bench.common import DEFAULT_CORPUS, REPO_ROOT, write_report  # noqa: E402
from index.models import NONE_STATED  # noqa: E402

GOLD = REPO_ROOT / "tests" / "fixtures" / "gold_action_plans.csv"
CORPUS_FOLDERS = ("leicester", "real", "other-areas")
SYNTHETIC = ("improvement-plan.docx", "wsoa-delivery-plan.pdf")


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", (text or "").lower()))


def gold_actions() -> list[dict]:
    with GOLD.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def product_actions(corpus: Path, work: Path) -> list[dict]:
    documents = work / "documents"
    documents.mkdir()
    for folder in CORPUS_FOLDERS:
        for pdf in sorted((corpus / folder).glob("*.pdf")):
            (documents / pdf.name).write_bytes(pdf.read_bytes())
    (documents / SYNTHETIC[0]).write_bytes(make_word_plan())
    (documents / SYNTHETIC[1]).write_bytes(make_landscape_pdf_plan())
    bot = [sys.executable, str(REPO_ROOT / "bot.py")]
    subprocess.run(
        [*bot, "ingest", str(documents), "--index", str(work / "index")], check=True, capture_output=True
    )
    listed = subprocess.run(
        [*bot, "actions", "--json", "--index", str(work / "index")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [json.loads(line) for line in listed.splitlines() if line.strip()]


def baseline_rows(corpus: Path, gold: list[dict]) -> list[list[str]]:
    """Rows of three or more filled cells on the pages each gold plan spans, as (doc, cells...)."""
    import pdfplumber

    spans: dict[tuple[str, str], list[int]] = {}
    for g in gold:
        spans.setdefault((g["doc"], g["plan"]), []).append(int(g["page"]))
    pages = {(doc, n) for (doc, _), found in spans.items() for n in range(min(found), max(found) + 2)}
    rows = []
    for doc in sorted({doc for doc, _ in pages}):
        path = next(p for folder in CORPUS_FOLDERS if (p := corpus / folder / doc).exists())
        with pdfplumber.open(path) as pdf:
            for number in sorted(n for d, n in pages if d == doc and n <= len(pdf.pages)):
                for table in pdf.pages[number - 1].extract_tables():
                    rows += [
                        [doc, *(" ".join((c or "").split()) for c in row)]
                        for row in table
                        if sum(bool((c or "").strip()) for c in row) >= 3
                    ]
    return rows


def scored(gold: list[dict], found: list[dict]) -> dict:
    unmatched = list(found)
    matched = []
    for g in gold:
        hit = next(
            (
                r
                for r in unmatched
                if r["doc"] == g["doc"] and r["ref"] == g["ref"]
                and words(r["action"]).startswith(words(g["action_starts"]))
            ),
            None,
        )
        if hit is not None:
            unmatched.remove(hit)
            matched.append((g, hit))
    share = _share(len(matched))
    return {
        "gold": len(gold),
        "extracted": len(found),
        "matched": len(matched),
        "recall": share(len(gold)),
        "precision": share(len(found)),
        "owner_right": _share(sum(words(r["owner"]) == words(g["owner"]) for g, r in matched))(len(matched)),
        "due_right": _share(sum(words(r["due"]) == words(g["due"]) for g, r in matched))(len(matched)),
        "status_right": _share(sum(r["status"] == (g["status"] or NONE_STATED) for g, r in matched))(
            len(matched)
        ),
        "per_plan": _per_plan(gold, matched),
        "unmatched": [f"{r['doc']} p.{r['page']} {r['ref']} {r['action'][:60]}" for r in unmatched],
    }


def _per_plan(gold: list[dict], matched: list[tuple[dict, dict]]) -> dict[str, dict]:
    plans: dict[str, dict] = {}
    for g in gold:
        plan = plans.setdefault(g["plan"], {"gold": 0, "matched": 0})
        plan["gold"] += 1
        plan["matched"] += any(g is m for m, _ in matched)
    return plans


def scored_baseline(gold: list[dict], rows: list[list[str]]) -> dict:
    unmatched = list(rows)
    matched = 0
    for g in gold:
        hit = next(
            (
                r
                for r in unmatched
                if r[0] == g["doc"]
                and any(words(c).lstrip("0123456789 ").startswith(words(g["action_starts"])) for c in r[1:])
            ),
            None,
        )
        if hit is not None:
            unmatched.remove(hit)
            matched += 1
    share = _share(matched)
    return {
        "gold": len(gold),
        "extracted": len(rows),
        "matched": matched,
        "recall": share(len(gold)),
        "precision": share(len(rows)),
    }


def _share(numerator: int):
    return lambda denominator: round(numerator / denominator, 3) if denominator else None


def synthetic(found: list[dict]) -> dict:
    """Per synthetic plan, the actions stated exactly as the plan prints them (plan, ref, action,
    owner, deadline, status with its key)."""
    result = {}
    for layout, expected in PLAN_ACTIONS.items():
        got = [
            (r["plan"], r["ref"], r["action"], r["owner"], r["due"], r["status"])
            for r in found
            if r["plan"] == expected[0][0]
        ]
        result[layout] = {
            "expected": len(expected),
            "extracted": len(got),
            "exact": sum(1 for row in got if row in expected),
        }
    return result


@click.command()
@click.option("--corpus", type=click.Path(path_type=Path), default=DEFAULT_CORPUS)
@click.option("--out", type=click.Path(path_type=Path), default=REPO_ROOT / "bench" / "results")
def main(corpus: Path, out: Path) -> None:
    gold = gold_actions()
    with tempfile.TemporaryDirectory() as work:
        found = product_actions(corpus, Path(work))
    published = [r for r in found if r["doc"] not in SYNTHETIC]
    product, baseline = scored(gold, published), scored_baseline(gold, baseline_rows(corpus, gold))
    made_up = synthetic(found)
    lines = [
        "# Action plans as records",
        "",
        "- command: `python bench/actions.py`; gold: tests/fixtures/gold_action_plans.csv (every action of "
        "every action-plan table in the shared corpus, written blind by a helper who read every page of every "
        "PDF and never the code; notes in tests/fixtures/gold_action_plans.md)",
        "- product: `bot.py ingest` of every shared PDF, then `bot.py actions --json`; baseline: pdfplumber's "
        "table finder on the gold plans' pages, every row with three filled cells taken as an action",
        "",
        "| system | gold | extracted | matched | recall | precision | owner right | deadline right | status right |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| product | {product['gold']} | {product['extracted']} | {product['matched']} | {product['recall']} | "
        f"{product['precision']} | {product['owner_right']} | {product['due_right']} | {product['status_right']} |",
        f"| baseline | {baseline['gold']} | {baseline['extracted']} | {baseline['matched']} | {baseline['recall']} | "
        f"{baseline['precision']} | - | - | - |",
        "",
        "Per plan (product):",
        "",
        "| plan | gold | matched |",
        "|---|---:|---:|",
        *[f"| {name} | {r['gold']} | {r['matched']} |" for name, r in product["per_plan"].items()],
        "",
        "Actions read that the gold list does not have: "
        + ("; ".join(product["unmatched"]) if product["unmatched"] else "none."),
        "",
        "Synthetic plans (tests/action_plans.py), actions stated exactly as printed:",
        "",
        "| plan | expected | extracted | exact |",
        "|---|---:|---:|---:|",
        *[
            f"| {layout} | {r['expected']} | {r['extracted']} | {r['exact']} |"
            for layout, r in made_up.items()
        ],
    ]
    write_report(
        out, "actions", "\n".join(lines), {"product": product, "baseline": baseline, "synthetic": made_up}
    )
    click.echo("\n".join(lines))


if __name__ == "__main__":
    main()
