"""How a reply reaches Slack: a placeholder at once, then that same message updated.

One message per question: "Searching…" is posted within a second, then replaced
(chat.update) by the answer with its sources and buttons, or by a short apology if
anything fails, whose cause goes to the log. Slash commands that only concern the
asker (help, status, listings, refusals) are answered privately through response_url.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot import blocks, request_words
from slackbot.conversation import Requester
from slackbot.policy import is_direct_message
from slackbot.replies import Reply
from slackbot.request_words import Request, parse_request
from slackbot.services import Services
from slackbot.slack_files import incoming_file

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 2.0  # chat.update is rate limited (about one a second per channel)
# Slash-command requests answered by a message in the channel; the rest are private.
POSTED_IN_CHANNEL = {request_words.ASK, request_words.INGEST}


def thread_key(channel: str, thread_ts: str) -> str:
    return f"slack:{channel}:{thread_ts}"


class ReplyMessage:
    """The one message that answers a request: posted as a placeholder, then updated in place."""

    def __init__(self, client: WebClient, channel: str, thread_ts: str | None, text: str) -> None:
        self.client = client
        self.channel = channel
        response = client.chat_postMessage(channel=channel, thread_ts=thread_ts, **blocks.progress(text))
        self.ts: str = response["ts"]
        self._last_progress = time.monotonic()

    def progress(self, line: str) -> None:
        """Show how a long job is going, at most every couple of seconds."""
        if time.monotonic() - self._last_progress >= PROGRESS_INTERVAL_SECONDS:
            self._last_progress = time.monotonic()
            self.client.chat_update(channel=self.channel, ts=self.ts, **blocks.progress(line))

    def finish(self, content: dict) -> None:
        self.client.chat_update(channel=self.channel, ts=self.ts, **content)

    def fill(
        self,
        make_reply: Callable[[ReplyMessage], Reply],
        base_url: str,
        asked_by: str = "",
    ) -> None:
        """Replace the placeholder with the reply, or with an apology if making it failed."""
        try:
            content = blocks.render(make_reply(self), base_url, asked_by)
        except Exception:
            log.exception("request failed in %s", self.channel)
            content = blocks.apology()
        self.finish(content)


def _requester(services: Services, client: WebClient, user: str, channel: str) -> Requester:
    """The asker, and what the conversation they ask in may see (slackbot.audience)."""
    return Requester(
        user, services.policy.is_admin(client, user), services.audiences.for_conversation(client, channel, user)
    )


def _placeholder(request: Request) -> str:
    return blocks.INGESTING if request.verb == request_words.INGEST else blocks.SEARCHING


def answer_in_thread(
    services: Services,
    client: WebClient,
    *,
    channel: str,
    thread_ts: str,
    user: str,
    text: str,
) -> None:
    """A mention or a DM: the reply goes in the message's thread, remembering the thread.

    The placeholder is posted from the listener's own thread, so it appears at once even
    when every worker is busy answering; only the answering waits for a worker.
    """
    if not services.policy.channel_allowed(channel):
        client.chat_postEphemeral(channel=channel, user=user, text=blocks.CHANNEL_NOT_ALLOWED)
        return
    request = parse_request(text)
    requester = _requester(services, client, user, channel)
    refused = services.conversation.refusal(requester, request)
    if refused is not None:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, **blocks.render(refused))
        return
    message = ReplyMessage(client, channel, thread_ts, _placeholder(request))
    services.submit(
        message.fill,
        lambda m: services.conversation.handle(
            requester, request, thread_key(channel, thread_ts), m.progress
        ),
        services.slack.document_base_url,
    )


def run_command(services: Services, client: WebClient, respond: Respond, command: dict) -> None:
    """`/sendbot ...`, already acknowledged: questions and ingests get a message in the channel."""
    channel, user = command["channel_id"], command["user_id"]
    if not services.policy.channel_allowed(channel):
        respond(text=blocks.CHANNEL_NOT_ALLOWED, response_type="ephemeral")
        return
    request = parse_request(command.get("text") or "")
    requester = _requester(services, client, user, channel)
    if request.verb in POSTED_IN_CHANNEL and services.conversation.refusal(requester, request) is None:
        try:
            message = ReplyMessage(client, channel, None, _placeholder(request))
        except SlackApiError as exc:  # e.g. not_in_channel: still answer, privately
            log.info("can't post in %s (%s); answering privately", channel, exc.response.get("error"))
        else:
            services.submit(
                message.fill,
                lambda m: services.conversation.handle(
                    requester, request, thread_key(channel, m.ts), m.progress
                ),
                services.slack.document_base_url,
                asked_by=user,
            )
            return
    services.submit(
        _respond_privately,
        respond,
        # private answers of one user in one channel make one conversation
        lambda: services.conversation.handle(requester, request, thread_key(channel, f"private-{user}")),
        services.slack.document_base_url,
    )


def _respond_privately(respond: Respond, make_reply: Callable[[], Reply], base_url: str, **options) -> None:
    try:
        content = blocks.render(make_reply(), base_url)
    except Exception:
        log.exception("request failed")
        content = blocks.apology()
    respond(response_type="ephemeral", **options, **content)


def record_feedback(services: Services, respond: Respond, *, user: str, turn_id: str, verdict: str) -> None:
    services.submit(
        _respond_privately,
        respond,
        lambda: services.conversation.record_feedback(int(turn_id), user, verdict),
        "",
        replace_original=False,
    )


def show_more_sources(
    services: Services, client: WebClient, respond: Respond, *, user: str, channel: str, turn_id: str
) -> None:
    """Sources by the rights of the conversation the button is clicked in, not the one asked in."""
    services.submit(
        _respond_privately,
        respond,
        lambda: services.conversation.more_sources(
            int(turn_id), services.audiences.for_conversation(client, channel, user)
        ),
        services.slack.document_base_url,
        replace_original=False,
    )


def show_more_records(
    services: Services, client: WebClient, respond: Respond, *, user: str, channel: str, value: str
) -> None:
    """The listing's next page replaces the message whose "More" was clicked."""

    def next_page() -> Reply:
        wanted = json.loads(value)
        request = parse_request(wanted["text"], page=int(wanted["page"]))
        return services.conversation.handle(_requester(services, client, user, channel), request, "")

    services.submit(
        _respond_privately,
        respond,
        next_page,
        services.slack.document_base_url,
        replace_original=True,
    )


def add_upload(services: Services, client: WebClient, *, channel: str, user: str, file_id: str) -> None:
    """A file shared in a DM with the bot: an admin's document is added to the index."""
    if not is_direct_message(channel):
        return
    slack = services.slack
    message = ReplyMessage(client, channel, None, blocks.READING_UPLOAD)
    services.submit(
        message.fill,
        lambda m: services.conversation.add_upload(
            _requester(services, client, user, channel),
            incoming_file(client, file_id, slack.bot_token.get_secret_value(), slack.api_url),
            m.progress,
        ),
        slack.document_base_url,
    )
