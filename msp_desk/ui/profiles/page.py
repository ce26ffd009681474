"""The Profiles screen: list, add, edit, delete and test the connection profiles.

Every keyring access and every request runs on the task runner; the UI
thread only reads the in-memory profile list and writes profiles.json when a
profile is made active. A key typed into the form is handed to a worker job and
the field is emptied as soon as it is saved; from then on only its last four
characters are shown.

The credentials code is heavy to import, so this module only imports it inside
methods, once ``ProfileService.ready`` has fired (by then it is loaded).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QPalette, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from msp_desk.api.environments import Environment
from msp_desk.core.redaction import mask_key, redact
from msp_desk.ui.colours import alert_style
from msp_desk.ui.context import AppContext
from msp_desk.ui.focus import set_tab_chain
from msp_desk.ui.keyring_banner import KeyringBanner, storing_backend
from msp_desk.ui.profile_form import ProfileForm, WrappingLabel
from msp_desk.ui.profile_list import ID_ROLE, ProfileList, ProfileRow
from msp_desk.ui.settings import ui_settings
from msp_desk.ui.tasks import TaskContext, TaskHandle

if TYPE_CHECKING:
    from PySide6.QtWidgets import QListWidgetItem

    from msp_desk.credentials.connection import ConnectionCheck
    from msp_desk.credentials.profiles import Profile
    from msp_desk.credentials.secrets import KeyringStatus
    from msp_desk.credentials.validation import FormCheck

log = logging.getLogger(__name__)

_SPLITTER_KEY = "profiles/splitter"
_MISSING_WORDS = {"name": "a name", "api_key": "the API key", "notification_url": "a valid notification URL"}


def _describe(error: BaseException) -> str:
    """One line for a person; never the key (the text is redacted, whatever raised it)."""
    from msp_desk.api.errors import MspError
    from msp_desk.credentials.access import MissingApiKey

    if isinstance(error, MspError):
        return error.message
    if isinstance(error, MissingApiKey):
        return str(error)
    secret_error = _keyring_failure(error)
    if secret_error is not None:
        return secret_error.explanation
    text = str(error).strip()
    return redact(f"{type(error).__name__}: {text}" if text else type(error).__name__)


def _keyring_failure(error: BaseException) -> KeyringStatus | None:
    from msp_desk.credentials.secrets import SecretStorageUnavailable

    return error.status if isinstance(error, SecretStorageUnavailable) else None


class ProfilesPage(QWidget):
    """Manage profiles; emits ``status_message`` with one line after each save, delete or switch."""

    status_message = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profilesPage")
        self._context = context
        self._profiles = context.profiles
        self._saved: Profile | None = None  # the stored profile behind the form; None while adding
        self._learned: ConnectionCheck | None = None  # GET /me answer for the key and environment on screen
        self._key_missing = False
        self._mask_pending = False  # the shown profile's key is read once the page is visible
        self._masks: dict[str, str] = {}  # profile id → "••••1234"; never the key itself
        self._generation = 0  # bumped whenever the form shows another profile
        self._check: FormCheck | None = None
        self._keyring: KeyringStatus | None = None
        self._keyring_task: TaskHandle | None = None
        self._test_task: TaskHandle | None = None
        self._write_task: TaskHandle | None = None
        self._built = False

        self.banner = KeyringBanner(self)
        self.banner.hide()
        self.banner.retry_requested.connect(self._check_keyring)

        self.loading_label = QLabel("Loading profiles…", self)
        self.loading_label.setObjectName("profilesLoading")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading_label.setWordWrap(True)

        self.profile_list = ProfileList(self)
        list_label = QLabel("P&rofiles", self)
        list_label.setBuddy(self.profile_list)
        self.form = ProfileForm(self)

        self.new_button = self._button("Ne&w profile", "newProfile", "Start a new profile (Ctrl+N)")
        self.delete_button = self._button(
            "&Delete", "deleteProfile", "Delete the profile and its API key (Del in the list)"
        )
        self.use_button = self._button(
            "Use this &profile", "useProfile", "Make this the active profile for every screen (Ctrl+Enter)"
        )
        self.save_button = self._button("&Save", "saveProfile", "Save the profile (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_hint = QLabel(self)
        self.save_hint.setObjectName("saveHint")
        self.save_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.save_hint.hide()
        self.feedback = WrappingLabel(self)
        self.feedback.setObjectName("profileFeedback")
        self.feedback.hide()
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._build_layout(list_label)
        self._connect()
        self._add_shortcuts()
        self._set_tab_order()

        if self._profiles.is_ready:
            self._on_ready()

    # -- construction ----------------------------------------------------------

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        button.setToolTip(tip)
        button.setAutoDefault(False)
        return button

    def _build_layout(self, list_label: QLabel) -> None:
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(list_label)
        left_layout.addWidget(self.profile_list, 1)

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.save_button)

        # Buttons sit right under the fields they act on, not at the far bottom of a tall window.
        column = QWidget(self)
        column.setMaximumWidth(760)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.addWidget(self.form)
        column_layout.addSpacing(8)
        column_layout.addLayout(buttons)
        column_layout.addWidget(self.save_hint, 0, Qt.AlignmentFlag.AlignRight)
        column_layout.addWidget(self.feedback)
        column_layout.addStretch(1)

        right = QWidget(self)
        right_layout = QHBoxLayout(right)
        right_layout.setContentsMargins(16, 0, 8, 0)
        right_layout.addWidget(column, 1)
        right_layout.addStretch(0)
        scroll = QScrollArea(self)
        scroll.setObjectName("profileFormScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(right)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("profilesSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 700])
        state = ui_settings().value(_SPLITTER_KEY)
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)

        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.loading_label)
        self._stack.addWidget(self.splitter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.banner)
        layout.addWidget(self._stack, 1)

    def _connect(self) -> None:
        self._profiles.ready.connect(self._on_ready)
        self._profiles.profiles_changed.connect(self._refresh_list)
        self._profiles.active_changed.connect(lambda _profile: self._refresh_list())
        self._profiles.load_failed.connect(self.loading_label.setText)
        self.profile_list.currentItemChanged.connect(self._selection_changed)
        self.form.edited.connect(self._revalidate)
        self.form.identity_stale.connect(self._forget_identity)
        self.form.test_button.clicked.connect(self.test_connection)
        for edit in (self.form.name_edit, self.form.key_edit, self.form.url_edit):
            edit.returnPressed.connect(self.save)
        self.new_button.clicked.connect(self.start_new)
        self.delete_button.clicked.connect(self.delete_selected)
        self.use_button.clicked.connect(self.use_selected)
        self.save_button.clicked.connect(self.save)
        self.splitter.splitterMoved.connect(lambda _pos, _index: self._save_layout())

    def _add_shortcuts(self) -> None:
        # Window-wide, so they work straight after switching here from the navigation bar; Qt
        # ignores shortcuts of hidden widgets, so other screens may still use the same keys.
        page = Qt.ShortcutContext.WindowShortcut
        for keys, button in (
            ("Ctrl+N", self.new_button),
            ("Ctrl+S", self.save_button),
            ("Ctrl+T", self.form.test_button),
            ("Ctrl+Return", self.use_button),
            ("Ctrl+Enter", self.use_button),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(page)
            shortcut.activated.connect(button.click)
        # Del only in the list: in a text field it must keep deleting characters.
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.profile_list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_button.click)

    def _set_tab_order(self) -> None:
        form = self.form
        chain: list[QWidget] = [
            self.profile_list,
            form.name_edit,
            form.environment_combo,
            form.key_edit,
            form.session_check,
            form.test_button,
            form.site_edit,
            form.account_edit,
            form.url_edit,
            form.method_combo,
            self.new_button,
            self.delete_button,
            self.use_button,
            self.save_button,
        ]
        set_tab_chain(chain)

    def _save_layout(self) -> None:
        ui_settings().setValue(_SPLITTER_KEY, self.splitter.saveState())

    def hideEvent(self, event: QHideEvent) -> None:
        self._save_layout()
        super().hideEvent(event)

    # -- loading ---------------------------------------------------------------

    def _on_ready(self) -> None:
        if self._built:
            return
        self._built = True
        self._stack.setCurrentWidget(self.splitter)
        self.banner.show()
        active = self._profiles.active()
        self._show_profile(active)
        self._refresh_list()
        if self.isVisible():
            self._check_keyring()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The keyring is first touched when someone looks at this screen, not at start-up,
        # so an unlock prompt never appears before anyone asked for a key.
        if self._built and self._keyring is None:
            self._check_keyring()
        if self._saved is not None and self._mask_pending:
            self._read_mask(self._saved)

    # -- the list --------------------------------------------------------------

    def _refresh_list(self) -> None:
        if not self._built:
            return
        active_id = self._profiles.active().id
        profiles = self._profiles.profiles()
        rows = [
            ProfileRow(
                id=profile.id,
                name=profile.name,
                environment=profile.environment.value,
                active=profile.id == active_id,
                builtin=self._profiles.is_builtin(profile),
                site_id=profile.site_id,
            )
            for profile in profiles
        ]
        if self._saved is not None:
            fresh = next((p for p in profiles if p.id == self._saved.id), None)
            if fresh is None:
                # Deleted elsewhere: there is nothing left to edit.
                self._show_profile(self._profiles.active())
            else:
                self._saved = fresh
        self.profile_list.show_profiles(rows, self._saved.id if self._saved else None)
        self._update_buttons()

    def _selection_changed(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        wanted = current.data(ID_ROLE)
        showing = self._saved.id if self._saved else None
        if wanted == showing:
            return
        if not self._may_discard():
            self.profile_list.select_id(showing)
            return
        profile = next((p for p in self._profiles.profiles() if p.id == wanted), None)
        if profile is not None:
            self._show_profile(profile)

    def _may_discard(self) -> bool:
        if not self.is_dirty():
            return True
        what = f"your changes to “{self._saved.name}”" if self._saved else "the new profile"
        return self._confirm("Unsaved changes", f"Discard {what}?")

    def _confirm(self, title: str, text: str) -> bool:
        """A Yes/No question whose safe answer, No, is the default."""
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- the form --------------------------------------------------------------

    def _show_profile(self, profile: Profile | None) -> None:
        """Load a stored profile into the form, or an empty one (None) for adding."""
        from msp_desk.credentials.profiles import KeyStorage

        self._generation += 1
        self._mask_pending = False
        self._saved = profile
        self._learned = None
        self._key_missing = False
        self._set_feedback("")
        if profile is None:
            self.form.load(
                title="New profile",
                note=self._new_profile_note(),
                name="",
                environment=Environment.TEST,
                key_placeholder="Paste the website's API key",
                session_only=False,
                site_id=None,
                account_id=None,
                notification_url="",
                notification_method="POST",
                editable=True,
            )
        elif self._profiles.is_builtin(profile):
            self.form.load(
                title=profile.name,
                note=(
                    "Built-in profile: it talks to the local sandbox inside msp-desk with the sandbox's "
                    "own key. It is always available and cannot be edited or deleted."
                ),
                name=profile.name,
                environment=profile.environment,
                key_placeholder="The local sandbox's own key",
                session_only=False,
                site_id=profile.site_id,
                account_id=profile.account_id,
                notification_url=profile.notification_url or "",
                notification_method=profile.notification_method,
                editable=False,
            )
        else:
            session_only = profile.key_storage is KeyStorage.SESSION_ONLY
            self.form.load(
                title=profile.name,
                note=(
                    "The key is kept in memory until msp-desk closes."
                    if session_only
                    else "The key is stored in the system keyring; type a new one to replace it."
                ),
                name=profile.name,
                environment=profile.environment,
                key_placeholder=self._key_placeholder(profile.id),
                session_only=session_only,
                site_id=profile.site_id,
                account_id=profile.account_id,
                notification_url=profile.notification_url or "",
                notification_method=profile.notification_method,
                editable=True,
            )
            self._mask_pending = profile.id not in self._masks
            if self._mask_pending and self.isVisible():
                self._read_mask(profile)
        self._apply_session_choice()
        self._revalidate()

    def _new_profile_note(self) -> str:
        if self._keyring is not None and not self._keyring.working:
            return "Not saved yet. With no working keyring, the key can only be kept for this session."
        return "Not saved yet. Test connection checks the key; Save stores it in the system keyring."

    def _key_placeholder(self, profile_id: str) -> str:
        mask = self._masks.get(profile_id)
        return f"Unchanged ({mask})" if mask else "Unchanged (reading the keyring…)"

    def _read_mask(self, profile: Profile) -> None:
        self._mask_pending = False
        store = self._profiles.store
        generation = self._generation

        def job(ctx: TaskContext) -> str | None:
            key = store.api_key(profile.id)
            return mask_key(key) if key else None

        def done(mask: str | None) -> None:
            if mask:
                self._masks[profile.id] = mask
            if generation != self._generation:
                return
            if mask:
                self.form.set_key_placeholder(f"Unchanged ({mask})")
                return
            self._key_missing = True
            self.form.set_key_placeholder("No key available: enter it again")
            self.form.touch("api_key")
            self._revalidate()

        def failed(error: BaseException) -> None:
            status = _keyring_failure(error)
            if status is not None:
                self._apply_keyring_status(status)
            if generation == self._generation:
                self.form.set_key_placeholder("Unchanged (the keyring could not be read)")

        self._context.tasks.submit(job, name="Read the profile's key", on_success=done, on_failure=failed)

    def _forget_identity(self) -> None:
        self._learned = None
        values = self.form.values()
        saved = self._saved
        if saved is not None and not values.api_key and values.environment is saved.environment:
            self.form.set_identity(saved.site_id, saved.account_id)
        else:
            self.form.set_identity(None, None)
        self.form.show_result("")

    def _is_builtin_shown(self) -> bool:
        return self._saved is not None and self._profiles.is_builtin(self._saved)

    def _apply_session_choice(self) -> None:
        from msp_desk.credentials.profiles import KeyStorage

        if self._is_builtin_shown():
            self.form.set_session_choice(False)
            return
        keyring_works = self._keyring is not None and self._keyring.working
        already_session = self._saved is not None and self._saved.key_storage is KeyStorage.SESSION_ONLY
        # Also offered for a session-only profile, so its key can move into a keyring that works again.
        self.form.set_session_choice((self._keyring is not None and not keyring_works) or already_session)

    def _writes_key(self) -> bool:
        values = self.form.values()
        if self._saved is None:
            return True
        return bool(values.api_key) or self._key_missing

    def _revalidate(self) -> None:
        if not self._built:
            return
        from msp_desk.credentials.validation import FormCheck, validate_profile_form

        if self._is_builtin_shown():
            check = FormCheck()
        else:
            values = self.form.values()
            check = validate_profile_form(
                name=values.name,
                api_key=values.api_key if self._writes_key() else None,
                existing=self._profiles.profiles(),  # the built-in name is taken too
                editing_id=self._saved.id if self._saved else None,
                environment=values.environment,
                notification_url=values.notification_url,
            )
            if self._key_missing and not values.api_key:
                check.errors["api_key"] = (
                    "This profile's key was kept for an earlier session only; "
                    "enter it again to use the profile."
                )
            keyring_missing = self._keyring is not None and self._keyring.state.value == "no_backend"
            if (
                keyring_missing
                and not values.session_only
                and self._writes_key()
                and "api_key" not in check.errors
            ):
                check.errors["api_key"] = (
                    "No system keyring can store this key. Tick “Keep the key for this session only” "
                    "to use it until msp-desk closes."
                )
                if values.api_key:
                    self.form.touch("api_key")
        self._check = check
        missing = self.form.show_check(check)
        if missing:
            words = [_MISSING_WORDS[field] for field in missing]
            self.save_hint.setText("To save, enter " + " and ".join(words) + ".")
            self.save_hint.show()
        else:
            self.save_hint.setText("")
            self.save_hint.hide()
        self._update_buttons()

    def is_dirty(self) -> bool:
        """True when the form holds something that Save would store."""
        if not self._built or self._is_builtin_shown():
            return False
        values = self.form.values()
        saved = self._saved
        if saved is None:
            return bool(values.name or values.api_key or values.notification_url)
        from msp_desk.credentials.profiles import KeyStorage

        learned_changed = self._learned is not None and (
            self._learned.account_id != saved.account_id
            or (isinstance(self._learned.site_id, int) and self._learned.site_id != saved.site_id)
        )
        return (
            values.name != saved.name
            or values.environment is not saved.environment
            or bool(values.api_key)
            or values.session_only != (saved.key_storage is KeyStorage.SESSION_ONLY)
            or (values.notification_url or None) != saved.notification_url
            or values.notification_method != saved.notification_method
            or learned_changed
        )

    def _update_buttons(self) -> None:
        ready = self._built
        writing = self._write_task is not None
        saved = self._saved
        builtin = self._is_builtin_shown()
        values = self.form.values()
        check_ok = self._check is not None and self._check.ok
        self.save_button.setEnabled(ready and not writing and not builtin and check_ok and self.is_dirty())
        self.delete_button.setEnabled(ready and not writing and saved is not None and not builtin)
        self.new_button.setEnabled(ready and not writing)
        active_id = self._profiles.active().id if ready else None
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
        can_test = builtin or (saved is not None and not self._key_missing) or bool(values.api_key)
        self.form.test_button.setEnabled(ready and self._test_task is None and can_test and not key_error)

    def _set_feedback(self, text: str, *, error: bool = False) -> None:
        self.feedback.setText(f"⚠ {text}" if error and text else text)
        self.feedback.setVisible(bool(text))
        self.feedback.setStyleSheet(alert_style(self.palette()) if error else "")
        if text and not error:
            self.status_message.emit(text)

    # -- keyring ---------------------------------------------------------------

    def _check_keyring(self) -> None:
        if self._keyring_task is not None or not self._built:
            return
        self.banner.show_checking()
        secrets = self._profiles.store.secrets

        def job(ctx: TaskContext) -> tuple[KeyringStatus, str]:
            return secrets.status(), storing_backend(secrets.backend)

        def finished(result: tuple[KeyringStatus, str]) -> None:
            self._keyring_task = None
            self._apply_keyring_status(*result)

        def failed(error: BaseException) -> None:
            self._keyring_task = None
            self.banner.show_failure(_describe(error))

        self._keyring_task = self._context.tasks.submit(
            job, name="Check the keyring", on_success=finished, on_failure=failed
        )

    def _apply_keyring_status(self, status: KeyringStatus, backend: str | None = None) -> None:
        self._keyring = status
        self.banner.show_status(status, backend)
        if self._saved is None:
            self.form.note.setText(self._new_profile_note())
        self._apply_session_choice()
        self._revalidate()

    @property
    def keyring_status(self) -> KeyringStatus | None:
        """What the last keyring check found; None while it runs."""
        return self._keyring

    # -- actions ---------------------------------------------------------------

    def start_new(self) -> None:
        if not self._built or self._write_task is not None or not self._may_discard():
            return
        self.profile_list.select_id(None)
        self._show_profile(None)
        self.form.name_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def save(self) -> None:
        """Store the form; the keyring write runs on a worker, and the form keeps its values if it fails."""
        self._revalidate()
        if not self.save_button.isEnabled():
            return
        from msp_desk.credentials.profiles import KeyStorage, Profile

        values = self.form.values()
        storage = KeyStorage.SESSION_ONLY if values.session_only else KeyStorage.KEYRING
        store = self._profiles.store
        key = values.api_key
        learned = self._learned
        url = values.notification_url or None
        saved = self._saved

        if saved is None:
            new_profile = Profile(
                name=values.name,
                environment=values.environment,
                notification_url=url,
                notification_method="GET" if values.notification_method == "GET" else "POST",
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
                    "notification_method": "GET" if values.notification_method == "GET" else "POST",
                }
            )
            # Ids learned with an old key or environment would describe another website.
            identity_stale = learned is None and (bool(key) or values.environment is not saved.environment)
            if identity_stale:
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
        generation = self._generation
        self._set_feedback("Saving…")
        self._write_task = self._context.tasks.submit(
            job,
            name="Save profile",
            on_success=lambda profile: self._saved_ok(generation, profile, mask),
            on_failure=lambda error: self._save_failed(generation, error),
        )
        self._update_buttons()

    def _saved_ok(self, generation: int, profile: Profile, mask: str | None) -> None:
        self._write_task = None
        if mask:
            self._masks[profile.id] = mask
        if generation == self._generation:
            self._show_profile(profile)
        self._profiles.notify_changed()
        self._set_feedback(f"Saved “{profile.name}”.")

    def _save_failed(self, generation: int, error: BaseException) -> None:
        from msp_desk.credentials.access import MissingApiKey
        from msp_desk.credentials.profiles import DuplicateProfileName

        self._write_task = None
        status = _keyring_failure(error)
        if generation != self._generation:
            # The form shows something else by now; say it once, below the buttons.
            if status is not None:
                self._apply_keyring_status(status)
            self._set_feedback(f"The profile was not saved: {_describe(error)}", error=True)
        elif status is not None:
            self._apply_keyring_status(status)
            advice = (
                ""
                if self.form.values().session_only
                else " Tick “Keep the key for this session only” to use it until msp-desk closes."
            )
            self.form.show_field_error("api_key", f"The key was not saved. {status.explanation}{advice}")
            self._set_feedback("The profile was not saved; your entries are kept.", error=True)
        elif isinstance(error, DuplicateProfileName):
            self.form.show_field_error("name", f"There is already a profile named “{error.name}”.")
        elif isinstance(error, MissingApiKey):
            self.form.show_field_error("api_key", str(error))
        else:
            log.warning("Saving a profile failed: %s", _describe(error))
            self._set_feedback(f"The profile was not saved: {_describe(error)}", error=True)
        self._update_buttons()

    def delete_selected(self) -> None:
        saved = self._saved
        if saved is None or not self.delete_button.isEnabled():
            return
        from msp_desk.credentials.profiles import KeyStorage

        where = (
            "Its API key is forgotten from memory."
            if saved.key_storage is KeyStorage.SESSION_ONLY
            else "Its API key is removed from the system keyring."
        )
        if not self._confirm(
            "Delete profile", f"Delete the profile “{saved.name}”?\n\n{where} This cannot be undone."
        ):
            return
        store = self._profiles.store

        def deleted(_result: object) -> None:
            self._write_task = None
            self._masks.pop(saved.id, None)
            if self._saved is not None and self._saved.id == saved.id:
                self._show_profile(self._profiles.active())
            self._profiles.notify_changed()
            self._set_feedback(f"Deleted “{saved.name}” and its API key.")

        def failed(error: BaseException) -> None:
            self._write_task = None
            status = _keyring_failure(error)
            if status is not None:
                self._apply_keyring_status(status)
                reason = f"its key could not be removed from the keyring. {status.explanation}"
            else:
                reason = _describe(error)
            self._set_feedback(f"“{saved.name}” was not deleted: {reason}", error=True)
            self._update_buttons()

        self._set_feedback("Deleting…")
        self._write_task = self._context.tasks.submit(
            lambda ctx: store.delete(saved.id), name="Delete profile", on_success=deleted, on_failure=failed
        )
        self._update_buttons()

    def use_selected(self) -> None:
        saved = self._saved
        if saved is None or not self.use_button.isEnabled():
            return
        try:
            self._profiles.set_active(saved)
        except OSError as error:
            self._set_feedback(f"Could not switch profiles: {error.strerror or error}", error=True)
            return
        self._set_feedback(f"“{saved.name}” is now the active profile.")

    def test_connection(self) -> None:
        """GET /me with the form's key and environment, on a worker; the answer fills Site and Account ID."""
        if self._test_task is not None or not self.form.test_button.isEnabled():
            return
        values = self.form.values()
        saved = self._saved
        builtin = self._is_builtin_shown()
        key = values.api_key
        environment = values.environment
        profiles = self._profiles
        context = self._context
        # Only an answer for the stored key and environment describes the stored profile.
        persist_id = (
            saved.id
            if saved is not None and not builtin and not key and environment is saved.environment
            else None
        )

        def job(ctx: TaskContext) -> tuple[ConnectionCheck, Profile | None]:
            from msp_desk.api.environments import base_url_for
            from msp_desk.credentials.connection import check_connection, with_identity
            from msp_desk.credentials.profiles import ProfileNotFound

            if builtin and saved is not None:
                # The key and URL client_for would use, but with check_connection's single quick try.
                base_url, api_key = profiles.base_url_for(saved), profiles.api_key_for(saved)
            else:
                api_key = key
                if not api_key and saved is not None:
                    api_key = profiles.api_key_for(saved)
                sandbox_url = (
                    context.sandbox.ensure_running().base_url if environment is Environment.SANDBOX else None
                )
                base_url = base_url_for(environment, sandbox_url)
            result = check_connection(context.http, base_url, api_key, environment=environment)
            updated = None
            if persist_id is not None:
                store = profiles.store
                try:
                    updated = store.update(with_identity(store.get(persist_id), result))
                except ProfileNotFound:
                    updated = None
            return result, updated

        generation = self._generation
        self.form.show_result("Testing the connection…", busy=True)
        self._test_task = context.tasks.submit(
            job,
            name="Test connection",
            on_success=lambda result: self._tested(generation, *result),
            on_failure=lambda error: self._test_failed(generation, error),
        )
        self._update_buttons()

    def _tested(self, generation: int, check: ConnectionCheck, updated: Profile | None) -> None:
        self._test_task = None
        if updated is not None:
            if self._saved is not None and self._saved.id == updated.id:
                self._saved = updated
            self._profiles.notify_changed()
        if generation == self._generation:
            self._learned = check
            self.form.set_identity(check.site_id, check.account_id)

            def shown(value: object) -> str:
                return "unknown" if value is None else str(value)

            self.form.show_result(
                f"Site {shown(check.site_id)} · Account {shown(check.account_id)} · role: {shown(check.role)}"
            )
        self._revalidate()

    def _test_failed(self, generation: int, error: BaseException) -> None:
        self._test_task = None
        status = _keyring_failure(error)
        if status is not None:
            self._apply_keyring_status(status)
        if generation == self._generation:
            self.form.show_result(_describe(error), error=True)
        self._update_buttons()

    # -- for tests and the window ----------------------------------------------

    def shown_profile(self) -> Profile | None:
        """The stored profile the form shows; None while a new one is being added."""
        return self._saved

    @property
    def busy(self) -> bool:
        return any(task is not None for task in (self._test_task, self._write_task, self._keyring_task))
