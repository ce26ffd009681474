"""The services the screens share: one HTTP client, one task runner."""

from __future__ import annotations

import httpx
from PySide6.QtCore import QObject

from msp_desk.ui.tasks import TaskRunner


class AppContext(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # One pooled client for the whole app; httpx documents it as thread-safe.
        self.http = httpx.Client(timeout=httpx.Timeout(30.0, connect=5.0))
        self.tasks = TaskRunner(parent=self)

    def close(self) -> None:
        self.tasks.shutdown()
        self.http.close()
