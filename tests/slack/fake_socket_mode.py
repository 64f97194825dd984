"""A local Socket Mode endpoint: a real WebSocket server speaking Slack's envelope protocol.

It greets each connection with "hello", sends events_api / slash_commands / interactive
envelopes, records the acknowledgements the bot sends back, and can drop a connection
to make the bot reconnect.
"""

from __future__ import annotations

import itertools
import json
import threading
import time

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve


class FakeSocketMode:
    def __init__(self) -> None:
        self.connections: list[ServerConnection] = []
        self.closed = 0  # connections that have ended
        self.acks: dict[str, dict] = {}
        self._changed = threading.Condition()
        self._ids = itertools.count(1)
        self.server = serve(self._handle, "127.0.0.1", 0, compression=None)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link"

    def start(self) -> FakeSocketMode:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def _handle(self, connection: ServerConnection) -> None:
        with self._changed:
            self.connections.append(connection)
            self._changed.notify_all()
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        try:
            for message in connection:
                data = json.loads(message)
                if "envelope_id" in data:
                    with self._changed:
                        self.acks[data["envelope_id"]] = data
                        self._changed.notify_all()
        except ConnectionClosed:
            pass
        with self._changed:
            self.closed += 1
            self._changed.notify_all()

    def _wait(self, ready, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        with self._changed:
            while not ready():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"waited {timeout}s for {what}")
                self._changed.wait(left)
            return ready()

    def wait_for_connections(self, count: int, timeout: float = 20.0) -> None:
        self._wait(lambda: len(self.connections) >= count, timeout, f"{count} connection(s)")

    def wait_for_closed(self, count: int, timeout: float = 20.0) -> None:
        self._wait(lambda: self.closed >= count, timeout, f"{count} closed connection(s)")

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict:
        return self._wait(lambda: self.acks.get(envelope_id), timeout, f"ack of {envelope_id}")

    def send(self, envelope_type: str, payload: dict, retry_attempt: int = 0) -> str:
        """Send an envelope over the newest connection; returns its envelope_id."""
        envelope_id = f"envelope-{next(self._ids)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        with self._changed:
            connection = self.connections[-1]
        connection.send(json.dumps(envelope))
        return envelope_id

    def close_newest(self) -> None:
        """The server ends the session, as Slack does when it rotates connections."""
        with self._changed:
            connection = self.connections[-1]
        connection.close()

    def ask_to_reconnect(self) -> None:
        """Slack's "disconnect" message: it will close this connection soon, so open another."""
        with self._changed:
            connection = self.connections[-1]
        connection.send(json.dumps({"type": "disconnect", "reason": "refresh_requested"}))
