"""The sandbox another program starts for itself: once, on first need, on the user's state file.

The desktop app and the command line share it, so an order made in the app can
be looked up with ``msp-desk lookup`` and the other way round. ``ensure_running``
waits until the server answers, so callers run it off any UI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from msp_desk.core import paths

if TYPE_CHECKING:
    from msp_desk.sandbox.receiver import NotificationReceiver
    from msp_desk.sandbox.server import SandboxServer

log = logging.getLogger(__name__)

STATE_FILE = "sandbox.sqlite3"


class EmbeddedSandbox:
    """Owns one :class:`SandboxServer`; the first ``ensure_running`` starts it, later ones reuse it."""

    def __init__(
        self,
        state_path: Path | None = None,
        *,
        on_started: Callable[[str], None] | None = None,
        time_scale: float = 1.0,
    ) -> None:
        self._state_path = state_path
        self._on_started = on_started
        self._time_scale = time_scale
        self._server: SandboxServer | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def server(self) -> SandboxServer | None:
        return self._server

    @property
    def base_url(self) -> str | None:
        server = self._server
        return server.base_url if server is not None else None

    def address(self) -> tuple[str, str]:
        """Base URL and the default website's key; starts the sandbox if needed."""
        server = self.ensure_running()
        return server.base_url, server.sites[0].api_key

    def receiver(self) -> NotificationReceiver:
        """The notification receiver (entries, answer modes, subscribers); starts the sandbox if needed."""
        return self.ensure_running().engine.receiver

    def receiver_url(self, site_id: int | None = None) -> str:
        """A website's receiver URL (the default website's without ``site_id``), to use as a new
        sandbox order's ``notification_url``; starts the sandbox if needed."""
        return self.ensure_running().receiver_url(site_id)

    def ensure_running(self) -> SandboxServer:
        with self._lock:
            if self._server is None:
                # The web stack is imported here, not with this module: the app builds this
                # object before its first paint and may never need the sandbox.
                from msp_desk.sandbox.server import SandboxServer

                state = self._state_path or paths.data_dir() / STATE_FILE
                server = SandboxServer(state_path=state, time_scale=self._time_scale).start()
                self._server = server
                log.info("Local sandbox listening at %s", server.base_url)
                if self._on_started is not None:
                    self._on_started(server.base_url)
            return self._server

    def stop(self) -> None:
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None
