"""How a reply reaches Slack: Slack's own status while the bot works, then one message.

A question (a DM, a mention, a reply in a thread) gets Slack's status at once ("is searching
the council's documents…", or its place in the queue when every worker is busy), then the
checked answer is posted in the thread as one message, or a short apology if anything fails,
whose cause goes to the log. Where a channel wants private answers the asker alone sees it,
with a button that shares it in the thread. A long job (an ingest), or a question where Slack
refuses a status, gets a placeholder message that shows progress and is then updated in place.
Slash commands that only concern the asker (help, status, listings, refusals) are answered
privately through response_url. The bot does not answer in channels shared with another
organisation (Slack Connect), and says so privately.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from slack_bolt import Respond
from slack_bolt.context.set_status import SetStatus
from slack_bolt.context.set_suggested_prompts import SetSuggestedPrompts
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from errors import SendBotError
from index.store import current_generation
from slackbot import blocks, home, request_words, retention
from slackbot.conversation import Requester
from slackbot.digests import post_digest
from slackbot.feedback import list_feedback
from slackbot.policy import is_direct_message
from slackbot.replies import Reply
from slackbot.request_words import Request, parse_request
from slackbot.services import Services
from slackbot.slack_files import incoming_file

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 2.0  # chat.update is rate limited (about one a second per channel)
STATUS = "is searching the council's documents…"
LOADING_MESSAGES = [
    "Searching the council's documents…",
    "Reading the passages that match…",
    "Checking each quote against its page…",
]
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
        links: blocks.DocumentLinks,
        asked_by: str = "",
    ) -> None:
        """Replace the placeholder with the reply, or with an apology if making it failed."""
        self.finish(_render(lambda: make_reply(self), links, asked_by=asked_by))


def _requester(services: Services, client: WebClient, user: str, channel: str, message_ts: str = "") -> Requester:
    """The asker, what the conversation they ask in may see (slackbot.audience), and their message."""
    return Requester(
        user,
        services.policy.is_admin(client, user),
        services.audiences.for_conversation(client, channel, user),
        f"{channel}:{message_ts}" if message_ts else "",
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
    message_ts: str = "",
    set_status: SetStatus | None = None,
) -> None:
    """A mention, a DM or a follow-up: the reply goes in the message's thread, remembering the thread.

    The status (or placeholder) is set from the listener's own thread, so it appears at once
    even when every worker is busy answering; only the answering waits for a worker.
    """
    if not services.policy.channel_allowed(channel):
        client.chat_postEphemeral(channel=channel, user=user, text=blocks.CHANNEL_NOT_ALLOWED)
        return
    if not is_direct_message(channel) and services.audiences.shared_outside(client, channel):
        client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=blocks.SHARED_CHANNEL)
        return
    request = parse_request(text)
    requester = _requester(services, client, user, channel, message_ts)
    refused = services.conversation.refusal(requester, request)
    if refused is not None:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, **blocks.render(refused))
        return
    links = services.links()

    def reply(progress: Callable[[str], None] | None = None) -> Reply:
        return services.conversation.handle(requester, request, thread_key(channel, thread_ts), progress)

    if request.verb == request_words.ASK and not is_direct_message(channel) and services.slack.answers_privately(channel):
        services.submit(_answer_privately, client, channel, thread_ts, user, reply, links)
    elif request.verb == request_words.ASK and set_status is not None and _show_status(set_status, services.place_in_queue()):
        services.submit(_post_once, client, channel, thread_ts, reply, links)
    else:
        message = ReplyMessage(client, channel, thread_ts, _placeholder(request))
        services.submit(message.fill, lambda m: reply(m.progress), links)


def _show_status(set_status: SetStatus, place: int) -> bool:
    """Slack's own status for the thread, or the asker's place in the queue; False if Slack refuses it."""
    status = STATUS if place <= 0 else f"is answering other questions: yours is number {place} in the queue…"
    try:
        set_status(status=status, loading_messages=LOADING_MESSAGES if place <= 0 else None)
    except SlackApiError as exc:
        log.info("Slack refused a status (%s); showing a placeholder instead", exc.response.get("error"))
        return False
    return True


def _render(make_reply: Callable[[], Reply], links: blocks.DocumentLinks | None, **options) -> dict:
    try:
        return blocks.render(make_reply(), links, **options)
    except Exception:
        log.exception("request failed")
        return blocks.apology()


def _post_once(client: WebClient, channel: str, thread_ts: str, make_reply: Callable[[], Reply], links: blocks.DocumentLinks) -> None:
    """The checked answer, posted in the thread as one message (which ends Slack's status)."""
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, **_render(make_reply, links))


def _answer_privately(
    client: WebClient, channel: str, thread_ts: str, user: str, make_reply: Callable[[], Reply], links: blocks.DocumentLinks
) -> None:
    """The answer to the asker alone, with a button that shares it in the thread."""
    content = _render(make_reply, links, shareable=True)
    client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, **content)


def share_answer(services: Services, client: WebClient, respond: Respond, *, turn_id: str) -> None:
    """"Share in thread": the answer the asker saw privately, posted for everyone in its thread."""

    def share() -> None:
        found = services.conversation.stored_answer(int(turn_id))
        if found is None:
            respond(text="I no longer have that answer; please ask again.", response_type="ephemeral",
                    replace_original=False)  # fmt: skip
            return
        thread, reply = found
        _, channel, thread_ts = thread.split(":", 2)
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, **blocks.render(reply, services.links()))
        respond(text="Shared in the thread.", response_type="ephemeral", replace_original=True)

    services.submit(share)


def run_command(services: Services, client: WebClient, respond: Respond, command: dict) -> None:
    """`/sendbot ...`, already acknowledged: questions and ingests get a message in the channel."""
    channel, user = command["channel_id"], command["user_id"]
    if not services.policy.channel_allowed(channel):
        respond(text=blocks.CHANNEL_NOT_ALLOWED, response_type="ephemeral")
        return
    if not is_direct_message(channel) and services.audiences.shared_outside(client, channel):
        respond(text=blocks.SHARED_CHANNEL, response_type="ephemeral")
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
                _then_digest(services, client, channel, user, request, lambda m: services.conversation.handle(
                    requester, request, thread_key(channel, m.ts), m.progress
                )),
                services.links(),
                asked_by=user,
            )  # fmt: skip
            return
    services.submit(
        _respond_privately,
        respond,
        # private answers of one user in one channel make one conversation
        lambda: services.conversation.handle(requester, request, thread_key(channel, f"private-{user}")),
        services.links(),
    )


def _then_digest(
    services: Services, client: WebClient, channel: str, user: str, request: Request, job: Callable[..., Reply]
) -> Callable[..., Reply]:
    """An ingest's job, then (when it wrote a new generation) its digest posted once, in the digest
    channel if one is set, else where the ingest was run, if anywhere (slackbot.digests)."""
    if request.verb != request_words.INGEST:
        return job

    def run(*args) -> Reply:
        before = _generation(services)
        reply = job(*args)
        target = services.slack.digest_channel or channel
        if target and _generation(services) != before:
            post_digest(client, services.conversation.library, services.audiences, target,
                        user if target == channel else "", services.links())  # fmt: skip
        return reply

    return run


def _generation(services: Services) -> str:
    try:
        return current_generation(services.conversation.library.index_dir).name
    except SendBotError:  # nothing indexed yet
        return ""


def _respond_privately(respond: Respond, make_reply: Callable[[], Reply], links: blocks.DocumentLinks | None, **options) -> None:
    respond(response_type="ephemeral", **options, **_render(make_reply, links))


def record_feedback(services: Services, respond: Respond, *, user: str, turn_id: str, verdict: str) -> None:
    services.submit(
        _respond_privately,
        respond,
        lambda: services.conversation.record_feedback(int(turn_id), user, verdict),
        None,
        replace_original=False,
    )


def ask_why(client: WebClient, *, trigger_id: str, turn_id: int) -> None:
    """Open the short "what was wrong?" form (within the three seconds a trigger_id lasts)."""
    try:
        client.views_open(trigger_id=trigger_id, view=blocks.feedback_form(turn_id))
    except SlackApiError as exc:
        log.info("could not open the feedback form (%s)", exc.response.get("error"))


def explain_feedback(
    services: Services, client: WebClient, *, user: str, turn_id: str, reason: str, detail: str
) -> None:
    """The form's answers: stored with the verdict and sent to each admin."""

    def tell_admins() -> None:
        turn = services.conversation.explain_feedback(int(turn_id), user, reason, detail) if turn_id.isdigit() else None
        if turn is None:
            return
        message = blocks.feedback_for_admins(turn.question, turn.answer, user, reason, detail)
        for admin in sorted(services.policy.admins):
            client.chat_postMessage(channel=admin, **message)

    services.submit(tell_admins)


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
        services.links(),
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
        services.links(),
        replace_original=True,
    )


def show_more_digest(
    services: Services, client: WebClient, respond: Respond, *, user: str, channel: str, value: str
) -> None:
    """The digest's next page, shown to whoever clicked, as their conversation may see it."""

    def next_page() -> None:
        wanted = json.loads(value)
        audience = services.audiences.for_conversation(client, channel, user)
        digest = services.conversation.library.digest(audience, since=str(wanted["since"]))
        respond(response_type="ephemeral", replace_original=False,
                **blocks.digest_message(digest, services.links(), page=int(wanted["page"])))  # fmt: skip

    services.submit(next_page)


def send_records_csv(services: Services, client: WebClient, *, user: str, channel: str, value: str) -> None:
    """A listing's every record as a CSV file, uploaded to the conversation it was clicked in (whose
    access it follows), or to the person's DM when Slack does not say which."""

    def upload() -> None:
        request = parse_request(json.loads(value)["text"])
        if channel:
            requester, target = _requester(services, client, user, channel), channel
        else:
            requester = _person(services, client, user)
            target = client.conversations_open(users=user)["channel"]["id"]
        name, text = services.conversation.records_csv(requester, request)
        client.files_upload_v2(
            channel=target,
            content=text, filename=name, title=f"sendbot {request.verb}: {request.text or 'all'}",
            initial_comment=f"<@{user}> here is every {request.verb[:-1]} that matches, as a spreadsheet.",
        )  # fmt: skip

    services.submit(upload)


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
        services.links(),
    )


def open_upload_form(client: WebClient, *, trigger_id: str) -> None:
    client.views_open(trigger_id=trigger_id, view=home.upload_form())


def add_uploads_from_form(services: Services, client: WebClient, *, user: str, file_ids: list[str]) -> None:
    """The Home tab's upload form: each file added as if the admin had sent it in a DM."""
    channel = client.conversations_open(users=user)["channel"]["id"]
    for file_id in file_ids:
        add_upload(services, client, channel=channel, user=user, file_id=file_id)


def open_home(
    services: Services, client: WebClient, *, user: str, tab: str, set_suggested_prompts: SetSuggestedPrompts | None
) -> None:
    """The Messages tab: prompts from what the person may see, set at once. The Home tab: its view, published."""
    if tab == "messages":
        if set_suggested_prompts is not None:
            try:
                prompts = home.suggested_prompts(services.conversation.library, services.audiences.for_person(client, user))
            except SendBotError:  # nothing indexed yet
                prompts = [{"title": "How to use sendbot", "message": "help"}]
            set_suggested_prompts(prompts=prompts, title=home.PROMPTS_TITLE)
        return
    services.submit(publish_home, services, client, user)


def publish_home(services: Services, client: WebClient, user: str) -> None:
    """The Home tab as this person may see it (admins also get their tools)."""
    conversation = services.conversation
    audience = services.audiences.for_person(client, user)
    try:
        status = conversation.library.status(audience)
        last_ingest = conversation.library.last_ingest()
    except SendBotError:  # nothing indexed yet
        status, last_ingest = None, {}
    admin = None
    if services.policy.is_admin(client, user):
        folder = conversation.documents_dir.resolve()
        try:
            documents = conversation.library.documents(audience)
        except SendBotError:
            documents = []
        removable = [(d.doc, d.title or d.doc) for d in documents if folder in d.path.resolve().parents]
        admin = {"last_ingest": last_ingest, "feedback": list_feedback(conversation.data_dir), "documents": removable}
    recent = conversation.memory.recent_questions(user, home.RECENT_QUESTIONS)
    client.views_publish(user_id=user, view=home.home_view(status, recent, admin))


def reingest_from_home(services: Services, client: WebClient, *, user: str) -> None:
    """The Home tab's Re-ingest (refused, like any ingest, to anyone not an admin)."""
    request = parse_request(request_words.INGEST)
    _from_home(services, client, user, _then_digest(services, client, "", user, request,
        lambda requester, progress: services.conversation.handle(requester, request, "", progress)))  # fmt: skip


def remove_from_home(services: Services, client: WebClient, *, user: str, doc: str) -> None:
    """The Home tab's Remove."""
    _from_home(services, client, user, lambda requester, progress: services.conversation.remove_document(
        requester, doc, progress))  # fmt: skip


def _from_home(services: Services, client: WebClient, user: str, job: Callable[..., Reply]) -> None:
    """An admin's job started from the Home tab: progress and report in their DM, then the tab refreshed."""
    requester = _person(services, client, user)
    message = ReplyMessage(client, user, None, blocks.INGESTING)

    def then_refresh(m: ReplyMessage) -> Reply:
        reply = job(requester, m.progress)
        publish_home(services, client, user)
        return reply

    services.submit(message.fill, then_refresh, services.links())


def _person(services: Services, client: WebClient, user: str) -> Requester:
    """The asker outside any conversation (the Home tab): what they may see, as in a DM."""
    return Requester(user, services.policy.is_admin(client, user), services.audiences.for_person(client, user))


def forget_deleted_message(services: Services, *, channel: str, ts: str) -> None:
    """A message deleted in Slack: what the bot kept of it goes too."""
    services.submit(lambda: log.info("deleted message: removed %s", retention.forget_message(
        services.conversation.data_dir, channel, ts)))  # fmt: skip
