"""The App Home: suggested prompts for the Messages tab, and the Home tab's view.

Both are drawn from what the person may see (their audience, as in a DM): the prompts from a
strategy's priorities, the latest meeting's decisions and what is indexed; the Home tab from
the index's own figures, how to ask, and the person's recent questions. Admins also get the
Re-ingest button, the last ingest's report with the files that failed and why, and the
helpful / not helpful summary with the latest answers marked not helpful.
"""

from __future__ import annotations

from collections import Counter

from index.audience import Audience
from index.store import IndexStatus
from slackbot.conversation import HELP_LINES
from slackbot.filters import CommitmentFilters, DecisionFilters
from slackbot.library import Library
from slackbot.mrkdwn import escape

ACTION_REINGEST = "home_reingest"
ACTION_UPLOAD = "home_upload"
UPLOAD_FORM = "upload_form"  # the upload modal's callback_id
ACTION_REMOVE = "home_remove"
DOCUMENTS_SHOWN = 20  # a Home tab holds 100 blocks
PROMPTS_TITLE = "Try asking"
RECENT_QUESTIONS = 5
WORST_RATED = 3


def suggested_prompts(library: Library, audience: Audience) -> list[dict[str, str]]:
    """Up to four prompts, each a message the bot understands, from what is indexed."""
    prompts = []
    commitments = [c for c in library.commitments(CommitmentFilters(), audience) if c.priority is not None]
    if commitments:  # the strategy with the most commitments, its first priority
        strategy = Counter(c.strategy for c in commitments).most_common(1)[0][0]
        first = next(c for c in commitments if c.strategy == strategy)
        prompts.append({
            "title": _short(f"{first.strategy} priority {first.priority}: {first.priority_title}"),
            "message": f"commitments {first.strategy} priority {first.priority}",
        })  # fmt: skip
    decisions = [d for d in library.decisions(DecisionFilters(), audience) if d.date]
    if decisions:
        latest = max(decisions, key=lambda d: d.date)
        prompts.append({
            "title": _short(f"What did {latest.body} decide on {latest.date}?"),
            "message": f"decisions {latest.body} {latest.date}",
        })  # fmt: skip
    themes = Counter(theme for c in commitments for theme in c.themes)
    if themes:  # what the strategies commit to most often
        question = f"What did we commit to on {themes.most_common(1)[0][0]}?"
        prompts.append({"title": _short(question), "message": question})
    prompts.append({"title": "What is indexed?", "message": "status"})
    return prompts[:4]


def home_view(status: IndexStatus | None, recent: list[str], admin: dict | None) -> dict:
    """The Home tab; `admin` (the last ingest, the feedback, the removable documents) only for admins."""
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": "sendbot"}}]
    if status is None:
        blocks.append(_section("*Nothing is indexed yet.* An admin can add documents."))
    else:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(status.by_kind.items()))
        blocks.append(_section(
            f"*What is indexed:* {status.documents} documents ({escape(kinds)}), {status.pages} pages.\n"
            f"Last ingest: {escape(status.last_ingest.get('finished', 'never'))}"
        ))  # fmt: skip
    blocks.append({"type": "divider"})
    blocks.append(_section("*How to ask*\n" + "\n".join(f"• {line}" for line in HELP_LINES)))
    if recent:
        blocks.append(_section("*Your recent questions*\n" + "\n".join(f"• {escape(q)}" for q in recent)))
    if admin is not None:
        blocks += _admin_blocks(admin)
    return {"type": "home", "blocks": blocks}


def _admin_blocks(admin: dict) -> list[dict]:
    blocks = [{"type": "divider"}, _section("*For admins*")]
    blocks.append({"type": "actions", "elements": [
        {"type": "button", "action_id": ACTION_UPLOAD, "style": "primary",
         "text": {"type": "plain_text", "text": "Upload a document"}},
        {"type": "button", "action_id": ACTION_REINGEST,
         "text": {"type": "plain_text", "text": "Re-ingest the documents folder"}},
    ]})  # fmt: skip
    last = admin.get("last_ingest") or {}
    if last:
        lines = [f"*Last ingest:* {escape(last.get('finished', ''))}: {escape(last.get('summary', ''))}"]
        lines += [f"• Failed: {escape(name)}: {escape(reason)}" for name, reason in last.get("failed", [])]
        blocks.append(_section("\n".join(lines)))
    removable = admin.get("documents") or []
    if removable:
        blocks.append(_section(f"*Documents in the documents folder* ({len(removable)})"))
        for doc, title in removable[:DOCUMENTS_SHOWN]:
            blocks.append({**_section(f"{escape(title)}\n_{escape(doc)}_"), "accessory": {
                "type": "button", "action_id": ACTION_REMOVE, "value": doc, "style": "danger",
                "text": {"type": "plain_text", "text": "Remove"},
                "confirm": {"title": {"type": "plain_text", "text": "Remove this document?"},
                            "text": {"type": "plain_text", "text": f"{doc[:200]} leaves the documents folder and the index."},
                            "confirm": {"type": "plain_text", "text": "Remove"},
                            "deny": {"type": "plain_text", "text": "Keep it"}},
            }})  # fmt: skip
        if len(removable) > DOCUMENTS_SHOWN:
            blocks.append(_section(f"and {len(removable) - DOCUMENTS_SHOWN} more"))
    feedback = admin.get("feedback") or []
    helpful = sum(entry["verdict"] == "helpful" for entry in feedback)
    unhelpful = [entry for entry in feedback if entry["verdict"] == "not_helpful"]
    lines = [f"*Feedback:* {helpful} helpful, {len(unhelpful)} not helpful"]
    lines += [f"• Not helpful: {escape(entry['question'])}" for entry in unhelpful[-WORST_RATED:][::-1]]
    blocks.append(_section("\n".join(lines)))
    return blocks


def upload_form() -> dict:
    """The admins' upload modal: a PDF or Word file, added to the documents folder and ingested."""
    return {
        "type": "modal",
        "callback_id": UPLOAD_FORM,
        "title": {"type": "plain_text", "text": "Add a document"},
        "submit": {"type": "plain_text", "text": "Add"},
        "blocks": [{
            "type": "input", "block_id": "file", "label": {"type": "plain_text", "text": "A PDF or Word file"},
            "element": {"type": "file_input", "action_id": "file", "filetypes": ["pdf", "docx"], "max_files": 5},
        }],
    }  # fmt: skip


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _short(text: str, limit: int = 75) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
