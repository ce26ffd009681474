"""The add/edit form of the Profiles screen: fields, their inline messages, and Test connection.

The form only shows and collects; the page decides what is valid and what is
saved. The API key field is a password field that is emptied after every
save: a stored key is only ever shown as its last four characters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msp_desk.api.environments import Environment
from msp_desk.core.redaction import mask_key
from msp_desk.credentials.form_values import ProfileFormValues
from msp_desk.ui.widgets.colours import environment_label, environment_style
from msp_desk.ui.widgets.controls import stacked
from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.credentials.validation import FormCheck

ENVIRONMENTS = (Environment.SANDBOX, Environment.TEST, Environment.LIVE)
METHODS = ("POST", "GET")
FIELDS = ("name", "api_key", "notification_url")
FIELD_TITLES = {"name": "Name", "api_key": "API key", "notification_url": "Notification URL"}

SESSION_ONLY_AVAILABLE_TIP = (
    "No system keyring can store the key, so msp-desk can keep it in memory until it closes. "
    "It is never written to disk; you will be asked for it again next time."
)
SESSION_ONLY_UNNEEDED_TIP = (
    "Keys are saved in the system keyring, so this is only needed when no keyring works."
)


def _labelled(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    buddy.setAccessibleName(text.replace("&", ""))
    return label


def _show_as_text(edit: QLineEdit, read_only: bool) -> None:
    # Read-only rather than disabled, so the value can still be focused, read out and copied;
    # drawn as plain text on the window background, so nobody tries to type into it.
    edit.setReadOnly(read_only)
    edit.setFrame(not read_only)
    edit.setStyleSheet("QLineEdit { background: transparent; }" if read_only else "")


class ProfileForm(QWidget):
    edited = Signal()
    # The key or the environment changed, so ids learned from GET /me may no longer apply.
    identity_stale = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileForm")
        self._touched: set[str] = set()
        self._loading = False

        # The profile's name as typed: plain text, heard by screen readers.
        self.title = MessageLabel("Profile shown", self, wrap=False)
        self.title.setObjectName("profileTitle")
        title_font = self.title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        self.title.setFont(title_font)
        self.environment_badge = MessageLabel("Environment", self, wrap=False, selectable=False)
        self.environment_badge.setObjectName("profileEnvironmentBadge")
        self.note = MessageLabel("Profile note", self)
        self.note.setObjectName("profileNote")
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("profileName")
        self.name_edit.setPlaceholderText("e.g. Shop NL test")
        self.name_edit.setMaxLength(80)
        self.environment_combo = QComboBox(self)
        self.environment_combo.setObjectName("profileEnvironment")
        for environment in ENVIRONMENTS:
            self.environment_combo.addItem(environment_label(environment.value), environment.value)
        self.environment_combo.setToolTip(
            "Sandbox is the local sandbox inside msp-desk; Test is testapi.multisafepay.com; "
            "Live is api.multisafepay.com and moves real money."
        )
        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName("profileApiKey")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setToolTip(
            "The website's API key from MultiSafepay Control. Once saved it is never shown again, "
            "only its last four characters."
        )
        self.session_check = QCheckBox("Keep the key for this session &only", self)
        self.session_check.setObjectName("profileSessionOnly")
        self.session_check.setAccessibleName("Keep the key for this session only")
        self.session_check.setEnabled(False)
        self.session_check.setToolTip(SESSION_ONLY_UNNEEDED_TIP)
        self.test_button = QPushButton("&Test connection", self)
        self.test_button.setObjectName("testConnection")
        self.test_button.setAccessibleName("Test connection")
        self.test_button.setToolTip("Ask MultiSafepay who this key belongs to (GET /me) (Ctrl+T)")
        self.result_label = MessageLabel("Connection result", self, hide_when_empty=True)
        self.result_label.setObjectName("connectionResult")
        # Word-wrapped labels in a form may get more height than their text; keep it by the button.
        self.result_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.site_edit = QLineEdit(self)
        self.site_edit.setObjectName("profileSiteId")
        self.account_edit = QLineEdit(self)
        self.account_edit.setObjectName("profileAccountId")
        for learned in (self.site_edit, self.account_edit):
            _show_as_text(learned, True)
            learned.setPlaceholderText("Filled in by Test connection")
            learned.setToolTip("Learned from MultiSafepay (GET /me) when the connection is tested")
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("profileNotificationUrl")
        self.url_edit.setPlaceholderText("https://")
        self.url_edit.setToolTip("Default notification (webhook) URL for orders made with this profile")
        self.method_combo = QComboBox(self)
        self.method_combo.setObjectName("profileNotificationMethod")
        self.method_combo.addItems(list(METHODS))
        self.method_combo.setToolTip("How MultiSafepay calls the notification URL")

        self.messages = {
            field: MessageLabel(f"{FIELD_TITLES[field]} message", self, hide_when_empty=True)
            for field in FIELDS
        }

        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.environment_badge)
        header.addStretch(1)

        # The answer goes under the button: errors such as a refused key run to two lines.
        test_row = stacked(self, self.test_button, self.result_label)
        test_row_layout = test_row.layout()
        if test_row_layout is not None:
            test_row_layout.setAlignment(self.test_button, Qt.AlignmentFlag.AlignLeft)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(8)
        form.addRow(
            _labelled("&Name", self.name_edit, self), stacked(self, self.name_edit, self.messages["name"])
        )
        form.addRow(_labelled("&Environment", self.environment_combo, self), self.environment_combo)
        form.addRow(
            _labelled("API &key", self.key_edit, self),
            stacked(self, self.key_edit, self.messages["api_key"], self.session_check),
        )
        form.addRow("", test_row)
        form.addRow(self._separator())
        form.addRow(_labelled("Site &ID", self.site_edit, self), self.site_edit)
        form.addRow(_labelled("A&ccount ID", self.account_edit, self), self.account_edit)
        form.addRow(self._separator())
        form.addRow(
            _labelled("Notification &URL", self.url_edit, self),
            stacked(self, self.url_edit, self.messages["notification_url"]),
        )
        form.addRow(_labelled("Notification &method", self.method_combo, self), self.method_combo)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.note)
        layout.addSpacing(6)
        layout.addLayout(form)

        self.name_edit.textEdited.connect(lambda _text: self._user_edit("name"))
        self.key_edit.textEdited.connect(lambda _text: self._user_edit("api_key", stale=True))
        self.url_edit.textEdited.connect(lambda _text: self._user_edit("notification_url"))
        self.environment_combo.currentIndexChanged.connect(self._environment_changed)
        self.method_combo.currentIndexChanged.connect(lambda _index: self._user_edit(None))
        self.session_check.toggled.connect(lambda _on: self._user_edit(None))
        self._show_environment(Environment.SANDBOX)

    def _separator(self) -> QFrame:
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        return line

    # -- filling in ------------------------------------------------------------

    def load(
        self,
        *,
        title: str,
        note: str,
        name: str,
        environment: Environment,
        key_placeholder: str,
        session_only: bool,
        site_id: object,
        account_id: object,
        notification_url: str,
        notification_method: str,
        editable: bool,
    ) -> None:
        """Show a profile (or an empty one); nothing counts as edited afterwards."""
        self._loading = True
        try:
            self._touched.clear()
            self.title.setText(title)
            self.note.setText(note)
            self.note.setVisible(bool(note))
            self.name_edit.setText(name)
            self.environment_combo.setCurrentIndex(ENVIRONMENTS.index(environment))
            self.key_edit.clear()
            self.key_edit.setPlaceholderText(key_placeholder)
            self.session_check.setChecked(session_only)
            self.set_identity(site_id, account_id)
            self.url_edit.setText(notification_url)
            self.method_combo.setCurrentIndex(METHODS.index(notification_method))
            for message in self.messages.values():
                message.clear_message()
            self.show_result("")
            for edit in (self.name_edit, self.key_edit, self.url_edit):
                _show_as_text(edit, not editable)
            self.url_edit.setPlaceholderText("https://" if editable else "None")
            self.environment_combo.setEnabled(editable)
            self.method_combo.setEnabled(editable)
            self._show_environment(environment)
        finally:
            self._loading = False

    def set_key_placeholder(self, text: str) -> None:
        self.key_edit.setPlaceholderText(text)

    def set_identity(self, site_id: object, account_id: object) -> None:
        self.site_edit.setText("" if site_id is None else str(site_id))
        self.account_edit.setText("" if account_id is None else str(account_id))

    def set_session_choice(self, enabled: bool) -> None:
        self.session_check.setEnabled(enabled)
        self.session_check.setToolTip(SESSION_ONLY_AVAILABLE_TIP if enabled else SESSION_ONLY_UNNEEDED_TIP)

    def show_result(self, text: str, *, error: bool = False, busy: bool = False) -> None:
        if error:
            self.result_label.show_error(text)
        elif busy:
            self.result_label.show_hint(text)
        else:
            self.result_label.show_info(text)

    # -- reading ---------------------------------------------------------------

    def values(self) -> ProfileFormValues:
        return ProfileFormValues(
            name=self.name_edit.text().strip(),
            environment=self.environment(),
            api_key=self.key_edit.text().strip(),
            session_only=self.session_check.isChecked(),
            notification_url=self.url_edit.text().strip(),
            notification_method=self.method_combo.currentText(),
        )

    # -- messages --------------------------------------------------------------

    def show_check(self, check: FormCheck) -> list[str]:
        """Show the problems of the fields a person has typed in; returns the fields still to fill in.

        A blank new form is not an error yet, so untouched fields stay quiet and
        the page says instead what is missing next to Save.
        """
        hidden: list[str] = []
        for field, message in self.messages.items():
            error = check.errors.get(field)
            warning = check.warnings.get(field)
            if error and field not in self._touched:
                hidden.append(field)
                message.clear_message()
            elif error:
                message.show_error(error)
            elif warning:
                message.show_warning(warning)
            elif field == "api_key" and self.key_edit.text().strip():
                message.show_hint(f"Ends in {mask_key(self.key_edit.text())}")
            else:
                message.clear_message()
        return hidden

    def show_field_error(self, field: str, text: str) -> None:
        self._touched.add(field)
        self.messages[field].show_error(text)

    def touch(self, field: str) -> None:
        self._touched.add(field)

    # -- internals -------------------------------------------------------------

    def _user_edit(self, field: str | None, *, stale: bool = False) -> None:
        if self._loading:
            return
        if field is not None:
            self._touched.add(field)
        if stale:
            self.identity_stale.emit()
        self.edited.emit()

    def environment(self) -> Environment:
        # Qt hands item data back as a plain str, not the enum it was given.
        return ENVIRONMENTS[max(self.environment_combo.currentIndex(), 0)]

    def _environment_changed(self, _index: int) -> None:
        self._show_environment(self.environment())
        self._user_edit(None, stale=True)

    def _show_environment(self, environment: Environment) -> None:
        label = environment_label(environment.value)
        self.environment_badge.setText("LIVE — real money" if environment is Environment.LIVE else label)
        self.environment_badge.setStyleSheet(environment_style(environment.value))
