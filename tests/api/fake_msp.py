"""A small MultiSafepay stand-in on loopback that serves recorded payloads and faults."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
API_KEY = "4192937dffd72a34bcaef4e4f589beb74188d0fa"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_json(name: str) -> Any:
    return json.loads(fixture_text(name))


@dataclass
class Reply:
    status: int = 200
    body: str | bytes | dict[str, Any] | list[Any] = field(default_factory=dict)
    content_type: str = "application/json"
    # Seconds to wait before answering (a slow server or a timeout).
    delay: float = 0.0
    # "drop": close without answering; "truncate": announce the full length, send half.
    fault: str | None = None

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass
class Seen:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Handler = Callable[[Seen], Reply]


class FakeMsp:
    """Routes ``(method, path)`` to queued replies or handlers and records every request."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self._routes: dict[tuple[str, str], list[Handler]] = {}
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                seen = Seen(
                    method=self.command,
                    path=split.path,
                    query=parse_qsl(split.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                reply = server._reply_for(seen)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.fault == "drop":
                    self.close_connection = True
                    return
                payload = reply.encoded()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if reply.fault == "truncate":
                    payload = payload[: len(payload) // 2]
                try:
                    self.wfile.write(payload)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting; that is what some tests want
                self.close_connection = True

            do_GET = do_POST = do_PATCH = _serve

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1/json/"

    def on(self, method: str, path: str, *replies: Reply | Handler) -> None:
        """Answer the next requests with these, in order; the last one repeats."""
        handlers = [r if callable(r) and not isinstance(r, Reply) else _const(r) for r in replies]
        with self._lock:
            self._routes[(method, "/v1/json/" + path.lstrip("/"))] = handlers

    def count(self, method: str, path: str) -> int:
        full = "/v1/json/" + path.lstrip("/")
        return sum(1 for r in self.requests if r.method == method and r.path == full)

    def _reply_for(self, seen: Seen) -> Reply:
        with self._lock:
            self.requests.append(seen)
            queue = self._routes.get((seen.method, seen.path))
            if not queue:
                return Reply(404, {"message": "Not found"})
            handler = queue.pop(0) if len(queue) > 1 else queue[0]
        return handler(seen)

    def __enter__(self) -> FakeMsp:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _const(reply: Reply | Handler) -> Handler:
    assert isinstance(reply, Reply)
    return lambda _seen: reply
