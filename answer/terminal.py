"""An answer drawn for the terminal: the short answer, then the sources that back each marker.

    The report was presented to the forum by Rebecca Wakeley, ... [1]

    Sources:
      [1] Leicestershire Schools' Forum minutes, p.2, 3. De-Delegation for School Improvement
          "The report was presented to the forum by Rebecca Wakeley, ..."

When nothing answers the question, the refusal is followed by the closest passages, so
the reader can see what the documents do say.
"""

from __future__ import annotations

import textwrap

import click

from answer.models import Answer
from answer.progress import CommitmentProgress
from answer.prompts import CLOSEST_PASSAGES
from answer.render import cells_shown, snippet

WIDTH = 100
INDENT = "      "


def render_answer(answer: Answer, color: bool = False) -> str:
    bold = (lambda text: click.style(text, bold=True)) if color else (lambda text: text)
    lines = [cells_shown(answer.text)]
    if answer.citations:
        lines += ["", bold("Sources:")]
        for citation in answer.citations:
            where = ", ".join(
                p for p in (citation.title or citation.doc, f"p.{citation.page}", citation.section) if p
            )
            lines.append(f"  [{citation.n}] {where}")
            if citation.doc and citation.doc != citation.title:
                lines.append(f"{INDENT}({citation.doc})")
            lines.append(_wrapped(f"“{citation.quote}”"))
    elif answer.hits:
        lines += ["", bold(CLOSEST_PASSAGES)]
        for number, hit in enumerate(answer.hits, start=1):
            lines.append(f"  {number}. {hit.citation()}")
            lines.append(_wrapped(snippet(hit.text, answer.resolved_question or answer.question)))
    return "\n".join(lines)


def render_progress(progress: list[CommitmentProgress], color: bool = False) -> str:
    """Each commitment, what became of it as later documents state it, and the quotes that say so."""
    if not progress:
        return "No commitments match."
    bold = (lambda text: click.style(text, bold=True)) if color else (lambda text: text)
    lines: list[str] = []
    for item in progress:
        c = item.commitment
        where = ", ".join(p for p in (c.strategy, f"priority {c.priority}" if c.priority is not None else "",
                                      c.year_label or c.year) if p)  # fmt: skip
        lines += ["", bold(f"{where}: {c.text}") + f" ({c.doc} p.{c.page})", f"  Progress: {item.status}"]
        for link in item.links:
            lines.append(f"  - {link.title or link.doc}, {link.date}, p.{link.page}"
                         + (f" (states: {link.status})" if link.status else ""))  # fmt: skip
            lines.append(_wrapped(f"“{cells_shown(link.quote)}”"))
    reported = sum(1 for item in progress if item.links)
    lines += ["", f"{len(progress)} commitments; {reported} reported on by a later document."]
    return "\n".join(lines[1:])


def _wrapped(text: str) -> str:
    return textwrap.indent(textwrap.fill(" ".join(text.split()), WIDTH - len(INDENT)), INDENT)
