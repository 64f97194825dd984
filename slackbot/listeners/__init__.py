"""Every listener module registers itself here; each one only hands its request to delivery."""

from __future__ import annotations

from slack_bolt import App

from slackbot.listeners import actions, commands, files, home, mentions, messages


def register_listeners(app: App) -> None:
    mentions.register(app)
    messages.register(app)
    files.register(app)
    commands.register(app)
    actions.register(app)
    home.register(app)
