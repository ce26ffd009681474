"""Send one notification over an open connection and read the answer, as MultiSafepay would.

``http.client`` runs over the doctor's own socket rather than an HTTP client
library's pool: the request must reach exactly the address the check resolved
and showed, over the TLS connection whose certificate it inspected, must never
follow a redirect or use a proxy, and must stop the moment the person cancels
(the socket is shut down under it).
"""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from msp_desk.webhooks.network import CancelToken
from msp_desk.webhooks.notification import Notification

READ_LIMIT = 4096
"""Enough for the 100 characters MultiSafepay reads and some context for the person."""


class NoAnswer(Exception):
    """The server did not answer in time, closed the connection without answering, or cut its answer short."""


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    location: str | None
    text: str
    seconds: float


def exchange(
    sock: socket.socket, notification: Notification, *, timeout: float, cancel: CancelToken
) -> Answer:
    """Send ``notification`` over ``sock`` (which this closes) and read at most :data:`READ_LIMIT` bytes."""
    parts = urlsplit(notification.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(parts.hostname or "", timeout=timeout)
    connection.sock = sock
    headers = {"Host": parts.netloc.rpartition("@")[2], **notification.headers, "Connection": "close"}
    sock.settimeout(timeout)
    started = time.monotonic()
    try:
        with cancel.guarding(sock, timeout) as deadline:
            response: http.client.HTTPResponse | None = None
            try:
                connection.request(notification.method, target, body=notification.body, headers=headers)
                response = connection.getresponse()
                announced = response.length  # Content-Length; None when the body is chunked or unsized
                raw = response.read(READ_LIMIT)
                if announced is not None and len(raw) < min(announced, READ_LIMIT):
                    # read(n) hands over what came before the close without complaint; a whole read would not.
                    raise http.client.IncompleteRead(raw, announced - len(raw))
                return Answer(
                    status=response.status,
                    reason=response.reason,
                    location=response.getheader("Location"),
                    text=raw.decode("utf-8", "replace"),
                    seconds=time.monotonic() - started,
                )
            except (OSError, http.client.HTTPException) as error:
                cancel.check()
                waited = time.monotonic() - started
                if deadline.passed or isinstance(error, TimeoutError):
                    raise NoAnswer(f"No answer within {timeout:g} s.") from None
                if isinstance(error, http.client.IncompleteRead) and response is not None:
                    raise NoAnswer(_cut_short(response, error)) from None
                if isinstance(error, ConnectionResetError) and not isinstance(
                    error, http.client.RemoteDisconnected
                ):
                    raise NoAnswer(
                        f"The server reset the connection after {waited:.1f} s without answering."
                    ) from None
                if isinstance(error, ConnectionError):
                    raise NoAnswer(
                        f"The server closed the connection after {waited:.1f} s without answering."
                    ) from None
                if isinstance(error, http.client.HTTPException):
                    raise NoAnswer(f"The answer was not HTTP ({type(error).__name__}).") from None
                raise NoAnswer(f"The connection failed: {error.strerror or error}.") from None
    finally:
        connection.close()


def _cut_short(response: http.client.HTTPResponse, error: http.client.IncompleteRead) -> str:
    got = len(error.partial)
    came = f"{got} of the {got + error.expected} bytes it announced" if error.expected else f"{got} bytes"
    return (
        f"Answered {response.status} {response.reason}, but the connection closed after {came}: "
        "the answer was cut short. An HTTP client reports that as an error, so the notification "
        "would count as failed and be sent again."
    )
