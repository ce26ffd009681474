"""The direct card order form: every field labelled, checked as it is typed, never cleared by mistake."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QSignalBlocker, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msp_desk.core import cards
from msp_desk.core.money import COMMON_CURRENCIES
from msp_desk.core.order_draft import OrderDraft, new_order_id
from msp_desk.core.test_cards import TEST_CARDS
from msp_desk.ui.widgets.focus import set_tab_chain
from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile

# The merchant pages the 3-D Secure flow returns to. The app stops the browser
# there and never loads them, so they only have to be recognisable.
DEFAULT_REDIRECT_URL = "https://msp-desk.localhost/payment/return"
DEFAULT_CANCEL_URL = "https://msp-desk.localhost/payment/cancel"

# (field name, label with mnemonic, placeholder)
_TEXT_FIELDS: dict[str, tuple[str, str]] = {
    # Mnemonics are unique across the order screen and the menu bar (a test checks).
    "order_id": ("&Order ID", ""),
    "amount": ("&Amount", "10.00"),
    "description": ("&Description", "What the shopper buys"),
    "card_number": ("Card &number", "4111 1111 1111 1111"),
    "card_holder": ("Card holde&r", "Name on the card"),
    "card_expiry": ("&Expiry (MM/YY)", "12/28"),
    "card_cvc": ("&CVC", "123"),
    "email": ("E&mail", "shopper@example.com"),
    "country": ("Countr&y", "NL"),
    "ip_address": ("&IP address", "203.0.113.7"),
    "locale": ("&Locale", "en_US"),
    "browser_user_agent": ("User agent", "Filled in from the embedded browser when sent"),
    "browser_language": ("Language", "en-US"),
    "browser_screen_width": ("Screen width", "1920"),
    "browser_screen_height": ("Screen height", "1080"),
    "browser_color_depth": ("Colour de&pth", "24"),
    "browser_time_zone": ("Time &zone offset (minutes)", "-60"),
    "notification_url": ("Notification URL", "https://shop.example/webhook"),
    "redirect_url": ("Redirect URL", DEFAULT_REDIRECT_URL),
    "cancel_url": ("Cancel URL", DEFAULT_CANCEL_URL),
}


class OrderForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderForm")
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, MessageLabel] = {}
        self.labels: dict[str, QLabel] = {}
        self._touched: set[str] = set()
        self._show_all = False
        self._webhook_default = ("", "POST")  # the active profile's, as last put in the fields

        layout = QVBoxLayout(self)
        layout.addWidget(self._order_group())
        layout.addWidget(self._card_group())
        layout.addWidget(self._customer_group())
        layout.addWidget(self._browser_group())
        layout.addWidget(self._options_group())
        layout.addStretch(1)
        self._fill_defaults()
        self._set_tab_order()

    def tab_chain(self) -> list[QWidget]:
        """The form's controls in reading order: top to bottom, left to right."""
        f = self.fields
        return [
            f["order_id"],
            self.new_id_button,
            f["amount"],
            self.currency,
            f["description"],
            self.scenario,
            f["card_number"],
            f["card_holder"],
            f["card_expiry"],
            f["card_cvc"],
            self.flexible_3d,
            f["email"],
            f["country"],
            f["ip_address"],
            f["locale"],
            f["browser_user_agent"],
            f["browser_language"],
            f["browser_screen_width"],
            f["browser_screen_height"],
            f["browser_color_depth"],
            f["browser_time_zone"],
            f["notification_url"],
            self.notification_method,
            f["redirect_url"],
            f["cancel_url"],
        ]

    def _set_tab_order(self) -> None:
        # Side controls (currency, method, New ID) are made before their row's field,
        # so creation order would send Tab backwards; the chain follows the screen instead.
        set_tab_chain(self.tab_chain())

    # -- building --------------------------------------------------------------

    def _row(
        self, form: QFormLayout, name: str, extra: QWidget | None = None, extra_label: str | None = None
    ) -> None:
        label_text, placeholder = _TEXT_FIELDS[name]
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        readable = label_text.replace("&", "")
        edit.setAccessibleName(readable)
        edit.textEdited.connect(lambda _text, n=name: self._edited(n))
        self.fields[name] = edit
        label = QLabel(label_text, self)
        label.setBuddy(edit)
        self.labels[name] = label
        error = MessageLabel(f"{readable} problem", self, hide_when_empty=True)
        error.setObjectName(f"{name}-error")
        self.errors[name] = error
        cell = QWidget(self)
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(2)
        line = QHBoxLayout()
        line.addWidget(edit, 1)
        if extra_label is not None and extra is not None:
            side_label = QLabel(extra_label, self)
            side_label.setBuddy(extra)
            line.addWidget(side_label)
        if extra is not None:
            line.addWidget(extra)
        cell_layout.addLayout(line)
        cell_layout.addWidget(error)
        form.addRow(label, cell)

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return box, form

    def _order_group(self) -> QGroupBox:
        box, form = self._group("Order")
        self.new_id_button = QPushButton("New ID", self)
        self.new_id_button.setAccessibleName("New order ID")
        self.new_id_button.setToolTip("Make a fresh, unique order ID")
        self.new_id_button.clicked.connect(self.renew_order_id)
        self._row(form, "order_id", extra=self.new_id_button)
        self.currency = QComboBox(self)
        self.currency.setObjectName("currency")
        self.currency.setEditable(True)
        self.currency.addItems(COMMON_CURRENCIES)
        self.currency.setAccessibleName("Currency")
        # An editable combo box shows screen readers its own text field as well.
        line = self.currency.lineEdit()
        if line is not None:
            line.setAccessibleName("Currency")
        self.currency.currentTextChanged.connect(lambda _text: self._edited("currency", touched=False))
        self._row(form, "amount", extra=self.currency, extra_label="C&urrency")
        self._row(form, "description")
        self.errors["currency"] = self.errors["amount"]  # one line shows both
        return box

    def _card_group(self) -> QGroupBox:
        box, form = self._group("Card")
        self.scenario = QComboBox(self)
        self.scenario.setObjectName("scenario")
        self.scenario.setAccessibleName("Test scenario")
        self.scenario.addItem("Choose a test card…", None)
        for card in TEST_CARDS:
            self.scenario.addItem(f"{card.label} — {card.number[-4:]}", card.number)
        self.scenario.activated.connect(self._apply_scenario)
        self.scenario_label = QLabel("&Test scenario", self)
        self.scenario_label.setBuddy(self.scenario)
        self.expected = MessageLabel("Expected outcome", self)
        self.expected.setObjectName("expectedOutcome")
        scenario_cell = QWidget(self)
        scenario_layout = QVBoxLayout(scenario_cell)
        scenario_layout.setContentsMargins(0, 0, 0, 0)
        scenario_layout.addWidget(self.scenario)
        scenario_layout.addWidget(self.expected)
        form.addRow(self.scenario_label, scenario_cell)
        self._scenario_row = (self.scenario_label, scenario_cell)

        self.brand = MessageLabel("Card brand", self, wrap=False)
        self.brand.setObjectName("cardBrand")
        self.brand.setMinimumWidth(170)
        self._row(form, "card_number", extra=self.brand)
        self.fields["card_number"].textEdited.connect(self._regroup_card_number)
        self._row(form, "card_holder")
        self._row(form, "card_expiry")
        self._row(form, "card_cvc")
        self.fields["card_cvc"].setEchoMode(QLineEdit.EchoMode.Password)
        self.fields["card_cvc"].setMaxLength(4)
        self.flexible_3d = QCheckBox("Flexible 3-D Secure", self)
        self.flexible_3d.setObjectName("flexible_3d")
        self.flexible_3d.setAccessibleName("Flexible 3-D Secure")
        self.flexible_3d.setToolTip(
            "Let MultiSafepay skip 3-D Secure where its rules allow; "
            "merchants in Europe always get it (PSD2)."
        )
        self.flexible_3d.setChecked(True)
        self.flexible_3d.toggled.connect(lambda _on: self.changed.emit())
        form.addRow("", self.flexible_3d)
        return box

    def _customer_group(self) -> QGroupBox:
        box, form = self._group("Customer")
        for name in ("email", "country", "ip_address", "locale"):
            self._row(form, name)
        return box

    def _browser_group(self) -> QGroupBox:
        box, form = self._group("3-D Secure browser data")
        box.setToolTip(
            "What 3-D Secure 2 learns about the browser that will show the challenge: the embedded one."
        )
        for name in (
            "browser_user_agent",
            "browser_language",
            "browser_screen_width",
            "browser_screen_height",
            "browser_color_depth",
            "browser_time_zone",
        ):
            self._row(form, name)
        return box

    def _options_group(self) -> QGroupBox:
        box, form = self._group("Payment options")
        self.notification_method = QComboBox(self)
        self.notification_method.setObjectName("notification_method")
        self.notification_method.addItems(["POST", "GET"])
        self.notification_method.setAccessibleName("Notification method")
        self.notification_method.currentTextChanged.connect(lambda _t: self.changed.emit())
        self._row(form, "notification_url", extra=self.notification_method, extra_label="Method")
        self._row(form, "redirect_url")
        self._row(form, "cancel_url")
        return box

    def _fill_defaults(self) -> None:
        self.fields["order_id"].setText(new_order_id())
        self.fields["amount"].setText("10.00")
        self.fields["description"].setText("Support test order")
        self.fields["redirect_url"].setText(DEFAULT_REDIRECT_URL)
        self.fields["cancel_url"].setText(DEFAULT_CANCEL_URL)
        self.fields["country"].setText("NL")
        self.fields["ip_address"].setText("127.0.0.1")
        self.fields["locale"].setText("en_US")
        self.fill_browser_defaults()
        self._update_brand()

    def fill_browser_defaults(self) -> None:
        """Screen, language and time zone of this machine, which the embedded browser reports too."""
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            size = screen.size()
            self.fields["browser_screen_width"].setText(str(size.width()))
            self.fields["browser_screen_height"].setText(str(size.height()))
            self.fields["browser_color_depth"].setText(str(screen.depth()))
        language = QLocale.system().bcp47Name()
        # The C/POSIX locale of a bare session is not a language a browser reports.
        self.fields["browser_language"].setText(language if language and "POSIX" not in language else "en-US")
        # JavaScript's getTimezoneOffset(): minutes to add to local time to get UTC.
        self.fields["browser_time_zone"].setText(str(-_utc_offset_seconds() // 60))

    # -- reading and writing -----------------------------------------------------

    def draft(self) -> OrderDraft:
        values = {name: edit.text() for name, edit in self.fields.items()}
        return OrderDraft(
            currency=self.currency.currentText().strip().upper(),
            flexible_3d=self.flexible_3d.isChecked(),
            notification_method=self.notification_method.currentText(),
            **values,
        )

    def title_of(self, name: str) -> str:
        """The field's label as shown, without its mnemonic: for messages that name the field."""
        label = self.labels.get(name)
        return label.text().replace("&", "") if label else name.replace("_", " ").capitalize()

    def set_profile(self, profile: Profile, *, prefill: bool = True, fallback_url: str = "") -> None:
        """Offer test cards only where they work, and take the profile's default webhook.

        With ``prefill`` (another profile) the defaults replace the fields; otherwise a changed
        default replaces only a field that still shows the old one, never what was typed.
        ``fallback_url`` is used when the profile names no URL (the sandbox's own receiver).
        """
        live = profile.environment.value == "live"
        for widget in self._scenario_row:
            widget.setVisible(not live)
        if live:
            self.scenario.setCurrentIndex(0)
            self.expected.clear()
        url, method = profile.notification_url or fallback_url, profile.notification_method
        old_url, old_method = self._webhook_default
        if prefill or self.fields["notification_url"].text() == old_url:
            self.fields["notification_url"].setText(url)
        if prefill or self.notification_method.currentText() == old_method:
            self.notification_method.setCurrentText(method)
        self._webhook_default = (url, method)
        self.changed.emit()

    def renew_order_id(self) -> None:
        self.fields["order_id"].setText(new_order_id())
        self._edited("order_id", touched=False)

    def clear_card(self) -> None:
        """The card lives in the form and its one request only."""
        for name in ("card_number", "card_expiry", "card_cvc"):
            # setText, not clear(): clear() can be undone with Ctrl+Z, setText drops the undo history.
            self.fields[name].setText("")
            self._touched.discard(name)
        self.scenario.setCurrentIndex(0)
        self.expected.clear()
        self._update_brand()
        self.changed.emit()

    def set_enabled_for_sending(self, enabled: bool) -> None:
        for edit in self.fields.values():
            edit.setReadOnly(not enabled)
        for widget in (
            self.currency,
            self.scenario,
            self.notification_method,
            self.flexible_3d,
            self.new_id_button,
        ):
            widget.setEnabled(enabled)

    def show_all_problems(self) -> None:
        self._show_all = True
        self.refresh_problems()

    def refresh_problems(self) -> dict[str, str]:
        problems = self.draft().problems()
        shown_labels = set()
        for name, label in self.errors.items():
            if label in shown_labels:
                continue
            message = problems.get(name) or (problems.get("currency") if name == "amount" else None)
            visible = bool(message) and (self._show_all or name in self._touched or name == "currency")
            if name == "amount":
                visible = bool(message) and (self._show_all or "amount" in self._touched)
            if visible and message:
                label.show_error(message)
                shown_labels.add(label)
            else:
                label.clear_message()
        return problems

    # -- behaviour ---------------------------------------------------------------

    def _edited(self, name: str, touched: bool = True) -> None:
        if touched:
            self._touched.add(name)
        if name == "card_number":
            self._update_brand()
        self.refresh_problems()
        self.changed.emit()

    def _regroup_card_number(self, text: str) -> None:
        """Show the number in the brand's groups while keeping the cursor beside the same digit."""
        edit = self.fields["card_number"]
        digits_before_cursor = len(cards.digits_only(text[: edit.cursorPosition()]))
        grouped = cards.group(text)
        if grouped == text:
            return
        with QSignalBlocker(edit):
            edit.setText(grouped)
        position, seen = 0, 0
        while position < len(grouped) and seen < digits_before_cursor:
            if grouped[position].isdigit():
                seen += 1
            position += 1
        edit.setCursorPosition(position)

    def _update_brand(self) -> None:
        number = self.fields["card_number"].text()
        digits = cards.digits_only(number)
        if not digits:
            self.brand.setText("")
            return
        brand = cards.brand_of(digits)
        name = brand.name if brand else "Unknown brand"
        if len(digits) >= 12 and cards.luhn_valid(digits):
            check = "check digit OK"
        elif len(digits) >= 12:
            check = "check digit wrong"
        else:
            check = "incomplete"
        self.brand.setText(f"{name} · {check}")
        cvc_needed = brand is None or brand.cvc_required
        self.fields["card_cvc"].setPlaceholderText("123" if cvc_needed else "Not needed for Maestro")

    def _apply_scenario(self, index: int) -> None:
        number = self.scenario.itemData(index)
        card = next((c for c in TEST_CARDS if c.number == number), None)
        if card is None:
            self.expected.clear()
            return
        self.fields["card_number"].setText(cards.group(card.number))
        self.fields["card_holder"].setText(self.fields["card_holder"].text() or "Test Holder")
        self.fields["card_expiry"].setText(f"12/{(date.today().year + 2) % 100:02d}")
        self.fields["card_cvc"].setText("1234" if card.gateway == "AMEX" else "123")
        self.expected.setText(f"Expected: {card.behaviour.expected}")
        self._update_brand()
        self.refresh_problems()
        self.changed.emit()


def _utc_offset_seconds() -> int:
    offset = datetime.now().astimezone().utcoffset()
    return int(offset.total_seconds()) if offset else 0
