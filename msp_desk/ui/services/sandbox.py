"""The local sandbox inside the app: started on demand, on a worker, stopped on exit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from msp_desk.core.collector import settle
from msp_desk.sandbox.embedded import EmbeddedSandbox

if TYPE_CHECKING:
    from msp_desk.sandbox.server import SandboxServer


class SandboxService(QObject):
    """The app's :class:`EmbeddedSandbox`, announcing when it starts or fails.

    ``ensure_running`` blocks until the server answers, so it is called from
    worker jobs only; the first caller starts it, later ones reuse it.
    """

    started = Signal(str)  # base URL
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None, *, time_scale: float = 1.0) -> None:
        super().__init__(parent)
        # time_scale divides the sandbox's delays (retries, uncleared cards): tests and demos speed them up.
        self._embedded = EmbeddedSandbox(on_started=self.started.emit, time_scale=time_scale)

    @property
    def running(self) -> bool:
        return self._embedded.running

    @property
    def base_url(self) -> str | None:
        return self._embedded.base_url

    def ensure_running(self) -> SandboxServer:
        starting = not self._embedded.running
        try:
            server = self._embedded.ensure_running()
        except Exception as error:
            self.failed.emit(f"The local sandbox could not start: {error}")
            raise
        if starting:
            settle()  # its modules and models live as long as the app
        return server

    def default_notification_url(self) -> str | None:
        """Where a new sandbox order's notifications go when nobody chose a URL: the sandbox's own
        receiver, so they show up in the app. None until the sandbox runs (this never starts it)."""
        server = self._embedded.server
        return server.receiver_url() if server is not None else None

    def address(self) -> tuple[str, str]:
        server = self.ensure_running()
        return server.base_url, server.sites[0].api_key

    def stop(self) -> None:
        self._embedded.stop()
