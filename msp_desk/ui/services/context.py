"""The services the screens share: one HTTP client, one task runner, profiles, the sandbox, events."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from msp_desk.ui.services.events import AppEvents
from msp_desk.ui.services.operations import Operations
from msp_desk.ui.services.profiles import ProfileService
from msp_desk.ui.services.sandbox import SandboxService
from msp_desk.ui.services.tasks import TaskRunner

if TYPE_CHECKING:
    import httpx

    from msp_desk.history.store import HistoryStore


class AppContext(QObject):
    def __init__(
        self,
        parent: QObject | None = None,
        *,
        http_factory: Callable[[], httpx.Client] | None = None,
        sandbox_time_scale: float = 1.0,
    ) -> None:
        super().__init__(parent)
        self.tasks = TaskRunner(parent=self)
        self.events = AppEvents(self)
        self.sandbox = SandboxService(self, time_scale=sandbox_time_scale)
        self.profiles = ProfileService(self.sandbox, self.tasks, self, history=lambda: self.history)
        self._http_factory = http_factory
        self._http: httpx.Client | None = None
        self._http_lock = threading.Lock()
        self._history: HistoryStore | None = None
        self._history_lock = threading.Lock()

    def operations(self, owner: QObject, *, initiator: str = "") -> Operations:
        """A screen's own :class:`Operations`, living as long as the screen."""
        return Operations(self.tasks, self.events, owner, initiator=initiator)

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

                self._http = (self._http_factory or make_http_client)()
            return self._http

    @property
    def history(self) -> HistoryStore:
        with self._history_lock:
            if self._history is None:
                from msp_desk.history.store import HistoryStore

                self._history = HistoryStore()
            return self._history

    def close(self) -> None:
        self.tasks.shutdown()
        self.sandbox.stop()
        with self._http_lock:
            if self._http is not None:
                self._http.close()
        if self._history is not None:
            self._history.close()
