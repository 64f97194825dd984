"""Slack's message markup, both ways: what a user typed -> plain words, our text -> safe mrkdwn."""

from __future__ import annotations

import re

_ENTITY = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def plain_text(text: str, bot_user_id: str | None = None) -> str:
    """The message as the user meant it: the bot's own mention removed, links and names as words."""

    def word(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "" if target[1:] == bot_user_id else f"@{label or target[1:]}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            return f"@{label or target[1:]}"
        return label or target

    text = _ENTITY.sub(word, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def escape(text: str) -> str:
    """Document text shown as-is: '<', '>' and '&' would otherwise be read as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    return f"<{url}|{escape(label).replace('|', '¦')}>"
