"""Data flows one way (ingest → index → answer → present), and imports follow it.

The layers, each importing only those before it: the text toolkit; the index (its store, its
types, search), which knows nothing of how documents are read; ingest, which reads documents
and writes them into the index; answer; and the Slack layer (and bot.py) on top. So the index
never imports ingest, and nothing below the Slack layer knows Slack. Checked over every import
in every module, including imports inside functions.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["text", "index", "ingest", "answer", "slackbot"]


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_no_module_imports_a_layer_after_its_own(layer):
    later = set(LAYERS[LAYERS.index(layer) + 1 :])
    wrong = {str(path.relative_to(ROOT)): sorted(imported_packages(path) & later) for path in sorted((ROOT / layer).rglob("*.py"))}
    assert {module: packages for module, packages in wrong.items() if packages} == {}


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from slackbot.blocks import render\n    import answer.compose\n")
    assert imported_packages(module) == {"slackbot", "answer"}


# index/store.py owns the index's schema: ingest writes a generation through its typed methods,
# answer and Slack read through search and the store. The Slack layer's own state store
# (threads, feedback, retention, seen events, uploads) is its own database.
OWN_STORE = {"storage.py", "threads.py", "feedback.py", "retention.py", "seen_events.py", "uploads.py"}
SQL = re.compile(r"[\"']\s*(?:SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\s")  # a statement in a string


@pytest.mark.parametrize("layer", ["ingest", "answer", "slackbot"])
def test_no_sql_on_the_index_outside_index(layer):
    with_sql = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / layer).rglob("*.py"))
        if path.name not in OWN_STORE and SQL.search(path.read_text())
    ]
    assert with_sql == []
