"""Profiles as the screens see them: the saved ones plus the built-in sandbox profile.

With nothing configured the built-in profile is active, so a new user can work
at once. Its key is the embedded sandbox's own website key, read from the
running sandbox and never stored by the app.

The credentials code pulls in pydantic and keyring, which take longer to import
than the whole window takes to appear, so the store is loaded on a worker after
the first paint (``load``) and the screens wait for ``ready``. Keyring reads
happen in ``client_for``, which worker jobs call, never the UI thread.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from msp_desk.ui.sandbox_service import SandboxService
from msp_desk.ui.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:
    import httpx

    from msp_desk.api.client import MspClient
    from msp_desk.credentials.profiles import Profile, ProfileStore

log = logging.getLogger(__name__)

BUILTIN_SANDBOX_ID = "00000000-0000-4000-8000-00000000d35c"


@cache
def builtin_sandbox_profile() -> Profile:
    from msp_desk.api.environments import Environment
    from msp_desk.credentials.profiles import Profile

    return Profile(id=BUILTIN_SANDBOX_ID, name="Local sandbox", environment=Environment.SANDBOX)


class MissingApiKey(Exception):
    """The profile's key is not available (for example a session-only key after a restart)."""


def open_store() -> tuple[ProfileStore, str | None]:
    """The saved profiles; a broken profiles.json is set aside (never deleted) and reported."""
    from msp_desk.credentials.profiles import ProfilesFileError, ProfileStore

    try:
        return ProfileStore(), None
    except ProfilesFileError as error:
        store_path = ProfileStore.default_path()
        kept = store_path.with_name(store_path.name + ".unreadable")
        store_path.replace(kept)
        log.error("%s; kept as %s", error, kept)
        return ProfileStore(), f"{error}. It was kept as {kept} and msp-desk started with no saved profiles."


class ProfileService(QObject):
    ready = Signal()
    active_changed = Signal(object)  # Profile
    profiles_changed = Signal()
    load_failed = Signal(str)

    def __init__(self, sandbox: SandboxService, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sandbox = sandbox
        self._tasks = tasks
        self._store: ProfileStore | None = None
        self.load_warning: str | None = None

    # -- loading ---------------------------------------------------------------

    @property
    def is_ready(self) -> bool:
        return self._store is not None

    def load(self) -> None:
        """Open the store on a worker; ``ready`` follows on the UI thread."""

        def job(ctx: TaskContext) -> tuple[ProfileStore, str | None]:
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
        self._store = store
        self.load_warning = warning
        self.ready.emit()
        self.active_changed.emit(self.active())

    @property
    def store(self) -> ProfileStore:
        if self._store is None:
            raise RuntimeError("profiles are still loading")
        return self._store

    # -- reading and switching -------------------------------------------------

    def profiles(self) -> list[Profile]:
        return [builtin_sandbox_profile(), *self.store.list()]

    def active(self) -> Profile:
        return self.store.active() or builtin_sandbox_profile()

    @staticmethod
    def is_builtin(profile: Profile) -> bool:
        return profile.id == BUILTIN_SANDBOX_ID

    def set_active(self, profile: Profile) -> None:
        self.store.set_active(None if self.is_builtin(profile) else profile.id)
        self.active_changed.emit(profile)

    def notify_changed(self) -> None:
        """Call after adding, editing or deleting through ``store``."""
        self.profiles_changed.emit()
        self.active_changed.emit(self.active())

    # -- worker-thread helpers -------------------------------------------------

    def api_key_for(self, profile: Profile) -> str:
        if self.is_builtin(profile):
            return self.sandbox.ensure_running().sites[0].api_key
        key = self.store.api_key(profile.id)
        if not key:
            raise MissingApiKey(
                f"No API key is available for “{profile.name}”; enter it again on the Profiles screen."
            )
        return key

    def base_url_for(self, profile: Profile) -> str:
        from msp_desk.api.environments import Environment, base_url_for

        sandbox_url = None
        if profile.environment is Environment.SANDBOX:
            sandbox_url = self.sandbox.ensure_running().base_url
        return base_url_for(profile.environment, sandbox_url)

    def client_for(self, http: httpx.Client, profile: Profile) -> MspClient:
        from msp_desk.api.client import MspClient

        return MspClient(
            http, self.base_url_for(profile), self.api_key_for(profile), environment=profile.environment
        )
