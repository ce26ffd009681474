"""The website's settings as MultiSafepay keeps them: each field with its problem right under it.

The form only shows and collects; the site tab checks (``webhooks.site_settings``)
and saves. A field MultiSafepay refused (HTTP 422) keeps the server's words under
it until the field is edited again. The site's API key is never part of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from msp_desk.ui.webhooks.rules_label import UrlRulesLabel
from msp_desk.ui.widgets.controls import stacked
from msp_desk.ui.widgets.labels import MessageLabel, ValueLabel

if TYPE_CHECKING:
    from msp_desk.webhooks.site_settings import SiteCheck, SiteFormValues, SiteSnapshot

# field → (label with its mnemonic, placeholder); mnemonics are unique on the site tab.
_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("&Name", "The website's name, as on card statements"),
    "url": ("&Base URL", "https://www.example.com"),
    "notification_url": ("Notification &URL", "https://www.example.com/webhook/multisafepay"),
    "support_email": ("Support &e-mail", "support@example.com"),
    "support_phone": ("Support &phone", "+31 20 123 4567"),
    "price_from": ("Price f&rom", "no lower limit"),
    "price_till": ("Price &till", "no upper limit"),
}
_TIPS = {
    "notification_url": "Where MultiSafepay sends this website's webhooks, unless an order names its own "
    "notification URL (the order's wins)",
    "price_from": "The lowest order amount on this website, in euros (MultiSafepay keeps it in cents)",
    "price_till": "The highest order amount on this website, in euros (MultiSafepay keeps it in cents)",
}


def labelled(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    buddy.setAccessibleName(text.replace("&", ""))
    return label


class SiteForm(QWidget):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("siteForm")
        self._loading = False
        self._refused: dict[str, str] = {}  # field → MultiSafepay's 422 text, until edited

        self.site_id = ValueLabel("Site ID", self)
        self.site_id.setObjectName("siteId")
        self.account_id = ValueLabel("Account ID", self)
        self.account_id.setObjectName("siteAccountId")
        self.edits: dict[str, QLineEdit] = {}
        self.messages: dict[str, MessageLabel] = {}
        self.rules = UrlRulesLabel("Notification URL rules", self)
        self.rules.setObjectName("siteUrlRules")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(8)
        for title, value in (("Site ID:", self.site_id), ("Account ID:", self.account_id)):
            label = QLabel(title, self)
            label.setBuddy(value)
            form.addRow(label, value)
        for name, (text, placeholder) in _FIELDS.items():
            edit = QLineEdit(self)
            edit.setObjectName(f"site-{name}")
            edit.setPlaceholderText(placeholder)
            if name in _TIPS:
                edit.setToolTip(_TIPS[name])
            message = MessageLabel(f"{text.replace('&', '')} message", self, hide_when_empty=True)
            message.setObjectName(f"site-{name}-message")
            self.edits[name] = edit
            self.messages[name] = message
            edit.textEdited.connect(lambda _text, field=name: self._user_edit(field))
            shown: QWidget = edit
            if name.startswith("price_"):
                row = QWidget(self)
                row_layout = QHBoxLayout(row)
                row_layout.setContentsMargins(0, 0, 0, 0)
                row_layout.addWidget(edit, 1)
                row_layout.addWidget(QLabel("EUR", row))
                shown = row
            parts = (shown, self.rules, message) if name == "notification_url" else (shown, message)
            form.addRow(labelled(text, edit, self), stacked(self, *parts))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        self.set_editable(False)

    # -- filling in ------------------------------------------------------------

    def load(self, site: SiteSnapshot) -> None:
        """Show a site as MultiSafepay has it; nothing counts as edited or refused afterwards."""
        self._loading = True
        try:
            self._refused.clear()
            self.site_id.setText(site.site_id)
            self.account_id.setText(site.account_id or "—")
            values = site.values()
            for name, edit in self.edits.items():
                edit.setText(getattr(values, name))
                edit.setCursorPosition(0)
        finally:
            self._loading = False
        self.set_editable(True)

    def clear(self) -> None:
        self._loading = True
        try:
            self._refused.clear()
            for edit in self.edits.values():
                edit.clear()
            for message in self.messages.values():
                message.clear_message()
            self.rules.clear_message()
            self.site_id.setText("—")
            self.account_id.setText("—")
        finally:
            self._loading = False
        self.set_editable(False)

    def set_editable(self, editable: bool) -> None:
        for edit in self.edits.values():
            edit.setReadOnly(not editable)

    # -- reading ---------------------------------------------------------------

    def values(self) -> SiteFormValues:
        from msp_desk.webhooks.site_settings import SiteFormValues

        return SiteFormValues(**{name: edit.text().strip() for name, edit in self.edits.items()})

    # -- messages --------------------------------------------------------------

    def show_check(self, check: SiteCheck) -> None:
        """Each field's problem under it; the notification URL's broken rules each by name."""
        url = self.edits["notification_url"].text()
        self.rules.show_rules(url, check.url_rules)
        for name, message in self.messages.items():
            refused = self._refused.get(name)
            error = check.errors.get(name)
            warning = check.warnings.get(name)
            if refused:
                message.show_error(refused)
            elif name == "notification_url" and check.url_rules:
                message.clear_message()  # the rules above say it, one line per rule
            elif error:
                message.show_error(error)
            elif warning:
                message.show_warning(warning)
            else:
                message.clear_message()

    def show_refused(self, name: str, text: str) -> None:
        """MultiSafepay refused this field: its words stay under it until the field is edited."""
        self._refused[name] = text
        self.messages[name].show_error(text)

    def _user_edit(self, name: str) -> None:
        if self._loading:
            return
        self._refused.pop(name, None)
        self.edited.emit()
