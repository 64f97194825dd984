"""A local stand-in for Slack's Web API, as bolt-python's tests/mock_web_api_server does it.

It answers the methods the bot uses, records every call (method, body, headers), serves
file downloads from url_private (pointing back at itself), takes response_url posts,
can be told to answer a method with HTTP 429 + Retry-After once, and to take its time
over a method (`delays`), to hold a reply in flight.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

from slackbot.blocks import PROGRESS_ICON

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"
RESPONSE_URL = "response_url"  # the method name recorded for response_url posts
DOWNLOAD = "download"  # ... and for file downloads
UPLOAD = "upload"  # ... and for the bytes of a file the bot uploads (files_upload_v2)


def _listed(value) -> list[dict]:
    """A JSON list the Web API client sent as a string or as a list."""
    return json.loads(value) if isinstance(value, str) else list(value or [])


def is_placeholder(message: dict) -> bool:
    return json.dumps(message.get("blocks") or "").find(PROGRESS_ICON) >= 0


def block_texts(message: dict) -> list[str]:
    """Every piece of text in a message's blocks, in order."""
    texts = []
    for block in message.get("blocks") or []:
        if "text" in block:
            texts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element.get("text"), dict):
                texts.append(element["text"]["text"])
            elif "text" in element:
                texts.append(element["text"])
    return texts


def buttons(message: dict) -> list[dict]:
    """The buttons of a message's action blocks, in order."""
    return [
        element
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def turn_id(message: dict) -> str:
    """The stored turn an answer's buttons refer to."""
    return buttons(message)[0]["value"]


@dataclass
class Call:
    method: str
    body: dict
    headers: dict
    path: str = ""
    response: dict = field(default_factory=dict)


@dataclass
class FakeFile:
    id: str
    name: str
    content: bytes
    declared_size: int | None = None  # what files.info claims, if not the real size


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    files: dict[str, FakeFile] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    not_in_channels: set[str] = field(default_factory=set)
    shared_channels: set[str] = field(default_factory=set)  # Slack Connect: shared with another organisation
    rate_limit_once: set[str] = field(default_factory=set)
    delays: dict[str, float] = field(default_factory=dict)  # method -> seconds before answering
    socket_url: str = ""

    def __post_init__(self) -> None:
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    def response_url(self, name: str = "1") -> str:
        return f"{self.url}response/{name}"

    def add_file(self, file: FakeFile) -> None:
        self.files[file.id] = file

    # -- what happened ----------------------------------------------------------------------

    def record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def calls_to(self, method: str) -> list[Call]:
        with self._changed:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 20.0, where=None) -> list[Call]:
        """Block until `count` calls of `method` (matching `where`) were made; return them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.method == method and (where is None or where(c))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"waited {timeout}s for {count} {method} call(s), saw {len(found)};"
                        f" all calls: {[c.method for c in self.calls]}"
                    )
                self._changed.wait(left)

    def final_reply(self, channel: str, thread_ts: str | None = None, timeout: float = 30.0) -> dict:
        """The content the bot's one message for a request ends with (its last chat.update).

        Returns the posted message itself when it was never a placeholder.
        """
        posted = self.wait_for(
            "chat.postMessage",
            timeout=timeout,
            where=lambda c: (
                c.body.get("channel") == channel
                and c.body.get("thread_ts") == thread_ts
                and c.response.get("ok")
            ),
        )[0]
        if not is_placeholder(posted.body):
            return posted.body
        ts = posted.response["ts"]
        update = self.wait_for(
            "chat.update",
            timeout=timeout,
            where=lambda c: c.body.get("ts") == ts and not is_placeholder(c.body),
        )
        return update[0].body

    # -- answers ------------------------------------------------------------------------------

    def next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def answer(self, method: str, body: dict) -> dict:
        if method == "auth.test":
            return {
                "ok": True, "url": "https://fake.slack.test/", "team": "Fake", "user": "sendbot",
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID,
            }  # fmt: skip
        if method == "chat.postMessage":
            if body.get("channel") in self.not_in_channels:
                return {"ok": False, "error": "not_in_channel"}
            return {"ok": True, "channel": body.get("channel"), "ts": self.next_ts()}
        if method == "chat.update":
            return {"ok": True, "channel": body.get("channel"), "ts": body.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.next_ts()}
        if method == "files.info":
            file = self.files.get(body.get("file", ""))
            if file is None:
                return {"ok": False, "error": "file_not_found"}
            download = f"{self.url}files/{file.id}/download"
            size = len(file.content) if file.declared_size is None else file.declared_size
            return {
                "ok": True,
                "file": {
                    "id": file.id, "name": file.name, "size": size,
                    "url_private": download, "url_private_download": download,
                    "permalink": f"https://fake.slack.test/files/{file.id}/{file.name}",
                },
            }  # fmt: skip
        if method == "users.info":
            return {"ok": True, "user": {"id": body.get("user"), "name": "someone"}}
        if method == "conversations.info":
            channel = body.get("channel", "")
            if not channel:
                return {"ok": False, "error": "channel_not_found"}
            shared = channel in self.shared_channels
            return {"ok": True, "channel": {"id": channel, "is_channel": True, "is_ext_shared": shared,
                                            "is_shared": shared, "is_im": channel.startswith("D")}}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.usergroups.get(body.get("usergroup", ""), [])}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):06d}"
            return {"ok": True, "upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in _listed(body.get("files"))]}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + body.get("users", "X")[1:]}}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        return {"ok": True}


def _handler_for(fake: FakeSlack):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def _body(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            query = dict(parse_qsl(urlparse(self.path).query))
            if not raw:
                return query
            if self.headers.get("Content-Type", "").startswith("application/json"):
                return {**query, **json.loads(raw)}
            return {**query, **dict(parse_qsl(raw))}

        def _send(self, status: int, payload: bytes, content_type: str, extra=None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def _json(self, status: int, payload: dict, extra=None) -> None:
            self._send(status, json.dumps(payload).encode(), "application/json", extra)

        def _handle(self) -> None:
            path = urlparse(self.path).path
            if path.startswith("/upload/"):  # files_upload_v2's second step: the file's bytes
                length = int(self.headers.get("Content-Length") or 0)
                content = self.rfile.read(length).decode(errors="replace")
                fake.record(Call(UPLOAD, {"content": content}, dict(self.headers.items()), path))
                self._send(200, b"OK", "text/plain")
                return
            body = self._body()
            headers = dict(self.headers.items())
            if path.startswith("/api/"):
                method = path[len("/api/") :]
                time.sleep(fake.delays.get(method, 0.0))
                if method in fake.rate_limit_once:
                    fake.rate_limit_once.discard(method)
                    limited = {"ok": False, "error": "ratelimited"}
                    fake.record(Call(method, body, headers, path, limited))
                    self._json(429, limited, {"Retry-After": "1"})
                    return
                answer = fake.answer(method, body)
                fake.record(Call(method, body, headers, path, answer))
                self._json(200, answer)
            elif path.startswith("/response/"):
                fake.record(Call(RESPONSE_URL, body, headers, path))
                self._send(200, b"ok", "text/plain")
            elif path.startswith("/files/"):
                fake.record(Call(DOWNLOAD, body, headers, path))
                file = fake.files.get(path.split("/")[2])
                if file is None or not headers.get("Authorization", "").startswith("Bearer xoxb-"):
                    self._send(200, b"<html>sign in to Slack</html>", "text/html")
                else:
                    self._send(200, file.content, "application/octet-stream")
            else:
                self._send(404, b"not found", "text/plain")

        do_GET = _handle
        do_POST = _handle

    return Handler
