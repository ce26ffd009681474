"""The services the screens share: one HTTP client, one task runner."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from msp_desk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    import httpx


class AppContext(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = TaskRunner(parent=self)
        self._http: httpx.Client | None = None
        self._http_lock = threading.Lock()

    @property
    def http(self) -> httpx.Client:
        """The one pooled client (httpx documents it as thread-safe), made on first use.

        Importing httpx costs more than a third of start-up, and the first request
        always happens on a worker thread, so it is built there, not before the
        first paint.
        """
        with self._http_lock:
            if self._http is None:
                import httpx

                self._http = httpx.Client(timeout=httpx.Timeout(30.0, connect=5.0))
            return self._http

    def close(self) -> None:
        self.tasks.shutdown()
        with self._http_lock:
            if self._http is not None:
                self._http.close()
