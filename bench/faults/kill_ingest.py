"""Kill an ingest with SIGKILL at random moments, again and again; nothing may be lost.

Setup: an index of part of the shared corpus (the "previous index"). Then the documents
folder changes (the rest of the corpus added, one document removed, one renamed) and
`python bot.py ingest` is started on it and SIGKILLed after a random delay, drawn with a
fixed seed from [0, T] where T is how long that ingest takes when left alone (measured
first, on a copy). Every other kill waits instead for the ingest to start writing its new
generation and comes a random part of the calibrated writing time later: the writing is a
few seconds of the run, and the kills must land there too, not only while files are read (if
none has by the last kill, the last one aims there until one lands). After every kill:

  - `current` still names the previous generation, and the SQLite file passes
    `PRAGMA integrity_check`;
  - every question of bench/questions.jsonl gets exactly the same results from a freshly
    opened reader as before the first kill (passage ids, documents, pages, scores, texts);
  - every row a reader can see (documents, passages, units, commitments, decisions) is unchanged:
    none of the added documents is half there;
  - the ingest lock is free (the kernel dropped the dead process's flock);
  - the worker processes of the killed ingest are gone within 5 s (counted if not; then killed).

An ingest that finishes before its kill does not count as a kill; the previous index is put
back and another delay is drawn. After the last kill, one ingest runs to completion; it must
report the change set and give the same documents, passages, commitments and decisions rows
as a clean ingest of the same folder into an empty index (search results of the two are
compared as well and reported).

Usage (from the repo root):
  python bench/faults/kill_ingest.py [--kills 20] [--seed 7] [--corpus ../shared/corpus]
                                     [--questions bench/questions.jsonl] [--out bench/results]
Writes OUT/faults.md and OUT/faults.json (the kill section; disk-full and read-only are
covered by tests/test_faults_disk.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import write_report  # noqa: E402
from bench.faults.common import (  # noqa: E402
    DEFAULT_CORPUS,
    DEFAULT_OUT,
    DEFAULT_QUESTIONS,
    REPO_ROOT,
    answers,
    bot,
    content_counts,
    corpus_pdfs,
    end_session,
    header,
    index_content,
    integrity_ok,
    lock_is_free,
    product_env,
    questions,
    run_ingest,
    session_members,
)
from index.store import CURRENT  # noqa: E402

# The killed ingest adds these (the two largest PDFs among them, so it has real work to do).
ADDED_BY_DEFAULT = [
    "Kent-Cabinet-2025-03-04 - QPR Q3 Cabinet appendix 1.pdf",
    "Leicester-CYPE-Scrutiny-2021-09-02 - Agenda pack.pdf",
    "Kent-County-Council-2025-02-13 - Appendix J - Budget Risk Register.pdf",
    "Kent-Cabinet-2025-01-30 - Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf",
    "Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf",
    "Kent-County-Council-2025-03-13 - Questions put and answers given - March 2025.pdf",
]
RENAMED_PREFIX = "renamed - "


def prepare(base: list[Path], added: list[Path], work: Path, remove: int, rename: int) -> dict:
    """Index `base`, then change the folder: add `added`, remove and rename base documents."""
    folder = work / "documents"
    folder.mkdir(parents=True)
    for path in base:
        shutil.copy(path, folder / path.name)
    index_dir = work / "index"
    first = run_ingest(folder, index_dir)
    for path in added:
        shutil.copy(path, folder / path.name)
    kept = sorted(p.name for p in base)
    removed, renamed = kept[:remove], kept[remove:remove + rename]
    for name in removed:
        (folder / name).unlink()
    for name in renamed:
        (folder / name).rename(folder / f"{RENAMED_PREFIX}{name}")
    return {"folder": folder, "index": index_dir, "first": first,
            "added": sorted(p.name for p in added), "removed": removed, "renamed": renamed}


def kill_once(folder: Path, index_dir: Path, delay: float, log: Path, once_writing: bool = False) -> dict:
    """Start an ingest, SIGKILL it `delay` s after its start, or after it starts writing its
    new generation if `once_writing` (unless it finishes first)."""
    started = time.time()
    with log.open("ab") as stderr:
        process = subprocess.Popen(
            bot("ingest", str(folder), "--index", str(index_dir), "--json"),
            cwd=REPO_ROOT, env=product_env(), stdout=subprocess.DEVNULL, stderr=stderr,
            start_new_session=True,
        )
    if once_writing:
        while process.poll() is None and not any(_created_since(p, started) for p in index_dir.glob(".building-*")):
            time.sleep(0.01)
        delay += time.time() - started
    try:
        process.wait(timeout=max(0.0, delay - (time.time() - started)))
        return {"delay": round(delay, 2), "killed": False, "exit": process.returncode}
    except subprocess.TimeoutExpired:
        pass
    members = session_members(process.pid)
    # a scratch folder this ingest made (one left by the previous kill is older)
    building = any(_created_since(p, started) for p in index_dir.glob(".building-*"))
    phase = "writing" if building else ("reading" if len(members) > 1 else "starting/planning")
    process.send_signal(signal.SIGKILL)
    process.wait()
    orphans = end_session(process.pid)
    return {"delay": round(delay, 2), "killed": True, "phase": phase, "workers_left_after_5s": orphans}


def calibrate(folder: Path, index_dir: Path) -> tuple[float, float, float]:
    """Run the ingest to completion: how long it takes, when its new generation's scratch
    folder appears (the writing starts) and when `current` switches to it (the writing ends)."""
    started = time.monotonic()
    before = os.readlink(index_dir / CURRENT)
    process = subprocess.Popen(
        bot("ingest", str(folder), "--index", str(index_dir), "--json"),
        cwd=REPO_ROOT, env=product_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    writing_from = switched_at = None
    while process.poll() is None:
        if writing_from is None and any(index_dir.glob(".building-*")):
            writing_from = time.monotonic() - started
        if switched_at is None and os.readlink(index_dir / CURRENT) != before:
            switched_at = time.monotonic() - started
        time.sleep(0.005)
    if process.returncode != 0:
        raise RuntimeError(f"the calibration ingest failed ({process.returncode})")
    total = time.monotonic() - started
    writing_from = writing_from if writing_from is not None else 0.0
    return total, writing_from, switched_at if switched_at is not None else total


def _created_since(path: Path, moment: float) -> bool:
    try:
        return path.stat().st_ctime >= moment - 0.01
    except OSError:
        return False


def check_previous(index_dir: Path, generation: str, content: dict, expected: list, queries: list[str]) -> dict:
    started = time.monotonic()
    now_generation = os.readlink(index_dir / CURRENT)
    result = {
        "same_generation": now_generation == generation,
        "integrity_ok": integrity_ok(index_dir),
        "same_rows": index_content(index_dir) == content,
        "lock_free": lock_is_free(index_dir),
    }
    got = answers(index_dir, queries)
    result["same_answers"] = sum(1 for a, b in zip(got, expected, strict=True) if a == b)
    result["questions"] = len(queries)
    result["ok"] = (result["same_generation"] and result["integrity_ok"] and result["same_rows"]
                    and result["lock_free"] and result["same_answers"] == len(queries))
    result["check_seconds"] = round(time.monotonic() - started, 2)
    return result


def first_difference(incremental: dict, clean: dict) -> dict | None:
    for table, rows in incremental.items():
        if rows != clean[table]:
            for number, (mine, theirs) in enumerate(zip(rows, clean[table], strict=False)):
                if mine != theirs:
                    return {"table": table, "row": number, "incremental": str(mine)[:600], "clean": str(theirs)[:600]}
            return {"table": table, "rows": len(rows), "clean_rows": len(clean[table])}
    return None


def restore(backup: Path, index_dir: Path) -> None:
    shutil.rmtree(index_dir)
    shutil.copytree(backup, index_dir, symlinks=True)


def run(base: list[Path], added: list[Path], work: Path, kills: int, seed: int, queries: list[str],
        remove: int = 1, rename: int = 1, max_attempts: int | None = None, say=print) -> dict:
    """The whole experiment; returns every figure (the caller decides what must hold)."""
    started = time.monotonic()
    setup = prepare(base, added, work, remove, rename)
    folder, index_dir = setup["folder"], setup["index"]
    say(f"previous index: {setup['first']['documents']} documents, {setup['first']['passages']} passages")
    generation = os.readlink(index_dir / CURRENT)
    content = index_content(index_dir)
    expected = answers(index_dir, queries)
    backup = work / "index-backup"
    shutil.copytree(index_dir, backup, symlinks=True)

    calibration = work / "calibration"
    shutil.copytree(index_dir, calibration, symlinks=True)
    uninterrupted, writing_from, switched_at = calibrate(folder, calibration)
    completed = index_content(calibration)
    shutil.rmtree(calibration)
    say(f"uninterrupted ingest of the change: {uninterrupted:.1f}s, writing from {writing_from:.1f}s"
        f" to {switched_at:.1f}s")

    rng = random.Random(seed)
    log = work / "killed-ingests.log"
    trials, restored = [], 0
    max_attempts = max_attempts or kills * 3
    while sum(1 for t in trials if t["killed"]) < kills and len(trials) < max_attempts:
        killed_so_far = [t for t in trials if t["killed"]]
        # every other kill aims at the writing, which can finish before its kill lands: the last
        # kill aims there too until one has landed, so both phases are always covered
        writing_missing = len(killed_so_far) == kills - 1 and all(t["phase"] != "writing" for t in killed_so_far)
        if len(trials) % 2 or writing_missing:
            trial = kill_once(folder, index_dir, rng.uniform(0, switched_at - writing_from), log, once_writing=True)
        else:
            trial = kill_once(folder, index_dir, rng.uniform(0, uninterrupted), log)
        if trial["killed"] and os.readlink(index_dir / CURRENT) != generation:
            # the SIGKILL came after the switch, while the finished ingest was exiting: then the
            # new generation must be the whole change, exactly as an uninterrupted ingest made it
            trial.update(killed=False, switched=True, complete=index_content(index_dir) == completed)
        if trial["killed"]:
            trial.update(check_previous(index_dir, generation, content, expected, queries))
            say(f"kill {sum(1 for t in trials if t['killed']) + 1}: after {trial['delay']}s ({trial['phase']}):"
                f" {'ok' if trial['ok'] else 'FAILED'} ({trial['same_answers']}/{len(queries)} answers same)")
        else:
            restore(backup, index_dir)
            restored += 1
            state = (f"; it had switched to its new generation, {'complete' if trial['complete'] else 'INCOMPLETE'}"
                     if trial.get("switched") else "")
            say(f"ingest finished before its kill at {trial['delay']}s{state}: previous index put back")
        trials.append(trial)

    clock = time.monotonic()
    final = run_ingest(folder, index_dir)
    final_seconds = time.monotonic() - clock
    clean_dir = work / "clean"
    clean = run_ingest(folder, clean_dir)
    final_content, clean_content = index_content(index_dir), index_content(clean_dir)
    final_answers, clean_answers = answers(index_dir, queries), answers(clean_dir, queries)
    same_hits = sum(
        1 for a, b in zip(final_answers, clean_answers, strict=True)
        if [(h[0], h[1], h[2], h[4]) for h in a] == [(h[0], h[1], h[2], h[4]) for h in b]
    )
    expected_renamed = [f"{n} -> {RENAMED_PREFIX}{n}" for n in setup["renamed"]]
    killed = [t for t in trials if t["killed"]]
    completion = {
        "seconds": round(final_seconds, 1),
        "added": sorted(final["added"]),
        "removed": sorted(final["removed"]),
        "renamed": sorted(final["renamed"]),
        "failed": final["failed"],
        "change_set_reported": (sorted(final["added"]) == setup["added"]
                                and sorted(final["removed"]) == setup["removed"]
                                and sorted(final["renamed"]) == expected_renamed),
        "rows_equal_clean": final_content == clean_content,
        "first_difference": first_difference(final_content, clean_content),
        "rows": content_counts(final_content),
        "clean_rows": content_counts(clean_content),
        "same_hits_as_clean": same_hits,
        "same_scores_as_clean": sum(1 for a, b in zip(final_answers, clean_answers, strict=True) if a == b),
        "leftover_scratch": sorted(p.name for p in index_dir.glob(".building-*")),
        "generations_kept": sorted(p.name for p in index_dir.glob("gen-*")),
        "clean_report_added": len(clean["added"]),
    }
    return {
        "seed": seed,
        "kills_asked": kills,
        "kills": len(killed),
        "kills_ok": sum(1 for t in killed if t["ok"]),
        "finished_before_kill": restored,
        "switched_then_killed": sum(1 for t in trials if t.get("switched")),
        "switched_complete": all(t["complete"] for t in trials if t.get("switched")),
        "phases": {p: sum(1 for t in killed if t["phase"] == p) for p in sorted({t["phase"] for t in killed})},
        "workers_left_after_5s": sum(t["workers_left_after_5s"] for t in killed),
        "questions": len(queries),
        "previous_index": {"documents": setup["first"]["documents"], "passages": setup["first"]["passages"],
                           "generation": generation},
        "change": {"added": setup["added"], "removed": setup["removed"], "renamed": expected_renamed},
        "uninterrupted_seconds": round(uninterrupted, 1),
        "writing_from_seconds": round(writing_from, 1),
        "switched_at_seconds": round(switched_at, 1),
        "trials": trials,
        "completion": completion,
        "ok": (len(killed) == kills and all(t["ok"] for t in killed) and completion["change_set_reported"]
               and all(t["complete"] for t in trials if t.get("switched"))
               and completion["rows_equal_clean"] and not completion["failed"]
               and not completion["leftover_scratch"]),
        "seconds": round(time.monotonic() - started, 1),
    }


def render(result: dict, argv: list[str]) -> list[str]:
    c = result["completion"]
    lines = header("Faults: ingest killed at random moments", argv)
    lines += [
        f"**{result['kills_ok']} of {result['kills']} kills survived** (seed {result['seed']}; "
        f"{result['finished_before_kill']} ingests finished before their kill and were not counted, "
        f"{result['switched_then_killed']} of them killed after switching to their new generation, which was "
        f"{'complete' if result['switched_complete'] else 'INCOMPLETE'}). "
        f"After every kill the previous index answered all {result['questions']} questions of "
        "bench/questions.jsonl with identical results (passage, document, page, score, text), its rows were "
        "unchanged, `PRAGMA integrity_check` passed and the ingest lock was free." if result["ok"] else
        f"**FAILED: {result['kills_ok']} of {result['kills']} kills left the previous index intact.**",
        "",
        f"- previous index: {result['previous_index']['documents']} documents, "
        f"{result['previous_index']['passages']} passages",
        f"- the killed ingest: adds {len(result['change']['added'])} PDFs, removes "
        f"{len(result['change']['removed'])}, renames {len(result['change']['renamed'])}; "
        f"{result['uninterrupted_seconds']}s when left alone, writing its new generation from "
        f"{result['writing_from_seconds']}s and switching to it at {result['switched_at_seconds']}s; kill delays uniform in [0, {result['uninterrupted_seconds']}] s, "
        f"every other one uniform in the writing time after the writing started (delay = from the start)",
        "- where the kills landed: " + ", ".join(f"{n} {p}" for p, n in result["phases"].items())
        + " (reading = worker processes alive; writing = new generation being built)",
        f"- worker processes still alive 5 s after their ingest was killed: {result['workers_left_after_5s']}",
        "",
        "| # | delay s | phase | same generation | integrity | same rows | same answers | lock free |",
        "|---:|---:|---|---|---|---|---:|---|",
    ]
    number = 0
    for trial in result["trials"]:
        if not trial["killed"]:
            continue
        number += 1
        yes = lambda value: "yes" if value else "**no**"  # noqa: E731
        lines.append(
            f"| {number} | {trial['delay']} | {trial['phase']} | {yes(trial['same_generation'])} | "
            f"{yes(trial['integrity_ok'])} | {yes(trial['same_rows'])} | "
            f"{trial['same_answers']}/{trial['questions']} | {yes(trial['lock_free'])} |"
        )
    lines += [
        "",
        "## The next ingest completes, and is complete",
        "",
        f"- took {c['seconds']}s; reported {len(c['added'])} added, {len(c['removed'])} removed, "
        f"{len(c['renamed'])} renamed, {len(c['failed'])} failed; "
        f"change set as expected: {'yes' if c['change_set_reported'] else '**no**'}",
        f"- same documents, passages, commitments and decisions rows as a clean ingest into an empty index: "
        f"{'yes' if c['rows_equal_clean'] else '**no**'} ({', '.join(f'{k} {v}' for k, v in c['rows'].items())})",
        *([f"- first difference: {c['first_difference']}"] if c["first_difference"] else []),
        f"- search results (passage, document, page, text for the top 10) the same as the clean index's for "
        f"{c['same_hits_as_clean']}/{result['questions']} questions; scores bit-identical for "
        f"{c['same_scores_as_clean']}/{result['questions']}",
        f"- scratch folders left: {len(c['leftover_scratch'])}; generations kept: {', '.join(c['generations_kept'])}",
        f"- whole run: {result['seconds']}s",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    pdfs = corpus_pdfs(args.corpus)
    added = [p for p in pdfs if p.name in ADDED_BY_DEFAULT]
    base = [p for p in pdfs if p.name not in ADDED_BY_DEFAULT]
    with tempfile.TemporaryDirectory(prefix="kill-ingest-") as work:
        result = run(base, added, Path(work), args.kills, args.seed, questions(args.questions))
    markdown = "\n".join(render(result, ["bench/faults/kill_ingest.py", *argv]))
    report = write_report(args.out, "faults", markdown, result)
    print(report.read_text())
    print(json.dumps({"ok": result["ok"], "kills": result["kills"], "kills_ok": result["kills_ok"]}))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
