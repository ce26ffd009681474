"""The Profiles screen: list, add, edit, delete and test the connection profiles.

The page lays out the list, the form and the buttons, decides what the form
shows and which buttons work, and hands each action to its own class
(``SaveProfile``, ``DeleteProfile``, ``TestConnection``, ``CheckKeyring``,
``ReadKeyMask``). Every keyring access and every request runs on a worker; a
key typed into the form is emptied as soon as it is saved, and from then on
only its last four characters are shown.

The credentials code is heavy to import, so this module only imports it inside
methods, once ``ProfileService.ready`` has fired (by then it is loaded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QWidget,
)

from msp_desk.api.environments import Environment
from msp_desk.ui.profiles.connection import TestConnection
from msp_desk.ui.profiles.delete import DeleteProfile
from msp_desk.ui.profiles.form import ProfileForm
from msp_desk.ui.profiles.keyring import CheckKeyring, ReadKeyMask
from msp_desk.ui.profiles.keyring_banner import KeyringBanner
from msp_desk.ui.profiles.layout import add_shortcuts, lay_out
from msp_desk.ui.profiles.list import ID_ROLE, ProfileList, ProfileRow
from msp_desk.ui.profiles.save import SaveProfile
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.widgets.controls import button
from msp_desk.ui.widgets.dialogs import confirm
from msp_desk.ui.widgets.focus import set_tab_chain
from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QListWidgetItem

    from msp_desk.credentials.connection import ConnectionCheck
    from msp_desk.credentials.profiles import Profile
    from msp_desk.credentials.secrets import KeyringStatus
    from msp_desk.credentials.validation import FormCheck

_MISSING_WORDS = {"name": "a name", "api_key": "the API key", "notification_url": "a valid notification URL"}


class ProfilesPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profilesPage")
        self.context = context
        self.profiles = context.profiles
        self.ops = context.operations(self, initiator="profiles")
        self.saved: Profile | None = None  # the stored profile behind the form; None while adding
        self.learned: ConnectionCheck | None = None  # GET /me answer for the key and environment on screen
        self.key_missing = False
        self.masks: dict[str, str] = {}  # profile id → "••••1234"; never the key itself
        self._mask_pending = False  # the shown profile's key is read once the page is visible
        self._check: FormCheck | None = None
        self._keyring: KeyringStatus | None = None
        self._built = False

        self.banner = KeyringBanner(self)
        self.banner.hide()
        self.banner.retry_requested.connect(self._check_keyring)
        self.loading_label = MessageLabel("Profiles", self)
        self.loading_label.setObjectName("profilesLoading")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading_label.show_hint("Loading profiles…")

        self.profile_list = ProfileList(self)
        list_label = QLabel("P&rofiles", self)
        list_label.setBuddy(self.profile_list)
        self.form = ProfileForm(self)
        self.new_button = button(self, "Ne&w profile", "newProfile", "Start a new profile (Ctrl+N)")
        self.delete_button = button(
            self, "&Delete", "deleteProfile", "Delete the profile and its API key (Del in the list)"
        )
        self.use_button = button(
            self,
            "Use this &profile",
            "useProfile",
            "Make this the active profile for every screen (Ctrl+Enter)",
        )
        self.save_button = button(self, "&Save", "saveProfile", "Save the profile (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_hint = MessageLabel("What is missing to save", self, hide_when_empty=True)
        self.save_hint.setObjectName("saveHint")
        self.feedback = MessageLabel("Profile feedback", self, hide_when_empty=True)
        self.feedback.setObjectName("profileFeedback")

        self.splitter, self._stack = lay_out(self, list_label)
        self._connect()
        add_shortcuts(self)
        set_tab_chain(
            [
                self.profile_list,
                self.form.name_edit,
                self.form.environment_combo,
                self.form.key_edit,
                self.form.session_check,
                self.form.test_button,
                self.form.site_edit,
                self.form.account_edit,
                self.form.url_edit,
                self.form.method_combo,
                self.new_button,
                self.delete_button,
                self.use_button,
                self.save_button,
            ]
        )
        if self.profiles.is_ready:
            self._on_ready()

    # -- construction ----------------------------------------------------------

    def _connect(self) -> None:
        self.profiles.ready.connect(self._on_ready)
        self.profiles.profiles_changed.connect(self._refresh_list)
        self.profiles.active_changed.connect(lambda _profile: self._refresh_list())
        self.profiles.load_failed.connect(self.loading_label.show_error)
        self.profile_list.currentItemChanged.connect(self._selection_changed)
        self.form.edited.connect(self.revalidate)
        self.form.identity_stale.connect(self._forget_identity)
        self.form.test_button.clicked.connect(self.test_connection)
        for edit in (self.form.name_edit, self.form.key_edit, self.form.url_edit):
            edit.returnPressed.connect(self.save)
        self.new_button.clicked.connect(self.start_new)
        self.delete_button.clicked.connect(self.delete_selected)
        self.use_button.clicked.connect(self.use_selected)
        self.save_button.clicked.connect(self.save)

    # -- loading ---------------------------------------------------------------

    def _on_ready(self) -> None:
        if self._built:
            return
        self._built = True
        self._stack.setCurrentWidget(self.splitter)
        self.banner.show()
        self.show_profile(self.profiles.active())
        self._refresh_list()
        if self.isVisible():
            self._check_keyring()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The keyring is first touched when someone looks at this screen, not at start-up,
        # so an unlock prompt never appears before anyone asked for a key.
        if self._built and self._keyring is None:
            self._check_keyring()
        if self.saved is not None and self._mask_pending:
            self._mask_pending = False
            ReadKeyMask(self).start(self.saved)

    def _check_keyring(self) -> None:
        if self._built:
            CheckKeyring(self).start()

    # -- the list --------------------------------------------------------------

    def _refresh_list(self) -> None:
        if not self._built:
            return
        active_id = self.profiles.active().id
        profiles = self.profiles.profiles()
        rows = [
            ProfileRow(
                id=profile.id,
                name=profile.name,
                environment=profile.environment.value,
                active=profile.id == active_id,
                builtin=self.profiles.is_builtin(profile),
                site_id=profile.site_id,
            )
            for profile in profiles
        ]
        if self.saved is not None:
            fresh = next((p for p in profiles if p.id == self.saved.id), None)
            if fresh is None:
                self.show_profile(self.profiles.active())  # deleted elsewhere: nothing left to edit
            else:
                self.saved = fresh
        self.profile_list.show_profiles(rows, self.saved.id if self.saved else None)
        self.update_buttons()

    def _selection_changed(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        wanted = current.data(ID_ROLE)
        showing = self.saved.id if self.saved else None
        if wanted == showing:
            return
        if not self._may_discard():
            self.profile_list.select_id(showing)
            return
        profile = next((p for p in self.profiles.profiles() if p.id == wanted), None)
        if profile is not None:
            self.show_profile(profile)

    def _may_discard(self) -> bool:
        if not self.is_dirty():
            return True
        what = f"your changes to “{self.saved.name}”" if self.saved else "the new profile"
        return confirm(self, "Unsaved changes", f"Discard {what}?", name="discardChanges")

    # -- the form --------------------------------------------------------------

    def show_profile(self, profile: Profile | None) -> None:
        """Load a stored profile into the form, or an empty one (None) for adding."""
        from msp_desk.credentials.profiles import KeyStorage

        # Answers about the profile shown so far must not land on this one.
        for lane in ("mask", "test", "write"):
            self.ops.move_on(lane)
        self._mask_pending = False
        self.saved = profile
        self.learned = None
        self.key_missing = False
        self.set_feedback("")
        editable = profile is None or not self.profiles.is_builtin(profile)
        session_only = profile is not None and profile.key_storage is KeyStorage.SESSION_ONLY
        if profile is None:
            note, placeholder = self._new_profile_note(), "Paste the website's API key"
        elif not editable:
            note = (
                "Built-in profile: it talks to the local sandbox inside msp-desk with the sandbox's "
                "own key. It is always available and cannot be edited or deleted."
            )
            placeholder = "The local sandbox's own key"
        else:
            note = (
                "The key is kept in memory until msp-desk closes."
                if session_only
                else "The key is stored in the system keyring; type a new one to replace it."
            )
            mask = self.masks.get(profile.id)
            placeholder = f"Unchanged ({mask})" if mask else "Unchanged (reading the keyring…)"
        self.form.load(
            title=profile.name if profile else "New profile",
            note=note,
            name=profile.name if profile else "",
            environment=profile.environment if profile else Environment.TEST,
            key_placeholder=placeholder,
            session_only=session_only,
            site_id=profile.site_id if profile else None,
            account_id=profile.account_id if profile else None,
            notification_url=(profile.notification_url or "") if profile else "",
            notification_method=profile.notification_method if profile else "POST",
            editable=editable,
        )
        if profile is not None and editable and profile.id not in self.masks:
            if self.isVisible():
                ReadKeyMask(self).start(profile)
            else:
                self._mask_pending = True
        self._apply_session_choice()
        self.revalidate()

    def _new_profile_note(self) -> str:
        if self._keyring is not None and not self._keyring.working:
            return "Not saved yet. With no working keyring, the key can only be kept for this session."
        return "Not saved yet. Test connection checks the key; Save stores it in the system keyring."

    def _forget_identity(self) -> None:
        self.learned = None
        values = self.form.values()
        saved = self.saved
        if saved is not None and not values.api_key and values.environment is saved.environment:
            self.form.set_identity(saved.site_id, saved.account_id)
        else:
            self.form.set_identity(None, None)
        self.form.show_result("")

    def is_builtin_shown(self) -> bool:
        return self.saved is not None and self.profiles.is_builtin(self.saved)

    def _apply_session_choice(self) -> None:
        from msp_desk.credentials.profiles import KeyStorage

        if self.is_builtin_shown():
            self.form.set_session_choice(False)
            return
        keyring_works = self._keyring is not None and self._keyring.working
        already_session = self.saved is not None and self.saved.key_storage is KeyStorage.SESSION_ONLY
        # Also offered for a session-only profile, so its key can move into a keyring that works again.
        self.form.set_session_choice((self._keyring is not None and not keyring_works) or already_session)

    def revalidate(self) -> None:
        if not self._built:
            return
        from msp_desk.credentials.validation import FormCheck, check_profile_form

        check = FormCheck()
        if not self.is_builtin_shown():
            values = self.form.values()
            keyring_missing = self._keyring is not None and self._keyring.state.value == "no_backend"
            check = check_profile_form(
                values,
                saved=self.saved,
                existing=self.profiles.profiles(),  # the built-in name is taken too
                key_missing=self.key_missing,
                keyring_missing=keyring_missing,
            )
            if keyring_missing and values.api_key and "api_key" in check.errors:
                self.form.touch("api_key")
        self._check = check
        missing = self.form.show_check(check)
        if missing:
            self.save_hint.show_hint(
                "To save, enter " + " and ".join(_MISSING_WORDS[f] for f in missing) + "."
            )
        else:
            self.save_hint.clear_message()
        self.update_buttons()

    def is_dirty(self) -> bool:
        """True when the form holds something that Save would store."""
        if not self._built or self.is_builtin_shown():
            return False
        from msp_desk.credentials.validation import changes_profile

        return changes_profile(self.form.values(), self.saved, self.learned)

    def update_buttons(self) -> None:
        ready = self._built
        writing = self.ops.busy("write")
        saved = self.saved
        builtin = self.is_builtin_shown()
        values = self.form.values()
        check_ok = self._check is not None and self._check.ok
        self.save_button.setEnabled(ready and not writing and not builtin and check_ok and self.is_dirty())
        self.delete_button.setEnabled(ready and not writing and saved is not None and not builtin)
        self.new_button.setEnabled(ready and not writing)
        active_id = self.profiles.active().id if ready else None
        self.use_button.setEnabled(ready and not writing and saved is not None and saved.id != active_id)
        self.use_button.setToolTip(
            "This is the active profile"
            if saved is not None and saved.id == active_id
            else "Make this the active profile for every screen (Ctrl+Enter)"
        )
        # Only a malformed key stops a test; a key the keyring cannot store can still be tried.
        key_error = False
        if values.api_key:
            from msp_desk.credentials.validation import check_api_key

            key_error = check_api_key(values.api_key)[0] is not None
        can_test = builtin or (saved is not None and not self.key_missing) or bool(values.api_key)
        self.form.test_button.setEnabled(ready and not self.ops.busy("test") and can_test and not key_error)

    def set_feedback(self, text: str, *, error: bool = False) -> None:
        if error:
            self.feedback.show_error(text)
        else:
            self.feedback.show_info(text)
            if text:
                self.context.events.status.emit(text)

    def apply_keyring_status(self, status: KeyringStatus, backend: str | None = None) -> None:
        self._keyring = status
        self.banner.show_status(status, backend)
        if self.saved is None:
            self.form.note.setText(self._new_profile_note())
        self._apply_session_choice()
        self.revalidate()

    @property
    def keyring_status(self) -> KeyringStatus | None:
        """What the last keyring check found; None while it runs."""
        return self._keyring

    # -- actions ---------------------------------------------------------------

    def start_new(self) -> None:
        if not self._built or self.ops.busy("write") or not self._may_discard():
            return
        self.profile_list.select_id(None)
        self.show_profile(None)
        self.form.name_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def save(self) -> None:
        self.revalidate()
        if self.save_button.isEnabled():
            SaveProfile(self).start()

    def delete_selected(self) -> None:
        if self.saved is not None and self.delete_button.isEnabled():
            DeleteProfile(self).start(self.saved)

    def test_connection(self) -> None:
        if self.form.test_button.isEnabled() and not self.ops.busy("test"):
            TestConnection(self).start()

    def use_selected(self) -> None:
        saved = self.saved
        if saved is None or not self.use_button.isEnabled():
            return
        try:
            self.profiles.set_active(saved)
        except OSError as error:
            self.set_feedback(f"Could not switch profiles: {error.strerror or error}", error=True)
            return
        self.set_feedback(f"“{saved.name}” is now the active profile.")

    # -- for tests and the window ----------------------------------------------

    def shown_profile(self) -> Profile | None:
        """The stored profile the form shows; None while a new one is being added."""
        return self.saved

    @property
    def busy(self) -> bool:
        return self.ops.busy()
