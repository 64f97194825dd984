"""Building the bolt App: the Web API client it talks through, its middleware and listeners."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from settings import SlackSettings
from slackbot import middleware
from slackbot.listeners import register_listeners
from slackbot.services import Services

RATE_LIMIT_RETRIES = 3


def build_web_client(slack: SlackSettings) -> WebClient:
    """A client that waits out HTTP 429 (Retry-After) and retries dropped connections."""
    return WebClient(
        token=slack.bot_token.get_secret_value(),
        base_url=slack.api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def build_app(services: Services, socket_mode: bool = False) -> App:
    """Over HTTP every request must carry Slack's signature; Socket Mode needs none."""
    slack = services.slack
    app = App(
        client=build_web_client(slack),
        signing_secret=slack.signing_secret.get_secret_value() or None,
        request_verification_enabled=not socket_mode,
        listener_executor=services.listeners,
        logger=logging.getLogger("slackbot.bolt"),
    )
    middleware.register(app, services)
    register_listeners(app)
    return app
