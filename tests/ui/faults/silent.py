"""A loopback port that never answers a SYN, the way a host behind a dropping firewall behaves.

Its listener's accept queue is kept full and nobody accepts, so the kernel
drops every new SYN and a client's connect times out for real, all on this
machine.
"""

from __future__ import annotations

import contextlib
import socket
import struct


class SilentPort:
    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        self.port = int(self._listener.getsockname()[1])
        self._fillers: list[socket.socket] = []
        for _ in range(16):
            filler = socket.socket()
            filler.setblocking(False)
            self._fillers.append(filler)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", self.port))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            except TimeoutError:
                return  # the queue is full: this connect was dropped, as every next one will be
        self.open()
        raise AssertionError("the loopback listener kept accepting connections")

    def open(self) -> None:
        """Let the traffic in: close everything, so that a server can listen on the port."""
        for filler in self._fillers:
            filler.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            filler.close()
        self._fillers.clear()
        self._listener.close()
