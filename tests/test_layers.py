"""Data flows one way (ingest → index → answer → present), and imports follow it.

The layers, each importing only those before it: the text toolkit; the index (its store, its
types, search), which knows nothing of how documents are read; ingest, which reads documents
and writes them into the index; answer; and the Slack layer (and bot.py) on top. So the index
never imports ingest, and nothing below the Slack layer knows Slack. Checked over every import
in every module, including imports inside functions.
"""

from __future__ import annotations

import ast
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
