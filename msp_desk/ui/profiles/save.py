"""Saving a profile: the keyring write runs on a worker, and the form keeps its values if it fails."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msp_desk.core.redaction import mask_key
from msp_desk.ui.profiles.keyring import keyring_status_of
from msp_desk.ui.services.tasks import TaskContext

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.profiles.page import ProfilesPage
    from msp_desk.ui.services.operations import Failure, Operation


class SaveProfile:
    def __init__(self, page: ProfilesPage) -> None:
        self._page = page

    def start(self) -> None:
        from msp_desk.credentials.profiles import KeyStorage, Profile

        page = self._page
        values = page.form.values()
        storage = KeyStorage.SESSION_ONLY if values.session_only else KeyStorage.KEYRING
        store = page.profiles.store
        key = values.api_key
        learned = page.learned
        url = values.notification_url or None
        method = "GET" if values.notification_method == "GET" else "POST"
        saved = page.saved

        if saved is None:
            new_profile = Profile(
                name=values.name,
                environment=values.environment,
                notification_url=url,
                notification_method=method,
                key_storage=storage,
            )

            def add(ctx: TaskContext) -> Profile:
                from msp_desk.credentials.connection import with_identity

                profile = with_identity(new_profile, learned) if learned else new_profile
                return store.add(profile, key)

            job = add
        else:
            edited = saved.model_copy(
                update={
                    "name": values.name,
                    "environment": values.environment,
                    "notification_url": url,
                    "notification_method": method,
                }
            )
            # Ids learned with an old key or environment would describe another website.
            if learned is None and (bool(key) or values.environment is not saved.environment):
                edited = edited.model_copy(update={"site_id": None, "account_id": None})
            move_key = storage is not saved.key_storage

            def update(ctx: TaskContext) -> Profile:
                from msp_desk.credentials.access import MissingApiKey
                from msp_desk.credentials.connection import with_identity

                if key or move_key:
                    current = key or store.api_key(saved.id)
                    if not current:
                        raise MissingApiKey("Enter the API key again to move it.")
                    store.set_api_key(saved.id, current, storage)
                profile = edited.model_copy(update={"key_storage": storage})
                if learned:
                    profile = with_identity(profile, learned)
                return store.update(profile)

            job = update

        mask = mask_key(key) if key else None
        page.set_feedback("Saving…")
        operation: Operation = page.ops.run(
            job,
            name="Save profile",
            lane="write",
            keep=True,
            on_success=lambda profile: self._saved(operation, profile, mask),
            on_failure=lambda failure: self._failed(operation, failure),
        )
        page.update_buttons()

    def _saved(self, operation: Operation, profile: Profile, mask: str | None) -> None:
        page = self._page
        if mask:
            page.masks[profile.id] = mask
        if not operation.moved_on:
            page.show_profile(profile)
        page.profiles.notify_changed()
        page.set_feedback(f"Saved “{profile.name}”.")

    def _failed(self, operation: Operation, failure: Failure) -> None:
        from msp_desk.credentials.access import MissingApiKey
        from msp_desk.credentials.profiles import DuplicateProfileName

        page = self._page
        error = failure.error
        status = keyring_status_of(error)
        if status is not None:
            page.apply_keyring_status(status)
        if operation.moved_on:
            # The form shows something else by now; say it once, below the buttons.
            page.set_feedback(f"The profile was not saved: {failure.message}", error=True)
        elif status is not None:
            advice = (
                ""
                if page.form.values().session_only
                else " Tick “Keep the key for this session only” to use it until msp-desk closes."
            )
            page.form.show_field_error("api_key", f"The key was not saved. {status.explanation}{advice}")
            page.set_feedback("The profile was not saved; your entries are kept.", error=True)
        elif isinstance(error, DuplicateProfileName):
            page.form.show_field_error("name", f"There is already a profile named “{error.name}”.")
        elif isinstance(error, MissingApiKey):
            page.form.show_field_error("api_key", str(error))
        else:
            page.set_feedback(f"The profile was not saved: {failure.message}", error=True)
        page.update_buttons()
