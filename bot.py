"""sendbot: answers SEND questions from the council's own documents, with citations.

Each command parses its arguments, calls one library function and prints the result;
the logic lives in ingest/, index/, answer/ and slackbot/.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from errors import SendBotError
from settings import get_settings


class _Group(click.Group):
    """Turns the product's own errors into one clear line and exit code 1, no traceback."""

    def invoke(self, ctx: click.Context):
        from settings import unknown_variables

        for name in unknown_variables():
            click.echo(f"Warning: {name} is not a sendbot setting and is ignored (a typo?).", err=True)
        try:
            return super().invoke(ctx)
        except SendBotError as exc:
            raise click.ClickException(str(exc)) from exc


def _index_option(function):
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="SENDBOT_INDEX_DIR",
        default=None,
        help="Index folder (default: $SENDBOT_INDEX_DIR or var/index).",
    )(function)


def _resolve_index(index_dir: Path | None) -> Path:
    return index_dir or get_settings().paths.index_dir


def _as_option(function):
    return click.option(
        "--as",
        "as_id",
        default=None,
        metavar="USER_OR_CHANNEL",
        help="Answer as this Slack channel (C...), user (U...) or user group member (S...) would be "
        "answered: only the documents it may see (SENDBOT_ACCESS_FILE). Without it, everything.",
    )(function)


def _audience_of(as_id: str):
    """The audience `--as` names, or one clear line about the ID."""
    from index.audience import Audience

    try:
        return Audience.of_id(as_id.strip())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--as") from None


def _seen_as(searcher, as_id: str | None):
    """The searcher as `--as` names someone; with SLACK_BOT_TOKEN set, Slack is asked for a user's
    groups and whether a channel is shared outside the council, as the bot would."""
    from index.audience import CHANNEL, ID_KINDS, USER

    if not as_id:
        return searcher
    audience, slack_id = _audience_of(as_id), as_id.strip()
    kind = ID_KINDS.get(slack_id[:1].upper())
    slack = get_settings().slack
    if slack.bot_token.get_secret_value() and kind in (CHANNEL, USER):
        from slackbot.app import build_web_client
        from slackbot.audience import AudienceResolver

        resolver = AudienceResolver(searcher.usergroups)
        client = build_web_client(slack)
        audience = resolver.for_channel(client, slack_id) if kind == CHANNEL else resolver.for_person(client, slack_id)
    return searcher.seen_by(audience)


def _emit_json(obj: dict) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


@click.group(cls=_Group)
def cli() -> None:
    """Answer questions from council SEND documents, with citations."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_index_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest(paths: tuple[Path, ...], index_dir: Path | None, as_json: bool) -> None:
    """Index documents (PDF, Word, HTML, Markdown, text), updating only what changed.

    Example:

        python bot.py ingest documents/
    """
    from tqdm import tqdm

    from ingest.pipeline import ingest_paths

    bars: dict[str, tqdm] = {}

    def show(progress) -> None:
        bar = bars.get(progress.stage)
        if bar is None:
            unit = "file" if progress.stage == "reading" else "passage"
            bar = bars[progress.stage] = tqdm(
                total=progress.total, desc=progress.stage.capitalize(), unit=unit,
                disable=as_json or None, file=sys.stderr,
            )
        bar.n = progress.done
        if progress.stage == "reading":
            bar.set_postfix(pages=progress.pages, file=progress.name[:30], refresh=False)
        bar.refresh()

    try:
        report = ingest_paths(list(paths), _resolve_index(index_dir), progress=show)
    finally:
        for bar in bars.values():
            bar.close()
    if as_json:
        _emit_json(report.as_json())
    else:
        for line in report.summary_lines():
            click.echo(line)
    if report.generation:
        _post_digest(_resolve_index(index_dir))


def _post_digest(index_dir: Path) -> None:
    """With SENDBOT_DIGEST_CHANNEL and a bot token set, the new generation's digest goes to Slack."""
    from settings import get_settings

    slack = get_settings().slack
    if not slack.digest_channel or not slack.bot_token.get_secret_value():
        return
    from slackbot.app import build_web_client
    from slackbot.audience import AudienceResolver
    from slackbot.digests import post_digest
    from slackbot.library import Library

    library = Library(index_dir)
    posted = post_digest(build_web_client(slack), library, AudienceResolver(library.usergroups), slack.digest_channel)
    if posted:
        click.echo(f"Digest posted to {slack.digest_channel}.", err=True)


@cli.command()
@click.argument("query", required=False)
@_index_option
@click.option("--k", default=5, show_default=True, help="How many passages.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per query.")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read one query per line from standard input.")
@click.option("--doc", "docs", multiple=True, help="Only these documents (file name or part of it).")
@click.option("--kind", "kinds", multiple=True, help="Only documents of this kind (minutes, strategy, ...).")
@click.option("--from", "date_from", default="", help="Documents dated on or after (YYYY-MM-DD).")
@click.option("--to", "date_to", default="", help="Documents dated on or before (YYYY-MM-DD).")
@_as_option
def search(query, index_dir, k, as_json, from_stdin, docs, kinds, date_from, date_to, as_id) -> None:
    """Show the passages that best match a query, with document, page and section.

    Example:

        python bot.py search "EHCP timeliness year two"
    """
    from answer.render import render_hits
    from index.search import Searcher, SearchFilters

    queries = _queries(query, from_stdin)
    searcher = _seen_as(Searcher.open(_resolve_index(index_dir)), as_id)
    filters = SearchFilters(list(docs), list(kinds), date_from, date_to)
    for text in queries:
        hits = searcher.search(text, k=k, filters=filters or None)
        if as_json:
            _emit_json({"query": text, "results": [hit.as_json() for hit in hits]})
            sys.stdout.flush()
        else:
            click.echo(render_hits(text, hits, color=sys.stdout.isatty()))


def _queries(query: str | None, from_stdin: bool):
    if from_stdin:
        return (line.rstrip("\n") for line in sys.stdin if line.strip())
    if not query:
        raise click.UsageError("Give a query, or --stdin to read one per line.")
    return [query]


@cli.command()
@click.argument("question", required=False)
@_index_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per question.")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read one question per line from standard input.")
@click.option(
    "--history",
    "history_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='Earlier turns, so a follow-up makes sense: JSON lines or a JSON list of {"question", "answer"}.',
)
@_as_option
def ask(question, index_dir, as_json, from_stdin, history_file, as_id) -> None:
    """Answer a question from the indexed documents, citing the page behind each point.

    Without a language model configured (SENDBOT_LLM_BASE_URL) the answer quotes the
    sentences that answer it; either way it says so when the documents do not.

    Example:

        python bot.py ask "How did Schools Forum vote on de-delegation?"
    """
    from answer.compose import answer_question
    from answer.followup import read_history
    from answer.terminal import render_answer
    from index.search import Searcher

    history = read_history(history_file) if history_file else []
    searcher = _seen_as(Searcher.open(_resolve_index(index_dir)), as_id)
    for text in _queries(question, from_stdin):
        answer = answer_question(searcher, text, history)
        if as_json:
            _emit_json(answer.as_json())
            sys.stdout.flush()
        else:
            click.echo(render_answer(answer, color=sys.stdout.isatty()))


@cli.command()
@_index_option
@click.option("--json", "as_json", is_flag=True)
def status(index_dir: Path | None, as_json: bool) -> None:
    """Say what is indexed: documents, pages, passages, records, last ingest, model, and each
    access rule with the documents it covers.

    Example:

        python bot.py status
    """
    from index.store import index_status

    result = index_status(_resolve_index(index_dir))
    if as_json:
        _emit_json(result.as_json())
    else:
        click.echo("\n".join(result.as_lines()))


@cli.command()
@_index_option
@click.option("--strategy", default=None, help='Strategy name, or part of it ("Education", "SEND").')
@click.option("--priority", default=None, help='Priority number: 2, "two" or "Priority 2".')
@click.option("--year", default=None, help='Year: 2022-2023, 2022/23, 22-23, "Year Two" or "year 2".')
@click.option("--theme", default=None, help="Theme tag: EHCP, inclusion, sufficiency, early years, ...")
@click.option("--query", default=None, help="Words that must all appear in the commitment.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per commitment.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row, for a spreadsheet.")
@click.option("--progress", is_flag=True,
              help="With what later documents of the same council report on each, quoted, and the status they state.")
@_as_option
def commitments(index_dir, strategy, priority, year, theme, query, as_json, as_csv, progress, as_id) -> None:
    """List what strategies commit to, by strategy, priority and year, with the source page.

    "Year Two" and "year 2" count from each strategy's own first year. With --progress, each
    commitment comes with the passages of later-dated documents that report on it and the
    status they state (delivered, on track, delayed, dropped); never a guessed one.

    Example:

        python bot.py commitments --strategy SEND --priority 2 --year "Year Two"
    """
    from index.records import find_commitments, render_commitments, write_commitments_csv
    from index.search import Searcher

    searcher = _seen_as(Searcher.open(_resolve_index(index_dir)), as_id)
    records = find_commitments(searcher, strategy=strategy, priority=priority, year=year, theme=theme, query=query)
    if progress:
        from answer.progress import find_progress
        from answer.terminal import render_progress

        if as_csv:
            raise click.UsageError("--progress lists quotes under each commitment: use --json or the table.")
        found = find_progress(searcher, records)
        if as_json:
            for item in found:
                _emit_json(item.as_json())
        else:
            click.echo(render_progress(found, color=sys.stdout.isatty()))
        return
    if as_json:
        for record in records:
            _emit_json(record.as_json())
    elif as_csv:
        write_commitments_csv(records, sys.stdout)
    else:
        click.echo(render_commitments(records))


@cli.command()
@_index_option
@click.option("--body", default=None, help="Meeting body, or part of its name (\"Schools' Forum\", Cabinet).")
@click.option("--from", "date_from", default=None, help="Decisions on or after this date (YYYY-MM-DD, YYYY-MM, YYYY).")
@click.option("--to", "date_to", default=None, help="Decisions on or before this date (YYYY-MM-DD, YYYY-MM, YYYY).")
@click.option("--query", default=None, help="Words that must all appear in the decision or its item.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per decision.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row, for a spreadsheet.")
@_as_option
def decisions(index_dir, body, date_from, date_to, query, as_json, as_csv, as_id) -> None:
    """List recommendations and resolutions of meetings, with votes, item and source page.

    Example:

        python bot.py decisions --body "Schools' Forum" --from 2024-01-01 --query de-delegation
    """
    from index.records import find_decisions, render_decisions, write_decisions_csv
    from index.search import Searcher

    searcher = _seen_as(Searcher.open(_resolve_index(index_dir)), as_id)
    records = find_decisions(searcher, body=body, date_from=date_from, date_to=date_to, query=query)
    if as_json:
        for record in records:
            _emit_json(record.as_json())
    elif as_csv:
        write_decisions_csv(records, sys.stdout)
    else:
        click.echo(render_decisions(records))


@cli.command()
@_index_option
@click.option("--plan", default=None, help='Plan name, part of it or its initials ("APP", "WSoA").')
@click.option("--status", default=None, help='Status as stated or its colour: red, "on track", complete; "none".')
@click.option("--owner", default=None, help="Lead or owner, or part of the name.")
@click.option("--due-before", default=None, help="Deadline before this date (YYYY-MM-DD, YYYY-MM, YYYY).")
@click.option("--query", default=None, help="Words that must all appear in the action, its area or progress.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per action.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row, for a spreadsheet.")
@_as_option
def actions(index_dir, plan, status, owner, due_before, query, as_json, as_csv, as_id) -> None:
    """List the actions of improvement and action plans: ref, owner, deadline and status as the plan states them.

    A plan that prints no status for an action shows "none stated"; no status is ever guessed.

    Example:

        python bot.py actions --plan APP --owner Killoran --due-before 2022-01-01
    """
    from index.records import find_actions, render_actions, write_actions_csv
    from index.search import Searcher

    searcher = _seen_as(Searcher.open(_resolve_index(index_dir)), as_id)
    records = find_actions(searcher, plan=plan, status=status, owner=owner, due_before=due_before, query=query)
    if as_json:
        for record in records:
            _emit_json(record.as_json())
    elif as_csv:
        write_actions_csv(records, sys.stdout)
    else:
        click.echo(render_actions(records))


@cli.command()
@_index_option
@click.option("--since", default=None, help="What came in on or after this date (YYYY-MM-DD, YYYY-MM, YYYY). "
              "Default: what the latest ingest brought.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per item, each with its \"type\".")
@_as_option
def digest(index_dir, since, as_json, as_id) -> None:
    """What the documents ingested since a date added: the documents, their decisions with votes,
    their commitments, and the actions of updated plans whose status changed, each with its page.

    Example:

        python bot.py digest --since 2026-12-01
    """
    from index.records import find_digest, render_digest
    from index.search import Searcher

    searcher = _seen_as(Searcher.open(_resolve_index(index_dir)), as_id)
    found = find_digest(searcher, since)
    if as_json:
        for item in found.as_json_lines():
            _emit_json(item)
    else:
        click.echo(render_digest(found))


def _settings_for(index_dir: Path | None):
    settings = get_settings()
    if index_dir:
        settings.paths.index_dir = index_dir
    return settings


@cli.command()
@_index_option
@click.option("--http", "mode", flag_value="http", help="Events API over HTTP at /slack/events.")
@click.option("--socket", "mode", flag_value="socket", help="Socket Mode (needs SLACK_APP_TOKEN).")
@click.option("--port", default=3000, show_default=True, help="HTTP port.")
@click.option("--host", default="0.0.0.0", show_default=True, help="HTTP address to listen on.")
def serve(index_dir, mode, port, host) -> None:
    """Run the Slack bot (SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET or SLACK_APP_TOKEN).

    It starts listening only once the model and index are loaded.

    Example:

        python bot.py serve --http --port 3000
        python bot.py serve --socket
    """
    from slackbot.server import serve_http, serve_socket

    if mode is None:
        raise click.UsageError("Choose --http or --socket.")
    settings = _settings_for(index_dir)
    if mode == "http":
        serve_http(settings, port, host)
    else:
        serve_socket(settings)


@cli.command()
@_index_option
@_as_option
def chat(index_dir, as_id) -> None:
    """Talk to the bot in the terminal: the Slack bot's handlers, no Slack needed.

    Ask questions, follow up ("and in year three?"), and use the slash-command words
    (commitments, decisions, status, help). Ctrl-D ends the conversation.

    Example:

        python bot.py chat
    """
    from index.audience import EVERYONE
    from slackbot.terminal import run_chat

    run_chat(_settings_for(index_dir), audience=_audience_of(as_id) if as_id else EVERYONE)


@cli.command()
@click.option("--user", "user", required=True, help="The Slack member ID (U...) whose records to erase.")
def forget(user: str) -> None:
    """Erase one person's questions, answers and feedback (a subject-access or erasure request).

    Example:

        python bot.py forget --user U04ABCDEF
    """
    from slackbot.retention import forget_user

    gone = forget_user(get_settings().paths.data_dir, user.strip())
    click.echo(f"Erased for {user}: " + ", ".join(f"{n} {kind}" for kind, n in gone.items()) + ".")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per verdict.")
def feedback(as_json: bool) -> None:
    """List what staff said of answers (helpful / not helpful), for the people who
    improve the documents.

    Example:

        python bot.py feedback
    """
    from slackbot.feedback import list_feedback

    entries = list_feedback(get_settings().paths.data_dir)
    for entry in entries:
        if as_json:
            _emit_json(entry)
        else:
            sources = "; ".join(str(s.get("doc", s)) if isinstance(s, dict) else str(s) for s in entry["sources"])
            click.echo(f"{entry['time']}  {entry['verdict']:<12} {entry['user']}: {entry['question']}")
            click.echo(f"    sources: {sources}")
    if not entries and not as_json:
        click.echo("No feedback yet.")


if __name__ == "__main__":
    cli()
