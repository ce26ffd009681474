"""Profiles as the screens see them, with signals: loaded, switched, changed.

Which key, URL and client a profile uses is decided in
:mod:`msp_desk.credentials.access`; this service only loads it off the UI
thread and tells the screens when something changed. Every client it hands
out notes its calls about orders on their timelines in the history
(:class:`msp_desk.history.calls.CallRecorder`), so no screen does that itself.

The credentials code pulls in pydantic and keyring, which take longer to import
than the whole window takes to appear, so the store is loaded on a worker after
the first paint (``load``) and the screens wait for ``ready``. Keyring reads
happen in ``client_for``, which worker jobs call, never the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from msp_desk.ui.services.sandbox import SandboxService
from msp_desk.ui.services.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:
    import httpx

    from msp_desk.api.client import MspClient
    from msp_desk.api.retry import RetryPolicy
    from msp_desk.credentials.access import ProfileAccess
    from msp_desk.credentials.profiles import Profile, ProfileStore
    from msp_desk.history.store import HistoryStore

log = logging.getLogger(__name__)


class ProfileService(QObject):
    ready = Signal()
    active_changed = Signal(object)  # Profile
    profiles_changed = Signal()
    load_failed = Signal(str)

    def __init__(
        self,
        sandbox: SandboxService,
        tasks: TaskRunner,
        parent: QObject | None = None,
        *,
        history: Callable[[], HistoryStore] | None = None,
    ) -> None:
        super().__init__(parent)
        self.sandbox = sandbox
        self._tasks = tasks
        self._history = history  # opened by the first call that has something to note
        self._access: ProfileAccess | None = None
        self.load_warning: str | None = None
        # How hard every client tries; None: the client's own policy. Tests shorten its pauses.
        self.retry: RetryPolicy | None = None

    # -- loading ---------------------------------------------------------------

    @property
    def is_ready(self) -> bool:
        return self._access is not None

    def load(self) -> None:
        """Open the store on a worker; ``ready`` follows on the UI thread."""

        def job(ctx: TaskContext) -> tuple[ProfileStore, str | None]:
            from msp_desk.credentials.access import builtin_sandbox_profile, open_store

            result = open_store()
            builtin_sandbox_profile()
            return result

        self._tasks.submit(
            job,
            name="Load profiles",
            on_success=lambda result: self.adopt(*result),
            on_failure=lambda error: self.load_failed.emit(f"Profiles could not be loaded: {error}"),
        )

    def adopt(self, store: ProfileStore, warning: str | None = None) -> None:
        from msp_desk.credentials.access import ProfileAccess

        self._access = ProfileAccess(store, self.sandbox)
        self.load_warning = warning
        self.ready.emit()
        self.active_changed.emit(self.active())

    @property
    def access(self) -> ProfileAccess:
        if self._access is None:
            raise RuntimeError("profiles are still loading")
        return self._access

    @property
    def store(self) -> ProfileStore:
        return self.access.store

    # -- reading and switching -------------------------------------------------

    def profiles(self) -> list[Profile]:
        return self.access.profiles()

    def active(self) -> Profile:
        return self.access.active()

    @staticmethod
    def is_builtin(profile: Profile) -> bool:
        from msp_desk.credentials.access import is_builtin

        return is_builtin(profile)

    def set_active(self, profile: Profile) -> None:
        self.store.set_active(None if self.is_builtin(profile) else profile.id)
        self.active_changed.emit(profile)

    def notify_changed(self) -> None:
        """Call after adding, editing or deleting through ``store``."""
        self.profiles_changed.emit()
        self.active_changed.emit(self.active())

    # -- worker-thread helpers -------------------------------------------------

    def api_key_for(self, profile: Profile) -> str:
        return self.access.api_key_for(profile)

    def base_url_for(self, profile: Profile) -> str:
        return self.access.base_url_for(profile)

    def client_for(self, http: httpx.Client, profile: Profile) -> MspClient:
        """The profile's client; each of its calls about an order goes onto that order's timeline."""
        from msp_desk.history.calls import CallRecorder

        recorder = CallRecorder(self._history, profile.id) if self._history is not None else None
        return self.access.client_for(http, profile, retry=self.retry, observer=recorder)
