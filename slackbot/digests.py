"""The digest of what an ingest brought, posted once to a channel, as that channel may see it.

After an ingest run from Slack it goes to SENDBOT_DIGEST_CHANNEL, or else to where the ingest was
run; after `bot.py ingest` it goes to SENDBOT_DIGEST_CHANNEL when that is set. Only an ingest that
wrote a new generation posts one, and the digest shows only documents the channel's audience may
see (a channel shared outside the organisation sees only public ones).
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot import blocks
from slackbot.audience import AudienceResolver
from slackbot.library import Library

log = logging.getLogger(__name__)


def post_digest(
    client: WebClient,
    library: Library,
    audiences: AudienceResolver,
    channel: str,
    user: str = "",
    links: blocks.DocumentLinks | None = None,
) -> bool:
    """Post the latest ingest's digest in `channel` (a DM's audience is `user`'s); whether one was posted."""
    audience = audiences.for_conversation(client, channel, user)
    digest = library.digest(audience)
    if not digest.documents:
        return False
    try:
        client.chat_postMessage(channel=channel, **blocks.digest_message(digest, links))
    except SlackApiError as exc:
        log.warning("could not post the digest in %s: %s", channel, exc.response.get("error"))
        return False
    return True
