"""The blind question set: its questions with their fixed dev/test part, and the indexes it is asked of.

bench/blind/questions.jsonl was written by helpers who read only the documents (never the code or
its outputs), in officers' words, by the rules in bench/blind/RULES.md; bench/blind/split.json puts
each id in dev or test once. Leicester and Kent questions are asked of one index holding both
councils' PDFs; the other areas' questions of an index of their inspection reports alone, as a
council would index its own papers.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

from bench.common import REPO_ROOT, Question, load_questions

BLIND_DIR = REPO_ROOT / "bench" / "blind"
QUESTIONS = BLIND_DIR / "questions.jsonl"
SPLIT = BLIND_DIR / "split.json"
WORK = REPO_ROOT / "bench" / "work"
BLIND_INDEXES = {
    "blind-councils": {"folders": ("leicester", "real"), "corpora": ("leicester", "kent")},
    "blind-other-areas": {"folders": ("other-areas",), "corpora": ("other-areas",)},
}


def blind_questions() -> list[Question]:
    """Every blind question, with `part` set from the split; an id in neither part is an error."""
    split = json.loads(SPLIT.read_text(encoding="utf-8"))
    part = {i: "dev" for i in split["dev"]} | {i: "test" for i in split["test"]}
    questions = load_questions(QUESTIONS)
    unsplit = [q.id for q in questions if q.id not in part]
    if unsplit:
        raise ValueError(f"{SPLIT}: ids in neither dev nor test: {unsplit}")
    return [dataclasses.replace(q, part=part[q.id]) for q in questions]


def index_pdfs(name: str, corpus: Path) -> list[Path]:
    return sorted(p for folder in BLIND_INDEXES[name]["folders"] for p in (Path(corpus) / folder).glob("*.pdf"))


def ensure_index(name: str, corpus: Path) -> Path:
    """bench/work/NAME, brought up to date through the command line (a no-op when nothing changed)."""
    index_dir = WORK / name
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENDBOT_LLM_")}
    command = [sys.executable, str(REPO_ROOT / "bot.py"), "ingest", *map(str, index_pdfs(name, corpus)),
               "--index", str(index_dir)]
    subprocess.run(command, cwd=REPO_ROOT, env=env, check=True, capture_output=True)
    return index_dir
