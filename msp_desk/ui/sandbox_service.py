"""The local sandbox inside the app: started on demand, on a worker, stopped on exit."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from msp_desk.core import paths

if TYPE_CHECKING:
    from msp_desk.sandbox.server import SandboxServer

log = logging.getLogger(__name__)

STATE_FILE = "sandbox.sqlite3"


class SandboxService(QObject):
    """Owns the embedded :class:`SandboxServer`.

    ``ensure_running`` blocks until the server answers, so it is called from
    worker jobs only; the first caller starts it, later ones reuse it.
    """

    started = Signal(str)  # base URL
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server: SandboxServer | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str | None:
        server = self._server
        return server.base_url if server is not None else None

    def ensure_running(self) -> SandboxServer:
        with self._lock:
            if self._server is None:
                from msp_desk.sandbox.server import SandboxServer

                try:
                    server = SandboxServer(state_path=paths.data_dir() / STATE_FILE).start()
                except Exception as error:
                    self.failed.emit(f"The local sandbox could not start: {error}")
                    raise
                self._server = server
                log.info("Local sandbox listening at %s", server.base_url)
                self.started.emit(server.base_url)
            return self._server

    def stop(self) -> None:
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None
