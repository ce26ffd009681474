"""Which base URL, key and client a profile uses: the one answer for the app and the command line.

The built-in *Local sandbox* profile is always there, so a new user can work
at once. Its key is the embedded sandbox's own website key, read from the
running sandbox and never stored. Other profiles take their key from the
keyring (or this session's memory); ``MSP_DESK_API_KEY`` can stand in for it
on the command line, for automation.

Reading a key can block on a keyring unlock prompt and starting the sandbox
waits for a socket, so everything here runs on worker threads in the app.
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from msp_desk.api.environments import Environment, base_url_for
from msp_desk.core.files import set_aside
from msp_desk.credentials.profiles import Profile, ProfilesFileError, ProfileStore

if TYPE_CHECKING:
    import httpx

    from msp_desk.api.client import MspClient
    from msp_desk.api.exchanges import ExchangeObserver
    from msp_desk.api.retry import RetryPolicy

log = logging.getLogger(__name__)

BUILTIN_SANDBOX_ID = "00000000-0000-4000-8000-00000000d35c"
BUILTIN_SANDBOX_NAME = "Local sandbox"


@cache
def builtin_sandbox_profile() -> Profile:
    return Profile(id=BUILTIN_SANDBOX_ID, name=BUILTIN_SANDBOX_NAME, environment=Environment.SANDBOX)


def is_builtin(profile: Profile) -> bool:
    return profile.id == BUILTIN_SANDBOX_ID


class MissingApiKey(Exception):
    """The profile's key is not available (for example a session-only key after a restart)."""


class UnknownProfile(LookupError):
    def __init__(self, name: str, known: list[str]) -> None:
        listed = ", ".join(f"“{n}”" for n in known)
        super().__init__(f"There is no profile named “{name}”; the profiles are {listed}.")
        self.name = name


class SandboxProvider(Protocol):
    def address(self) -> tuple[str, str]:
        """The running embedded sandbox's base URL and website key, starting it if needed."""
        ...


def open_store(path: Path | None = None) -> tuple[ProfileStore, str | None]:
    """The saved profiles; an unreadable profiles.json is set aside (never deleted) and reported.

    Each set-aside copy gets a name of its own, so a second bad start keeps the first copy too.
    """
    try:
        return ProfileStore(path=path), None
    except ProfilesFileError as error:
        store_path = path or ProfileStore.default_path()
        kept = set_aside(store_path)
        log.error("%s; kept as %s", error, kept)
        return (
            ProfileStore(path=path),
            f"{error}. It was kept as {kept} and msp-desk started with no saved profiles.",
        )


class ProfileAccess:
    """Profiles as every screen and command sees them: the saved ones plus the built-in sandbox."""

    def __init__(self, store: ProfileStore, sandbox: SandboxProvider) -> None:
        self.store = store
        self.sandbox = sandbox
        self._lock = threading.Lock()

    def profiles(self) -> list[Profile]:
        return [builtin_sandbox_profile(), *self.store.list()]

    def active(self) -> Profile:
        return self.store.active() or builtin_sandbox_profile()

    def find(self, name: str | None) -> Profile:
        """The profile of that name (any case), the built-in sandbox for None."""
        if name is None:
            return builtin_sandbox_profile()
        wanted = name.strip().casefold()
        for profile in self.profiles():
            if profile.name.casefold() == wanted or profile.id == name.strip():
                return profile
        raise UnknownProfile(name, [p.name for p in self.profiles()])

    def api_key_for(self, profile: Profile) -> str:
        if is_builtin(profile):
            return self.sandbox.address()[1]
        key = self.store.api_key(profile.id)
        if not key:
            raise MissingApiKey(
                f"No API key is available for “{profile.name}”; enter it again on the Profiles screen."
            )
        return key

    def base_url_for(self, profile: Profile) -> str:
        sandbox_url = None
        if profile.environment is Environment.SANDBOX:
            sandbox_url = self.sandbox.address()[0]
        return base_url_for(profile.environment, sandbox_url)

    def client_for(
        self,
        http: httpx.Client,
        profile: Profile,
        *,
        api_key: str | None = None,
        retry: RetryPolicy | None = None,
        observer: ExchangeObserver | None = None,
    ) -> MspClient:
        """A client for the profile; ``api_key`` replaces the stored key (``MSP_DESK_API_KEY``).

        ``observer`` hears of every exchange (the app's timeline recorder, :mod:`msp_desk.history.calls`).
        """
        from msp_desk.api.client import MspClient

        key = api_key if api_key else self.api_key_for(profile)
        return MspClient(
            http,
            self.base_url_for(profile),
            key,
            retry=retry,
            environment=profile.environment,
            observer=observer,
        )
