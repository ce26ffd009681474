"""Resolving and connecting for the endpoint doctor, each wait bounded and cancellable.

A person may stop a check at any moment, and a merchant's server may never
answer, so nothing here blocks without a limit: name resolution runs on a
helper thread that is abandoned when cancelled, connecting polls, and an open
socket is shut down on cancel (which wakes a blocked read at once).
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import queue
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from msp_desk.webhooks.url_rules import address_kind

_POLL_SECONDS = 0.05


class Cancelled(Exception):
    """The person stopped the check."""


@dataclass
class Deadline:
    passed: bool = False


class CancelToken:
    """Set from any thread; the check notices between steps and, through open sockets, during them."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled

    @contextmanager
    def guarding(self, sock: socket.socket, seconds: float) -> Iterator[Deadline]:
        """Shut ``sock`` down when cancelled or after ``seconds``, whichever comes first."""
        deadline = Deadline()

        def expire() -> None:
            deadline.passed = True
            _shut(sock)

        timer = threading.Timer(seconds, expire)
        timer.daemon = True
        with self._lock:
            self._sockets.add(sock)
        timer.start()
        try:
            if self.cancelled:
                _shut(sock)
            yield deadline
        finally:
            timer.cancel()
            with self._lock:
                self._sockets.discard(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for an SSLSocket: it wakes a blocked read without
    # touching the TLS state another thread is using.
    with contextlib.suppress(OSError):  # not connected yet, or already closed: nothing to wake
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


@dataclass(frozen=True)
class Address:
    family: int
    sockaddr: tuple[Any, ...]
    kind: str
    """``"public"`` or why MultiSafepay cannot reach it (``"loopback"``, ``"private"``...)."""

    @property
    def ip(self) -> str:
        return str(self.sockaddr[0])


def resolve(host: str, port: int, *, timeout: float, cancel: CancelToken) -> list[Address]:
    """Every address ``host`` has for TCP, in the resolver's order, each classified."""
    results: queue.Queue[list[Any] | BaseException] = queue.Queue(maxsize=1)

    def work() -> None:
        try:
            results.put(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as error:
            results.put(error)

    threading.Thread(target=work, name="webhook-resolve", daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        cancel.check()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no answer from the name resolver within {timeout:g} s")
        try:
            outcome = results.get(timeout=min(_POLL_SECONDS, remaining))
        except queue.Empty:
            continue
        if isinstance(outcome, BaseException):
            raise outcome
        break
    addresses: dict[str, Address] = {}
    for family, _type, _proto, _name, sockaddr in outcome:
        ip = str(sockaddr[0])
        if ip not in addresses:
            addresses[ip] = Address(family, tuple(sockaddr), address_kind(ipaddress.ip_address(ip)))
    return list(addresses.values())


def open_tcp(address: Address, *, timeout: float, cancel: CancelToken) -> socket.socket:
    """A connected blocking socket; polls so that a cancel does not wait for the connect timeout."""
    sock = socket.socket(address.family, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        error = sock.connect_ex(address.sockaddr)
        deadline = time.monotonic() + timeout
        while error in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY):
            cancel.check()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no answer within {timeout:g} s")
            _, writable, _ = select.select([], [sock], [], min(_POLL_SECONDS, remaining))
            if writable:
                error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            raise OSError(error, os.strerror(error))
        sock.setblocking(True)
        return sock
    except BaseException:
        sock.close()
        raise
