"""A merchant's notification endpoint inside the sandbox: it keeps what arrives and answers as told.

Each sandbox website has one at ``/_sandbox/receiver/<site_id>``, outside
``/v1/json`` because it plays the merchant's server, not MultiSafepay's API:
it answers in plain text, as a shop would, and needs no API key. Point an
order's ``notification_url`` at it and the sandbox's own notifications (or
anyone else's) land in its log, with their signature checked against every
website key the sandbox knows.

By default it answers like a correct handler, ``200 OK``. Switched per
website, it answers like the broken ones support staff meet: HTTP 500, a
302 redirect, a lowercase ``ok`` (which MultiSafepay's check also accepts),
or no answer at all, holding the connection until the sender gives up.

Entries are kept in the state database, numbered in arrival order, so a
reader can ask for everything after the last id it saw (:meth:`since`)
without ever missing one. Subscribers get each entry as soon as it is
stored, on the sandbox's HTTP thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal
from urllib.parse import parse_qs

from msp_desk.sandbox.faults import Receive, Scope, Send, drop_connection
from msp_desk.sandbox.store import Store
from msp_desk.webhooks.signature import DEFAULT_TOLERANCE_SECONDS, parse, verify

log = logging.getLogger(__name__)

RECEIVER_PATH = "/_sandbox/receiver"
MAX_BODY = 1_000_000
KEEP = 20_000
"""Entries kept in the state file; older ones go, oldest first, as new ones arrive."""
HOLD_LIMIT = 300.0
"""The longest a no-answer connection is held, should the sender never give up."""
_POLL = 0.2

SignatureCheck = Literal["valid", "invalid", "absent"]


class AnswerMode(enum.StrEnum):
    """How the receiver answers a notification."""

    OK = "ok"
    """HTTP 200 with ``OK``: what MultiSafepay counts as received."""
    LOWERCASE_OK = "lowercase-ok"
    """HTTP 200 with ``ok``, as the Magento plugin answers."""
    SERVER_ERROR = "http-500"
    """HTTP 500: a handler that crashed."""
    REDIRECT = "redirect"
    """HTTP 302: a handler behind a redirect (to https, or a login page); never a delivery."""
    NO_ANSWER = "no-answer"
    """Nothing: the connection is held until the sender times out and closes it."""


_ANSWERS: dict[AnswerMode, tuple[int | None, str | None]] = {
    AnswerMode.OK: (200, "OK"),
    AnswerMode.LOWERCASE_OK: (200, "ok"),
    AnswerMode.SERVER_ERROR: (500, "Internal Server Error"),
    AnswerMode.REDIRECT: (302, ""),
    AnswerMode.NO_ANSWER: (None, None),
}


@dataclass(frozen=True)
class ReceivedNotification:
    """One request the receiver got, and what it answered.

    ``body`` is the raw body as text (UTF-8; undecodable bytes as ``\\xNN``).
    ``signature`` is ``valid`` when the ``Auth`` header signs the raw body
    with a sandbox website's key within MultiSafepay's 600-second window,
    ``invalid`` when it does not, ``absent`` without one (GET notifications
    carry none). ``answer_status`` is None when no answer was given.
    """

    id: int
    site_id: int
    received_at: str
    method: str
    url: str
    headers: list[tuple[str, str]]
    body: str
    body_bytes: int
    transaction_id: str | None
    signature: SignatureCheck
    signature_detail: str
    mode: str
    answer_status: int | None
    answer_body: str | None

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data["headers"] = [list(pair) for pair in self.headers]
        return data

    @classmethod
    def from_record(cls, row_id: int, site_id: int, data: dict[str, Any]) -> ReceivedNotification:
        return cls(
            id=row_id,
            site_id=site_id,
            **{**data, "headers": [(str(k), str(v)) for k, v in data["headers"]]},
        )


Subscriber = Callable[[ReceivedNotification], None]


class NotificationReceiver:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._modes: dict[int, AnswerMode] = {}
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()
        self._closing = False

    # the Python API, for an embedder and the JSON routes

    @staticmethod
    def url(root_url: str, site_id: int) -> str:
        """The receiver of a website, under the sandbox's root URL (``http://127.0.0.1:PORT``)."""
        return f"{root_url.rstrip('/')}{RECEIVER_PATH}/{site_id}"

    def mode(self, site_id: int) -> AnswerMode:
        with self._lock:
            return self._modes.get(site_id, AnswerMode.OK)

    def set_mode(self, site_id: int, mode: AnswerMode | str) -> AnswerMode:
        """Switch how the website's receiver answers; ValueError names the modes for an unknown one."""
        try:
            chosen = AnswerMode(mode)
        except ValueError:
            names = ", ".join(m.value for m in AnswerMode)
            raise ValueError(f"Invalid mode: {str(mode)[:40]!r} is not one of {names}") from None
        with self._lock:
            self._modes[site_id] = chosen
        return chosen

    def since(
        self, last_id: int = 0, limit: int = 1000, site_id: int | None = None
    ) -> list[ReceivedNotification]:
        """Entries after ``last_id``, oldest first: poll with the last id seen to miss nothing."""
        rows = self._store.received_since(last_id, limit, site_id)
        return [ReceivedNotification.from_record(row_id, site, data) for row_id, site, data in rows]

    def last_id(self) -> int:
        """The newest entry's id (0 when none): where a reader that wants only new ones starts."""
        return self._store.last_received_id()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` with each new entry, on the sandbox's HTTP thread, right after it is stored.

        It must return quickly and not wait for the sandbox (hand the entry to
        another thread or queue). Returns the function that unsubscribes it.
        """
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def clear(self, site_id: int) -> int:
        return self._store.clear_received(site_id)

    def close(self) -> None:
        """Let go of held connections, so the server can stop at once."""
        self._closing = True

    # the endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        site_text = str(scope.get("path_params", {}).get("site_id", ""))
        site = (
            self._store.site_by_id(int(site_text))
            if site_text.isascii() and site_text.isdigit() and len(site_text) < 10
            else None
        )
        if site is None:
            await _plain(send, 404, f"No sandbox website {site_text[:20]}")
            return
        if scope["method"] not in {"GET", "POST"}:
            await _plain(send, 405, "Notifications come as GET or POST", [(b"allow", b"GET, POST")])
            return
        body = await _read_body(receive)
        if body is None:
            await _plain(send, 413, f"Larger than {MAX_BODY} bytes")
            return
        mode = self.mode(site.site_id)
        status, answer = _ANSWERS[mode]
        entry = self._record(scope, site.site_id, body, mode, status, answer)
        self._announce(entry)
        if status is None:
            await self._hold(receive, send)
            return
        headers = [(b"location", b"/")] if status == 302 else []
        await _plain(send, status, answer or "", headers)

    def _record(
        self,
        scope: Scope,
        site_id: int,
        body: bytes,
        mode: AnswerMode,
        status: int | None,
        answer: str | None,
    ) -> ReceivedNotification:
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        query = scope.get("query_string", b"").decode("latin-1")
        check, detail = self._check_signature(headers, body)
        transaction = parse_qs(query).get("transactionid")
        data: dict[str, Any] = {
            "received_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
            "method": scope["method"],
            "url": _full_url(scope, query),
            "headers": headers,
            "body": body.decode("utf-8", errors="backslashreplace"),
            "body_bytes": len(body),
            "transaction_id": transaction[0] if transaction else None,
            "signature": check,
            "signature_detail": detail,
            "mode": mode.value,
            "answer_status": status,
            "answer_body": answer,
        }
        row_id = self._store.add_received(site_id, data, keep=KEEP)
        return ReceivedNotification.from_record(row_id, site_id, data)

    def _check_signature(self, headers: list[tuple[str, str]], body: bytes) -> tuple[SignatureCheck, str]:
        header = next((value for name, value in headers if name.lower() == "auth"), None)
        if header is None:
            return "absent", "no Auth header"
        parsed = parse(header)
        if parsed is None:
            return "invalid", "the Auth header is not base64 of timestamp:signature"
        now = time.time()
        for site in self._store.all_sites():
            if verify(site.api_key, header, body, now):
                return "valid", f"signed with website {site.site_id}'s key"
        if abs(now - parsed[0]) > DEFAULT_TOLERANCE_SECONDS:
            return "invalid", f"the timestamp is more than {DEFAULT_TOLERANCE_SECONDS} s from now"
        return "invalid", "no sandbox website's key gives this signature for this body"

    def _announce(self, entry: ReceivedNotification) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(entry)
            except Exception:
                log.exception("a notification receiver subscriber failed")

    async def _hold(self, receive: Receive, send: Send) -> None:
        """Answer nothing until the sender hangs up (or the sandbox stops, or HOLD_LIMIT passes)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + HOLD_LIMIT
        waiter = asyncio.ensure_future(receive())
        try:
            while not self._closing and loop.time() < deadline:
                done, _ = await asyncio.wait({waiter}, timeout=_POLL)
                if not done:
                    continue
                if waiter.result()["type"] == "http.disconnect":
                    return
                waiter = asyncio.ensure_future(receive())
        finally:
            waiter.cancel()
        await drop_connection(send)


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _full_url(scope: Scope, query: str) -> str:
    host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), None)
    if host is None:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else str(scope["path"])
    return f"{scope.get('scheme', 'http')}://{host}{path}" + (f"?{query}" if query else "")


async def _plain(
    send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
