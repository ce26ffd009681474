"""Deleting a profile: asked first, the key removed before the profile so it never outlives it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msp_desk.ui.profiles.keyring import keyring_status_of
from msp_desk.ui.services.tasks import TaskContext
from msp_desk.ui.widgets.dialogs import confirm

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.profiles.page import ProfilesPage
    from msp_desk.ui.services.operations import Failure


class DeleteProfile:
    def __init__(self, page: ProfilesPage) -> None:
        self._page = page

    def start(self, profile: Profile) -> None:
        from msp_desk.credentials.profiles import KeyStorage

        page = self._page
        where = (
            "Its API key is forgotten from memory."
            if profile.key_storage is KeyStorage.SESSION_ONLY
            else "Its API key is removed from the system keyring."
        )
        question = f"Delete the profile “{profile.name}”?\n\n{where} This cannot be undone."
        if not confirm(page, "Delete profile", question, name="deleteProfileConfirmation"):
            return
        store = page.profiles.store

        def job(ctx: TaskContext) -> None:
            store.delete(profile.id)

        page.set_feedback("Deleting…")
        page.ops.run(
            job,
            name="Delete profile",
            lane="write",
            keep=True,
            on_success=lambda _none: self._deleted(profile),
            on_failure=lambda failure: self._failed(profile, failure),
        )
        page.update_buttons()

    def _deleted(self, profile: Profile) -> None:
        page = self._page
        page.masks.pop(profile.id, None)
        if page.saved is not None and page.saved.id == profile.id:
            page.show_profile(page.profiles.active())
        page.profiles.notify_changed()
        page.set_feedback(f"Deleted “{profile.name}” and its API key.")

    def _failed(self, profile: Profile, failure: Failure) -> None:
        page = self._page
        status = keyring_status_of(failure.error)
        if status is not None:
            page.apply_keyring_status(status)
            reason = f"its key could not be removed from the keyring. {status.explanation}"
        else:
            reason = failure.message
        page.set_feedback(f"“{profile.name}” was not deleted: {reason}", error=True)
        page.update_buttons()
