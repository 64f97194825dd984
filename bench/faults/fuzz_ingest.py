"""Feed the ingest hostile and broken files; each must be refused or ingested within bounds.

Mutants are made with a fixed seed from the shared corpus (its PDFs, the .docx and the .html
in formats/): truncated, bytes flipped anywhere or only inside compressed streams, random
junk under a .pdf/.docx name, password-protected PDFs (and one with only an owner
password, which opens and should ingest), a PDF with 5,000 blank pages, PDF decompression
bombs (one page whose content stream inflates to 2 GB: text operators, or rectangles that
also send the page to pdfplumber), .docx zip bombs (2 GB document.xml; one declaring a
small size), a .docx of 60,000 short paragraphs and a 50 MB web page.

Each file is ingested on its own into an empty index, through the real pipeline
(ingest_paths: worker process, RLIMIT_AS cap, per-document timeout), in a fresh interpreter;
reported per file: outcome (ingested / refused / crashed), the reason as the product words
it, wall time, and the peak RSS of the worker that read it (VmHWM sampled every 20 ms).
A file passes when it is accounted for by name, within SENDBOT_MAX_SECONDS_PER_DOCUMENT
(+ 30 s for start-up and embedding) and SENDBOT_MAX_MEMORY_MB_PER_DOCUMENT, and, for the
kinds whose outcome is certain (junk, encrypted, bombs, blank pages), with that outcome.
Then all of them are ingested together with `python bot.py ingest FOLDER --json`, as an
admin would: it must exit 0 and name every file.

Usage (from the repo root):
  python bench/faults/fuzz_ingest.py [--per-kind 6] [--seed 11] [--corpus ../shared/corpus]
                                     [--out bench/results]
Limits come from the environment like the product's (SENDBOT_MAX_FILE_MB, ...).
Writes OUT/fuzz.md and OUT/fuzz.json.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import write_report  # noqa: E402
from bench.faults import mutants  # noqa: E402
from bench.faults.common import (  # noqa: E402
    DEFAULT_CORPUS,
    DEFAULT_OUT,
    REPO_ROOT,
    bot,
    corpus_pdfs,
    header,
    product_env,
)
from settings import IngestSettings  # noqa: E402

STARTUP_SLACK_SECONDS = 30.0  # interpreter, pool and model start-up, embedding an ingested file


@dataclass
class Mutant:
    name: str
    kind: str
    expect: str  # "refused", "ingested" or "either"
    reason_has: str = ""  # for "refused": a phrase the reason must contain


@dataclass
class Outcome:
    name: str
    kind: str
    expect: str
    outcome: str  # ingested | refused | crashed | missing
    reason: str = ""
    passages: int = 0
    seconds: float = 0.0
    worker_peak_mb: float = 0.0
    size_bytes: int = 0
    problems: list[str] = field(default_factory=list)


def make_mutants(corpus: Path, folder: Path, seed: int, per_kind: int, html_mb: int = 50,
                 bomb_mb: int = 2048, pdfs: list[Path] | None = None) -> list[Mutant]:
    """Write the mutants into `folder`; the same seed gives the same bytes."""
    rng = random.Random(seed)
    pdfs = pdfs or corpus_pdfs(corpus)
    docx = next(corpus.glob("formats/*.docx"))
    html = next(corpus.glob("formats/*.html"))
    made: list[Mutant] = []

    def add(kind: str, expect: str, suffix: str, write, reason_has: str = "") -> None:
        name = f"{kind}-{sum(1 for m in made if m.kind == kind) + 1:02d}{suffix}"
        write(folder / name)
        made.append(Mutant(name, kind, expect, reason_has))

    for _ in range(per_kind):
        add("truncated-pdf", "either", ".pdf", lambda p: mutants.truncated(rng.choice(pdfs), p, rng))
        add("flipped-pdf", "either", ".pdf", lambda p: mutants.flipped(rng.choice(pdfs), p, rng))
        add("flipped-streams-pdf", "either", ".pdf", lambda p: mutants.flipped_in_streams(rng.choice(pdfs), p, rng))
        add("junk-pdf", "refused", ".pdf", lambda p: mutants.junk(p, rng), "not a PDF")
        add("truncated-docx", "either", ".docx", lambda p: mutants.truncated(docx, p, rng))
        add("flipped-docx", "either", ".docx", lambda p: mutants.flipped(docx, p, rng))
    for _ in range(max(1, per_kind // 2)):
        add("junk-with-pdf-header", "refused", ".pdf", lambda p: mutants.junk_with_header(p, rng))
        add("flipped-html", "either", ".html", lambda p: mutants.flipped(html, p, rng))
    add("junk-docx", "refused", ".docx", lambda p: mutants.junk(p, rng), "not a Word file")
    for _ in range(2):
        add("encrypted-pdf", "refused", ".pdf", lambda p: mutants.encrypted(rng.choice(pdfs), p, rng), "encrypted")
    add("owner-password-only-pdf", "ingested", ".pdf",
        lambda p: mutants.encrypted(rng.choice(pdfs), p, rng, user_password=""))
    add("blank-5000-pages-pdf", "refused", ".pdf", lambda p: mutants.blank_pages(p, 5000), "pages (limit")
    add("pdf-bomb", "refused", ".pdf", lambda p: mutants.pdf_bomb(p, bomb_mb), "decompression bomb")
    add("pdf-bomb-ruled", "refused", ".pdf", lambda p: mutants.pdf_bomb(p, bomb_mb, ruled=True), "decompression bomb")
    add("docx-zip-bomb", "refused", ".docx", lambda p: mutants.docx_bomb(docx, p, bomb_mb), "zip bomb")
    add("docx-zip-bomb-lying", "refused", ".docx", lambda p: mutants.docx_bomb(docx, p, bomb_mb, lie=True),
        "declared size")
    add("docx-60000-paragraphs", "either", ".docx", lambda p: mutants.docx_bomb(docx, p, 3))
    add(f"html-{html_mb}mb", "either", ".html", lambda p: mutants.huge_html(html, p, html_mb))
    return made


# Runs ingest_paths on one file in a fresh interpreter and prints what happened as JSON.
# A thread samples the peak RSS (VmHWM) of the worker processes the pipeline starts.
ONE_FILE = r"""
import json, os, sys, tempfile, threading, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
peaks, done = {}, threading.Event()
def sample():
    me = str(os.getpid())
    while not done.is_set():
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                status = open(f"/proc/{entry}/status").read()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() == me and "VmHWM" in fields:
                peaks[entry] = max(peaks.get(entry, 0), int(fields["VmHWM"].split()[0]))
        time.sleep(0.02)
threading.Thread(target=sample, daemon=True).start()
from ingest.pipeline import ingest_paths
path = Path(sys.argv[2])
with tempfile.TemporaryDirectory() as index_dir:
    started = time.monotonic()
    report = ingest_paths([path], Path(index_dir))
    seconds = time.monotonic() - started
done.set()
print(json.dumps({"added": report.added, "failed": report.failed, "passages": report.passages,
                  "seconds": seconds, "worker_peak_kb": max(peaks.values(), default=0)}))
"""


def ingest_one(path: Path, mutant: Mutant, limits: IngestSettings) -> Outcome:
    outcome = Outcome(mutant.name, mutant.kind, mutant.expect, "missing", size_bytes=path.stat().st_size)
    budget = limits.max_seconds_per_document + STARTUP_SLACK_SECONDS
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", ONE_FILE, str(REPO_ROOT), str(path)], cwd=REPO_ROOT,
                              env=product_env(), capture_output=True, text=True, timeout=budget * 3)
    except subprocess.TimeoutExpired:
        outcome.outcome, outcome.seconds = "crashed", time.monotonic() - started
        outcome.problems.append(f"ingest still running after {budget * 3:.0f}s: killed")
        return outcome
    outcome.seconds = round(time.monotonic() - started, 2)
    if done.returncode != 0:
        outcome.outcome = "crashed"
        outcome.reason = (done.stderr.strip().splitlines() or ["?"])[-1][:300]
        outcome.problems.append(f"the ingest process exited {done.returncode}")
        return outcome
    result = json.loads(done.stdout.strip().splitlines()[-1])
    outcome.worker_peak_mb = round(result["worker_peak_kb"] / 1024, 1)
    failed = dict(result["failed"])
    if mutant.name in result["added"]:
        outcome.outcome, outcome.passages = "ingested", result["passages"]
    elif mutant.name in failed:
        outcome.outcome, outcome.reason = "refused", failed[mutant.name]
    judge(outcome, mutant, limits)
    return outcome


def judge(outcome: Outcome, mutant: Mutant, limits: IngestSettings) -> None:
    if outcome.outcome == "missing":
        outcome.problems.append("not named in the report")
    if mutant.expect != "either" and outcome.outcome != mutant.expect:
        outcome.problems.append(f"expected {mutant.expect}")
    if mutant.reason_has and mutant.reason_has not in outcome.reason:
        outcome.problems.append(f"reason lacks '{mutant.reason_has}'")
    if outcome.seconds > limits.max_seconds_per_document + STARTUP_SLACK_SECONDS:
        outcome.problems.append("over the time bound")
    if outcome.worker_peak_mb > limits.max_memory_mb_per_document:
        outcome.problems.append("over the memory bound")


def ingest_all(folder: Path, made: list[Mutant], work: Path) -> dict:
    """All mutants in one `bot.py ingest`, as an admin pointing it at a folder would."""
    started = time.monotonic()
    done = subprocess.run(bot("ingest", str(folder), "--index", str(work / "all-index"), "--json"),
                          cwd=REPO_ROOT, env=product_env(), capture_output=True, text=True, timeout=3600)
    seconds = time.monotonic() - started
    result = {"exit": done.returncode, "seconds": round(seconds, 1), "traceback": "Traceback" in done.stderr}
    if done.returncode == 0:
        report = json.loads(done.stdout.strip().splitlines()[-1])
        named = set(report["added"]) | {n for n, _ in report["failed"]} | {c for c, _ in report["duplicates"]}
        result.update(added=len(report["added"]), refused=len(report["failed"]),
                      duplicates=len(report["duplicates"]), passages=report["passages"],
                      unnamed=sorted(m.name for m in made if m.name not in named),
                      failed=dict(report["failed"]))
    else:
        result["stderr"] = done.stderr[-2000:]
    return result


def run(corpus: Path, work: Path, seed: int, per_kind: int, html_mb: int = 50, say=print) -> dict:
    limits = IngestSettings()
    folder = work / "mutants"
    folder.mkdir(parents=True)
    made = make_mutants(corpus, folder, seed, per_kind, html_mb=html_mb)
    say(f"{len(made)} mutants in {folder}")
    outcomes = []
    for mutant in made:
        outcome = ingest_one(folder / mutant.name, mutant, limits)
        outcomes.append(outcome)
        say(f"{mutant.name}: {outcome.outcome} in {outcome.seconds}s, worker {outcome.worker_peak_mb} MB"
            f"{' - ' + outcome.reason if outcome.reason else ''}{' PROBLEM: ' + '; '.join(outcome.problems) if outcome.problems else ''}")
    together = ingest_all(folder, made, work)
    say(f"all together: exit {together['exit']} in {together['seconds']}s")
    kinds = {}
    for o in outcomes:
        entry = kinds.setdefault(o.kind, {"files": 0, "ingested": 0, "refused": 0, "crashed": 0, "missing": 0,
                                          "max_seconds": 0.0, "max_worker_mb": 0.0, "reasons": []})
        entry["files"] += 1
        entry[o.outcome] += 1
        entry["max_seconds"] = max(entry["max_seconds"], o.seconds)
        entry["max_worker_mb"] = max(entry["max_worker_mb"], o.worker_peak_mb)
        if o.reason and o.reason not in entry["reasons"]:
            entry["reasons"].append(o.reason)
    problems = [o for o in outcomes if o.problems]
    return {
        "seed": seed,
        "per_kind": per_kind,
        "limits": limits.model_dump(),
        "files": len(outcomes),
        "ingested": sum(1 for o in outcomes if o.outcome == "ingested"),
        "refused": sum(1 for o in outcomes if o.outcome == "refused"),
        "crashed": sum(1 for o in outcomes if o.outcome == "crashed"),
        "missing": sum(1 for o in outcomes if o.outcome == "missing"),
        "problems": len(problems),
        "max_seconds": max(o.seconds for o in outcomes),
        "max_worker_mb": max(o.worker_peak_mb for o in outcomes),
        "kinds": kinds,
        "outcomes": [asdict(o) for o in outcomes],
        "together": together,
        "ok": not problems and together["exit"] == 0 and not together.get("unnamed") and not together["traceback"],
    }


def render(result: dict, argv: list[str]) -> list[str]:
    limits = result["limits"]
    t = result["together"]
    lines = header("Fuzz: hostile and broken files through the ingest", argv)
    lines += [
        f"**{result['files']} files fuzzed: {result['ingested']} ingested, {result['refused']} refused with a reason, "
        f"{result['crashed']} crashed, {result['missing']} unaccounted for; {result['problems']} outside their "
        f"bounds or expected outcome.** Slowest {result['max_seconds']}s, largest worker {result['max_worker_mb']} MB.",
        "",
        f"- limits: {limits['max_file_mb']:.0f} MB per file (and unpacked .docx), {limits['max_pages']} pages, "
        f"{limits['max_seconds_per_document']:.0f} s and {limits['max_memory_mb_per_document']} MB per document, "
        f"{limits['max_text_chars']:,} characters of text",
        f"- per file: one `ingest_paths([file])` into an empty index in a fresh interpreter; time is that process's "
        f"wall time (start-up and embedding included, bound = per-document limit + {STARTUP_SLACK_SECONDS:.0f} s); "
        "memory is the peak RSS (VmHWM) of the worker that read the file",
        f"- all {result['files']} together through `python bot.py ingest FOLDER --json`: exit {t['exit']}, "
        f"{t['seconds']}s, " + (
            f"{t['added']} added, {t['refused']} refused, {t['duplicates']} duplicates, every file named: "
            f"{'yes' if not t['unnamed'] else 'no: ' + ', '.join(t['unnamed'])}; traceback: {'yes' if t['traceback'] else 'no'}"
            if t["exit"] == 0 else "FAILED"),
        "",
        "## By kind",
        "",
        "| kind | files | ingested | refused | crashed | slowest s | worker peak MB | reasons given |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for kind, k in result["kinds"].items():
        reasons = "; ".join(r.replace("|", "/") for r in k["reasons"][:3]) + (" ..." if len(k["reasons"]) > 3 else "")
        lines.append(f"| {kind} | {k['files']} | {k['ingested']} | {k['refused']} | {k['crashed']} | "
                     f"{k['max_seconds']:.1f} | {k['max_worker_mb']:.0f} | {reasons} |")
    lines += ["", "## Every file", "",
              "| file | bytes | outcome | s | worker MB | reason | problems |", "|---|---:|---|---:|---:|---|---|"]
    for o in result["outcomes"]:
        lines.append(f"| {o['name']} | {o['size_bytes']:,} | {o['outcome']} | {o['seconds']} | {o['worker_peak_mb']} | "
                     f"{o['reason'].replace('|', '/')} | {'; '.join(o['problems'])} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=6)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--html-mb", type=int, default=50)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--keep", type=Path, default=None, help="Copy the mutants here afterwards.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fuzz-ingest-") as work:
        result = run(args.corpus, Path(work), args.seed, args.per_kind, args.html_mb)
        if args.keep:
            shutil.copytree(Path(work) / "mutants", args.keep, dirs_exist_ok=True)
    markdown = "\n".join(render(result, ["bench/faults/fuzz_ingest.py", *argv]))
    report = write_report(args.out, "fuzz", markdown, result)
    print(report.read_text())
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
