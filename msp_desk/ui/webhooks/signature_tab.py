"""The signature checker: does this ``Auth`` header sign this body, and if not, why not?

The key is the chosen profile's (read from the keyring in a job) or one pasted
into a password field for this check; a pasted key is never stored. The verdict
and its reasons are message labels, so a screen reader reads them out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from msp_desk.ui.webhooks.site_form import labelled
from msp_desk.ui.webhooks.verify import VerifySignature
from msp_desk.ui.widgets.controls import button, stacked
from msp_desk.ui.widgets.focus import set_tab_chain
from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Operations
    from msp_desk.webhooks.checker import SignatureReport

PASTED = "pasted"
DEFAULT_WINDOW = 600
BODY_NOTE = (
    "Paste the body exactly as your server received it. A text box cannot hold every byte (a CR "
    "line ending, for one): for those, save the body to a file and run "
    "msp-desk webhook verify --body FILE."
)


class SignatureTab(QWidget):
    def __init__(self, context: AppContext, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signatureTab")
        self.context = context
        self.ops = ops
        self._profiles: dict[str, Profile] = {}

        self.body_edit = QPlainTextEdit(self)
        self.body_edit.setObjectName("signatureBody")
        self.body_edit.setAccessibleName("Raw body")
        self.body_edit.setPlaceholderText('{"amount":1000,"currency":"EUR",…}')
        self.body_edit.setFont(QFont("monospace"))
        body_label = QLabel("Raw &body, exactly as received", self)
        body_label.setBuddy(self.body_edit)
        body_note = MessageLabel("About the raw body", self)
        body_note.show_hint(BODY_NOTE)
        self.auth_edit = QLineEdit(self)
        self.auth_edit.setObjectName("signatureAuth")
        self.auth_edit.setPlaceholderText("The Auth header's value, e.g. MTY0MTIx…")
        self.key_combo = QComboBox(self)
        self.key_combo.setObjectName("signatureKeySource")
        self.key_combo.setToolTip("Whose key checks the signature: each website signs with its own API key")
        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName("signaturePastedKey")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Only for this check; never stored")
        self.window_edit = QLineEdit(str(DEFAULT_WINDOW), self)
        self.window_edit.setObjectName("signatureWindow")
        self.window_edit.setMaximumWidth(160)
        self.window_edit.setToolTip(
            "The largest age of the timestamp, either way, in seconds; 0 turns the age check off "
            "(for a body saved from an old ticket)"
        )
        self.window_message = MessageLabel("Age window message", self, hide_when_empty=True)
        self.verify_button = button(
            self,
            "Ve&rify signature",
            "verifySignature",
            "Check the Auth header against the body (Ctrl+Enter)",
        )
        self.verdict = MessageLabel("Signature verdict", self)
        self.verdict.setObjectName("signatureVerdict")
        font = self.verdict.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.verdict.setFont(font)
        self.verdict.show_hint("Paste a notification's body and Auth header, then verify.")
        self.reasons = MessageLabel("Why", self, hide_when_empty=True)
        self.reasons.setObjectName("signatureReasons")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(labelled("&Auth header", self.auth_edit, self), self.auth_edit)
        form.addRow(labelled("&Key from", self.key_combo, self), self.key_combo)
        form.addRow(labelled("Pas&ted API key", self.key_edit, self), self.key_edit)
        form.addRow(
            labelled("Age &window (seconds)", self.window_edit, self),
            stacked(self, self.window_edit, self.window_message),
        )
        verify_row = QHBoxLayout()
        verify_row.addWidget(self.verify_button)
        verify_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(body_label)
        layout.addWidget(self.body_edit, 2)
        layout.addWidget(body_note)
        layout.addLayout(form)
        layout.addLayout(verify_row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.reasons)
        layout.addStretch(1)

        self.key_combo.currentIndexChanged.connect(lambda _index: self.update_buttons())
        self.window_edit.textEdited.connect(lambda _text: self.update_buttons())
        self.auth_edit.textEdited.connect(lambda _text: self.update_buttons())
        self.key_edit.textEdited.connect(lambda _text: self.update_buttons())
        self.body_edit.textChanged.connect(self.update_buttons)
        self.verify_button.clicked.connect(self.verify)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.verify_button.click)
        set_tab_chain(
            [
                self.body_edit,
                self.auth_edit,
                self.key_combo,
                self.key_edit,
                self.window_edit,
                self.verify_button,
            ]
        )
        self.body_edit.setTabChangesFocus(True)
        self.update_buttons()

    # -- the key ---------------------------------------------------------------

    def show_profiles(self, profiles: list[Profile], active: Profile, *, choose_active: bool) -> None:
        """Offer every profile's key and a pasted one; ``choose_active`` picks the active profile's."""
        from msp_desk.ui.widgets.colours import environment_label

        wanted = active.id if choose_active or not self.key_combo.count() else self.key_combo.currentData()
        self.key_combo.blockSignals(True)
        self.key_combo.clear()
        for profile in profiles:
            self.key_combo.addItem(
                f"Profile “{profile.name}” ({environment_label(profile.environment.value)})", profile.id
            )
        self.key_combo.addItem("A key pasted below", PASTED)
        index = self.key_combo.findData(wanted)
        self.key_combo.setCurrentIndex(index if index >= 0 else self.key_combo.findData(active.id))
        self.key_combo.blockSignals(False)
        self._profiles = {profile.id: profile for profile in profiles}
        self.update_buttons()

    def chosen_profile(self) -> Profile | None:
        data = self.key_combo.currentData()
        return None if data == PASTED else self._profiles.get(data)

    def body(self) -> bytes:
        """The body's text as UTF-8 bytes, line breaks as typed, non-breaking spaces kept."""
        # toPlainText would turn U+00A0 into spaces; the raw text keeps it, with U+2029 between lines.
        return self.body_edit.document().toRawText().replace("\u2029", "\n").encode("utf-8")

    def age_window(self) -> float | None:
        """The age window in seconds; None for no age check; raises ValueError for a bad entry."""
        text = self.window_edit.text().strip()
        if not text.isdigit() or not text.isascii():
            raise ValueError("Type a whole number of seconds, e.g. 600; 0 turns the age check off.")
        seconds = int(text)
        if seconds > 10 * 365 * 86400:
            raise ValueError("Type at most ten years' worth of seconds, or 0 to turn the age check off.")
        return float(seconds) or None

    # -- verifying ---------------------------------------------------------------

    def update_buttons(self) -> None:
        pasted = self.key_combo.currentData() == PASTED
        self.key_edit.setEnabled(pasted)
        try:
            self.age_window()
        except ValueError as error:
            self.window_message.show_error(str(error))
            window_ok = False
        else:
            self.window_message.clear_message()
            window_ok = True
        has_key = bool(self.key_edit.text().strip()) if pasted else self.chosen_profile() is not None
        self.verify_button.setEnabled(
            window_ok
            and has_key
            and bool(self.body_edit.document().characterCount() > 1)
            and not self.ops.busy("verify")
        )

    def verify(self) -> None:
        if self.verify_button.isEnabled():
            VerifySignature(self).start()

    def show_report(self, report: SignatureReport) -> None:
        from msp_desk.webhooks.checker import Verdict

        first, *rest = report.lines()
        if report.verdict is Verdict.VALID:
            self.verdict.show_info(first)
        elif report.verdict is Verdict.VALID_AFTER_CHANGE:
            self.verdict.show_warning(first)
        else:
            self.verdict.show_error(first)
        self.reasons.show_info("\n".join(rest))
        self.update_buttons()

    def show_problem(self, text: str) -> None:
        self.verdict.show_error(text)
        self.reasons.clear_message()
        self.update_buttons()
