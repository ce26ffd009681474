"""Fault injection: make the sandbox misbehave on purpose so API clients can be tested against it.

A fault is a comma-separated list of items, e.g. ``latency=200,status=503``:

- ``latency=<ms>``: read the request, wait, then handle it normally; like a slow
  server, it carries out a request that arrived even if the client gave up waiting
  (an order can be created after the client's timeout and its lookup).
- ``slow-response=<ms>``: handle the request fully (an order IS created), then
  wait before answering; simulates a client timeout after a successful write.
- ``status=<code>``: answer that 4xx/5xx status with a MultiSafepay-style JSON
  error body, without handling the request.
- ``retry-after=<seconds>``: with ``status=``, add a ``Retry-After`` header to
  that answer, e.g. ``status=429,retry-after=2`` (rate limited, come back in 2 s).
- ``field=<name>``: with ``status=``, the error names that request field, as
  MultiSafepay's validation answers do (``status=422,field=notification_url``).
- ``html``: answer 502 with an HTML error page, without handling the request.
- ``malformed``: answer 200 with a body that is not JSON, without handling.
- ``truncated``: handle the request, then answer 200 with the first half of
  the real JSON body (Content-Length matches, so only the JSON is broken).
- ``drop``: close the connection without any response, without handling.
- ``reset``: reset the connection (TCP RST) without any response, without
  handling: what a crashing server or a firewall does, where ``drop`` is an
  orderly close.

Per request via the ``X-Sandbox-Fault`` header, or per site via
``POST /v1/json/_sandbox/faults`` (see docs/sandbox.md).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import socket
import struct
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from msp_desk.sandbox.errors import ApiError, error_body, invalid_api_key, order_not_found

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_DELAY_MS = 120_000
MAX_RETRY_AFTER_S = 3600
FAULT_HEADER = b"x-sandbox-fault"
E_FAULT = 1000
FAULT_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_.]{0,49}")


@dataclass(frozen=True)
class Fault:
    latency_ms: int = 0
    slow_response_ms: int = 0
    status: int | None = None
    retry_after_s: int | None = None
    field: str | None = None
    html: bool = False
    malformed: bool = False
    truncated: bool = False
    drop: bool = False
    reset: bool = False
    text: str = ""

    @property
    def short_circuits(self) -> bool:
        """Answers without handling the request."""
        return self.drop or self.reset or self.status is not None or self.html or self.malformed


def parse_fault(text: str) -> Fault:
    """Parse the item syntax; ApiError (1000) naming the bad item otherwise."""
    values: dict[str, Any] = {}
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise ApiError(E_FAULT, "Invalid fault: empty")
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip().lower()
        raw = raw.strip()
        if name in {"latency", "slow-response"}:
            values[name.replace("-", "_") + "_ms"] = _int_item(name, raw, sep, 0, MAX_DELAY_MS)
        elif name == "status":
            values["status"] = _int_item(name, raw, sep, 400, 599)
        elif name == "retry-after":
            values["retry_after_s"] = _int_item(name, raw, sep, 0, MAX_RETRY_AFTER_S)
        elif name == "field":
            if not sep or not _FIELD_NAME.fullmatch(raw):
                raise ApiError(E_FAULT, "Invalid fault item field: expected field=<a request field's name>")
            values["field"] = raw
        elif name in {"html", "malformed", "truncated", "drop", "reset"}:
            if sep:
                raise ApiError(E_FAULT, f"Invalid fault item {item!r}: {name} takes no value")
            values[name] = True
        else:
            raise ApiError(
                E_FAULT,
                f"Invalid fault item {item!r}: expected latency=, slow-response=, status=, "
                "retry-after=, field=, html, malformed, truncated, drop or reset",
            )
    for name, example in (("retry_after_s", "status=429,retry-after=2"), ("field", "status=422,field=url")):
        if name in values and "status" not in values:
            item = name.removesuffix("_s").replace("_", "-")
            raise ApiError(E_FAULT, f"Invalid fault: {item}= goes with status=, e.g. {example}")
    return Fault(text=",".join(items), **values)


def _int_item(name: str, raw: str, sep: str, low: int, high: int) -> int:
    if not sep or not raw.isdigit() or not raw.isascii() or not low <= int(raw) <= high:
        raise ApiError(E_FAULT, f"Invalid fault item {name}: expected {name}=<integer {low}..{high}>")
    return int(raw)


@dataclass
class FaultRule:
    id: int
    site_id: int
    fault: Fault
    remaining: int
    paths: str | None
    method: str | None = None  # None: any method

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fault": self.fault.text,
            "remaining": self.remaining,
            "paths": self.paths,
            "method": self.method,
        }

    def matches(self, site_id: int, api_path: str, method: str) -> bool:
        return (
            self.site_id == site_id
            and (self.paths is None or api_path.startswith(self.paths))
            and (self.method is None or self.method == method)
        )


class FaultRules:
    """Per-site 'fail the next N matching requests' rules. In memory: a restart clears them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)

    def add(
        self, site_id: int, fault: Fault, count: int, paths: str | None, method: str | None = None
    ) -> FaultRule:
        with self._lock:
            rule = FaultRule(next(self._ids), site_id, fault, count, paths, method)
            self._rules.append(rule)
            return rule

    def clear(self, site_id: int) -> int:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.site_id != site_id]
            return before - len(self._rules)

    def list(self, site_id: int) -> list[FaultRule]:
        with self._lock:
            return [r for r in self._rules if r.site_id == site_id]

    def take(self, site_id: int, api_path: str, method: str) -> Fault | None:
        """Consume one use of the oldest rule matching this request, if any."""
        if not self._rules:
            return None
        with self._lock:
            for rule in self._rules:
                if rule.matches(site_id, api_path, method):
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
                    return rule.fault
        return None


def _error_json(status: int, field: str | None = None) -> bytes:
    """MultiSafepay's body for that status: 401 and 404 carry its own codes (1032, 1006), as they do
    in production; ``field`` makes it a refusal of that field (with the 422 shape for a 422)."""
    if field is not None:
        refused = ApiError(
            E_FAULT, f"Invalid {field}: refused (injected by the sandbox)", status, field=field
        )
        return json.dumps(refused.body()).encode()
    if status == 401:
        return json.dumps(invalid_api_key().body()).encode()
    if status == 404:
        return json.dumps(order_not_found().body()).encode()
    info = {
        429: "Too many requests (injected by the sandbox)",
        500: "Internal server error (injected by the sandbox)",
        502: "Bad gateway (injected by the sandbox)",
        503: "Service unavailable (injected by the sandbox)",
        504: "Gateway timeout (injected by the sandbox)",
    }.get(status, f"HTTP {status} (injected by the sandbox)")
    return json.dumps(error_body(1000 if status < 500 else 9999, info)).encode()


_HTML_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><title>502 Bad Gateway</title></head>'
    b"<body><h1>502 Bad Gateway</h1><p>The upstream server did not answer (injected by the sandbox).</p>"
    b"</body></html>\n"
)


async def _respond(
    send: Send, status: int, body: bytes, content_type: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def drop_connection(send: Send, *, reset: bool = False) -> None:
    """Close the TCP connection without a response; ``reset``: abort it with a TCP RST instead of a FIN.

    ASGI has no message for this, so reach for the server's transport: uvicorn's
    ``send`` is a bound method of its request cycle, which holds it. Marking
    the cycle disconnected keeps uvicorn from adding a 500 of its own.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None and hasattr(transport, "close"):
        cycle.disconnected = True  # type: ignore[union-attr]
        sock = transport.get_extra_info("socket") if reset else None
        if sock is not None:
            # Lingering for 0 seconds makes the kernel answer the close with a RST: "connection reset".
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
            return
        transport.close()
        return
    # Another server: the closest thing is an empty answer that closes the connection.
    await send({"type": "http.response.start", "status": 502, "headers": [(b"connection", b"close")]})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _buffered(receive: Receive) -> Receive:
    """Read the whole request body now and hand it over later, whether or not the client is still there."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            break

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay


class FaultMiddleware:
    """Applies the X-Sandbox-Fault header or a site's queued fault to API requests.

    ``site_for_request`` maps a scope to a site id (from its API key), or None.
    """

    def __init__(
        self,
        app: ASGIApp,
        rules: FaultRules,
        site_for_request: Callable[[Scope], int | None],
        api_prefix: str,
    ) -> None:
        self._app = app
        self._rules = rules
        self._site_for_request = site_for_request
        self._prefix = api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        fault = None
        header = next((v for k, v in scope["headers"] if k == FAULT_HEADER), None)
        if header is not None:
            try:
                fault = parse_fault(header.decode("latin-1"))
            except ApiError as exc:
                await _respond(send, 400, json.dumps(exc.body()).encode(), b"application/json")
                return
        else:
            path: str = scope["path"]
            if path.startswith(self._prefix) and not path.startswith(self._prefix + "/_sandbox"):
                site_id = self._site_for_request(scope)
                if site_id is not None:
                    fault = self._rules.take(site_id, path[len(self._prefix) :], scope["method"])
        if fault is None:
            await self._app(scope, receive, send)
            return
        await self._apply(fault, scope, receive, send)

    async def _apply(self, fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
        if fault.latency_ms:
            receive = await _buffered(receive)
            await asyncio.sleep(fault.latency_ms / 1000)
        if fault.drop or fault.reset:
            await drop_connection(send, reset=fault.reset)
            return
        if fault.status is not None:
            extra = (
                [] if fault.retry_after_s is None else [(b"retry-after", str(fault.retry_after_s).encode())]
            )
            body = _error_json(fault.status, fault.field)
            await _respond(send, fault.status, body, b"application/json", extra)
            return
        if fault.html:
            await _respond(send, 502, _HTML_PAGE, b"text/html; charset=utf-8")
            return
        if fault.malformed:
            await _respond(send, 200, b'{"success": true, "data": {order_id: <not json>', b"application/json")
            return
        if not (fault.slow_response_ms or fault.truncated):
            await self._app(scope, receive, send)
            return
        # Handle the request for real, hold the answer back, then release it (possibly cut in half).
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self._app(scope, receive, capture)
        if fault.slow_response_ms:
            await asyncio.sleep(fault.slow_response_ms / 1000)
        body = b"".join(chunks)
        status = int(start.get("status", 200))
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if fault.truncated:
            body = body[: len(body) // 2]
            status = 200
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
