"""Two small jobs of the Profiles screen that touch the keyring: is it usable, and a key's last four."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msp_desk.core.redaction import mask_key
from msp_desk.ui.profiles.keyring_banner import storing_backend
from msp_desk.ui.services.tasks import TaskContext

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.credentials.secrets import KeyringStatus
    from msp_desk.ui.profiles.page import ProfilesPage
    from msp_desk.ui.services.operations import Failure


def keyring_status_of(error: BaseException) -> KeyringStatus | None:
    from msp_desk.credentials.secrets import SecretStorageUnavailable

    return error.status if isinstance(error, SecretStorageUnavailable) else None


class CheckKeyring:
    """Asks the keyring whether keys can be stored; the banner and the form follow the answer."""

    def __init__(self, page: ProfilesPage) -> None:
        self._page = page

    def start(self) -> None:
        page = self._page
        if page.ops.busy("keyring"):
            return
        page.banner.show_checking()
        secrets = page.profiles.store.secrets

        def job(ctx: TaskContext) -> tuple[KeyringStatus, str]:
            return secrets.status(), storing_backend(secrets.backend)

        page.ops.run(
            job,
            name="Check the keyring",
            lane="keyring",
            on_success=lambda result: page.apply_keyring_status(*result),
            on_failure=self._failed,
        )

    def _failed(self, failure: Failure) -> None:
        self._page.banner.show_failure(failure.message)


class ReadKeyMask:
    """Reads a stored key only to show its last four characters; the key itself never reaches the UI."""

    def __init__(self, page: ProfilesPage) -> None:
        self._page = page

    def start(self, profile: Profile) -> None:
        page = self._page
        store = page.profiles.store

        def job(ctx: TaskContext) -> str | None:
            key = store.api_key(profile.id)
            return mask_key(key) if key else None

        page.ops.run(
            job,
            name="Read the profile's key",
            lane="mask",
            on_success=lambda mask: self._read(profile, mask),
            on_failure=self._failed,
        )

    def _read(self, profile: Profile, mask: str | None) -> None:
        page = self._page
        if mask:
            page.masks[profile.id] = mask
            page.form.set_key_placeholder(f"Unchanged ({mask})")
            return
        page.key_missing = True
        page.form.set_key_placeholder("No key available: enter it again")
        page.form.touch("api_key")
        page.revalidate()

    def _failed(self, failure: Failure) -> None:
        status = keyring_status_of(failure.error)
        if status is not None:
            self._page.apply_keyring_status(status)
        self._page.form.set_key_placeholder("Unchanged (the keyring could not be read)")
