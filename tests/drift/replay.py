"""A tiny local HTTP server that answers from recorded JSON, with failures queued per route.

A route may also hold a ``Check``: a function of the query and body that answers as the real
service would to that exact request (e.g. 400 to a body the method does not take).
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, Any]
Check = Callable[[dict[str, list[str]], bytes], Answer]


class Replay:
    """Routes (method, path) -> an answer; queued answers (e.g. a 429) are served first, once each."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Answer | Check] = {}
        self.queued: dict[tuple[str, str], deque[Answer]] = defaultdict(deque)
        self.seen: list[tuple[str, str]] = []
        self.url = ""

    def answer(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer:
        key = (method, path)
        self.seen.append(key)
        if self.queued[key]:
            return self.queued[key].popleft()
        route = self.routes.get(key, (404, {"error": {"code": 404, "message": f"No such object: {path}"}}))
        return route(query, body) if callable(route) else route


@contextmanager
def serve(replay: Replay) -> Iterator[Replay]:
    """Run ``replay`` on a free loopback port for the duration of the block."""

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            sent = self.rfile.read(length)
            url = urlsplit(self.path)
            status, body = replay.answer(self.command, url.path, parse_qs(url.query), sent)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _reply

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests assert on ``replay.seen`` instead."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    replay.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
