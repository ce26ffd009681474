"""The services the screens share: one HTTP client, one task runner, profiles, the sandbox."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from msp_desk.ui.profile_service import ProfileService
from msp_desk.ui.sandbox_service import SandboxService
from msp_desk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    import httpx


class AppContext(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = TaskRunner(parent=self)
        self.sandbox = SandboxService(self)
        self.profiles = ProfileService(self.sandbox, self.tasks, self)
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
                from msp_desk.api.http import make_http_client

                self._http = make_http_client()
            return self._http

    def close(self) -> None:
        self.tasks.shutdown()
        self.sandbox.stop()
        with self._http_lock:
            if self._http is not None:
                self._http.close()
