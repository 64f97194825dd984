"""SIGKILL at random moments (the short variant of bench/faults/kill_ingest.py).

The previous index answers exactly as before after every kill, a run that was adding three
documents leaves none of them half-added, and the next ingest completes with the same rows
as a clean ingest. The 20-kill run over the whole corpus is `python bench/faults/kill_ingest.py`.
"""

from __future__ import annotations

from pathlib import Path

from bench.faults.common import questions
from bench.faults.kill_ingest import RENAMED_PREFIX, run

BASE = [
    "leicester/Leicestershire-CFS-Scrutiny-2020-09-01 - SEND and Inclusion Strategy 2020-2023.pdf",
    "leicester/Leicestershire - SEND strategic developments (web page).pdf",
    "real/Kent-County-Council-2025-03-13 - Appendix 2 - Glossary of Terms 2024-25.pdf",
]
ADDED = [  # three documents, each with passages and records the previous index lacks
    "leicester/Leicestershire-Schools-Forum-2024-02-13 - Minutes.pdf",
    "real/Kent-Cabinet-2025-03-04 - Scrutiny Committee - call-in Family Hubs Report to Cabinet - FINAL.pdf",
    "real/Kent-Cabinet-2025-01-30 - 24-00096 - EQIA.pdf",
]


def test_random_kills_lose_nothing_and_the_next_ingest_is_complete(corpus, tmp_path, embedder):
    result = run(
        base=[corpus / p for p in BASE],
        added=[corpus / p for p in ADDED],
        work=tmp_path,
        kills=3,
        seed=3,
        queries=questions()[:30],
        remove=1,
        rename=1,
        say=lambda line: None,
    )
    killed = [t for t in result["trials"] if t["killed"]]
    assert len(killed) == 3, result["trials"]
    for trial in killed:
        assert trial["ok"], trial  # same generation, rows, answers; integrity; lock free
    assert {"reading", "writing"} <= {t["phase"] for t in killed}, result["trials"]  # while reading files, and while writing the index
    assert result["switched_complete"]  # a kill after the switch found the whole new generation
    assert result["workers_left_after_5s"] == 0

    completion = result["completion"]
    assert completion["added"] == sorted(Path(p).name for p in ADDED)
    assert completion["removed"] == [sorted(Path(p).name for p in BASE)[0]]
    assert completion["renamed"] == [f"{n} -> {RENAMED_PREFIX}{n}" for n in [sorted(Path(p).name for p in BASE)[1]]]
    assert completion["rows_equal_clean"], (completion["rows"], completion["clean_rows"])
    assert completion["rows"]["decisions"] > 0  # the records came through the kills as well
    assert not completion["leftover_scratch"] and not completion["failed"]
    assert result["ok"]
