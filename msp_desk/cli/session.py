"""What every command that talks to MultiSafepay needs: a profile, its key, a client, and clean-up.

``--profile NAME`` picks a saved profile (any case); without it the built-in
local sandbox is used, started in this process on the app's own state file so
the command sees the orders the app made. The key comes from the keyring, or
from ``MSP_DESK_API_KEY`` for automation; never from an argument, where it
would sit in the shell history and the process list.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from msp_desk.api.client import MspClient
    from msp_desk.api.retry import RetryPolicy
    from msp_desk.credentials.access import ProfileAccess
    from msp_desk.credentials.profiles import Profile
    from msp_desk.sandbox.embedded import EmbeddedSandbox

API_KEY_VARIABLE = "MSP_DESK_API_KEY"


class CommandError(Exception):
    """A problem the user can fix; the command prints it on one line and exits with status 2."""


@contextmanager
def _key_problems() -> Iterator[None]:
    """A missing or unusable key becomes a :class:`CommandError` that says how to supply one."""
    from msp_desk.credentials.access import MissingApiKey
    from msp_desk.credentials.secrets import SecretStorageUnavailable

    try:
        yield
    except MissingApiKey as error:
        raise CommandError(f"{error} Or set {API_KEY_VARIABLE}.") from None
    except SecretStorageUnavailable as error:
        raise CommandError(f"{error.status.explanation} Or set {API_KEY_VARIABLE}.") from None
    except ValueError as error:
        raise CommandError(f"The API key cannot be used: {error}.") from None


class Session(AbstractContextManager["Session"]):
    """Profiles, the embedded sandbox (started only if needed) and one HTTP client, closed together."""

    def __init__(self) -> None:
        from msp_desk.api.http import make_http_client
        from msp_desk.credentials.access import ProfileAccess, open_store
        from msp_desk.sandbox.embedded import EmbeddedSandbox

        store, warning = open_store()
        if warning:
            print(f"msp-desk: {warning}", file=sys.stderr)
        self.sandbox: EmbeddedSandbox = EmbeddedSandbox()
        self.access: ProfileAccess = ProfileAccess(store, self.sandbox)
        self.http: httpx.Client = make_http_client()

    def profile(self, name: str | None) -> Profile:
        from msp_desk.credentials.access import UnknownProfile

        try:
            return self.access.find(name)
        except UnknownProfile as error:
            raise CommandError(str(error)) from None

    def client(self, profile: Profile, *, retry: RetryPolicy | None = None) -> MspClient:
        """The profile's client; ``MSP_DESK_API_KEY`` replaces its stored key when set."""
        with _key_problems():
            override = os.environ.get(API_KEY_VARIABLE, "").strip() or None
            return self.access.client_for(self.http, profile, api_key=override, retry=retry)

    def api_key(self, profile: Profile) -> str:
        """The key itself, for commands that sign or verify rather than call the API."""
        with _key_problems():
            return os.environ.get(API_KEY_VARIABLE, "").strip() or self.access.api_key_for(profile)

    def close(self) -> None:
        self.http.close()
        self.sandbox.stop()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
