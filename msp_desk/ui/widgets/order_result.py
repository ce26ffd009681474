"""What happened to the order: status in words and colour, the reason, 3-D Secure, the raw answer."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from msp_desk.core.money import format_minor
from msp_desk.core.redaction import redact
from msp_desk.core.statuses import status_words
from msp_desk.core.verification_trace import Hop
from msp_desk.ui.widgets.labels import MessageLabel, ValueLabel

if TYPE_CHECKING:
    from msp_desk.api.models import ApiResponse, Order

_STATUS_STYLE = {
    "completed": "background:#2e7d32; color:#ffffff;",
    "declined": "background:#c62828; color:#ffffff;",
    "void": "background:#616161; color:#ffffff;",
    "cancelled": "background:#616161; color:#ffffff;",
    "expired": "background:#616161; color:#ffffff;",
    "uncleared": "background:#f9a825; color:#1b1b1b;",
    "initialized": "background:#f9a825; color:#1b1b1b;",
}

_HEADLINE = " font-size: 20px; font-weight: bold; padding: 8px 12px; border-radius: 4px;"

_3DS_STATUS = {
    "Y": "authenticated (Y)",
    "N": "not authenticated (N)",
    "A": "attempted (A)",
    "R": "rejected (R)",
    "U": "unavailable (U)",
}


class OrderResultView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderResult")
        layout = QVBoxLayout(self)

        self.status = MessageLabel("Order status", self)
        self.status.setObjectName("orderStatus")
        self.status.setText("No order sent yet")
        self.status.setStyleSheet(_HEADLINE)
        layout.addWidget(self.status)

        self.note = MessageLabel("Order note", self, hide_when_empty=True)
        self.note.setObjectName("orderNote")
        layout.addWidget(self.note)

        form = QFormLayout()
        self.values: dict[str, ValueLabel] = {}
        for key, title in (
            ("order_id", "Order ID"),
            ("transaction_id", "Transaction ID"),
            ("amount", "Amount"),
            ("financial_status", "Financial status"),
            ("reason", "Reason"),
            ("card", "Card"),
            ("threeds", "3-D Secure"),
        ):
            value = ValueLabel(title, self)
            value.setObjectName(f"result-{key}")
            label = QLabel(f"{title}:", self)
            label.setBuddy(value)
            form.addRow(label, value)
            self.values[key] = value
        layout.addLayout(form)

        trace_label = QLabel("3-D Secure steps", self)
        self.trace = QListWidget(self)
        self.trace.setObjectName("resultTrace")
        self.trace.setAccessibleName("3-D Secure steps")
        self.trace.setMaximumHeight(130)
        trace_label.setBuddy(self.trace)
        layout.addWidget(trace_label)
        layout.addWidget(self.trace)

        raw_label = QLabel("MultiSafepay's answer", self)
        self.raw = QPlainTextEdit(self)
        self.raw.setObjectName("rawAnswer")
        self.raw.setAccessibleName("MultiSafepay's answer")
        self.raw.setReadOnly(True)
        raw_label.setBuddy(self.raw)
        layout.addWidget(raw_label)
        layout.addWidget(self.raw, 1)

    def show_note(self, text: str) -> None:
        self.note.show_info(text)

    def show_trace(self, hops: list[Hop]) -> None:
        self.trace.clear()
        for hop in hops:
            self.trace.addItem(str(hop))

    def show_order(self, response: ApiResponse[Order], *, waiting: bool = False) -> None:
        order = response.data
        words = status_words(order.status, order.financial_status)
        self.status.setText(f"{words} — still waiting" if waiting else words)
        self.status.setStyleSheet(_STATUS_STYLE.get((order.status or "").lower(), "") + _HEADLINE)
        values = self.values
        values["order_id"].setText(str(order.order_id or "—"))
        values["transaction_id"].setText(str(order.transaction_id or "—"))
        if order.amount is not None and order.currency:
            values["amount"].setText(format_minor(order.amount, order.currency))
        values["financial_status"].setText(order.financial_status or "—")
        reason = order.reason or ""
        if order.reason_code:
            reason = f"{reason} (code {order.reason_code})" if reason else f"code {order.reason_code}"
        values["reason"].setText(reason or "—")
        details = order.payment_details
        if details is not None:
            card = " ".join(
                part for part in (details.type or "", f"••••{details.last4}" if details.last4 else "") if part
            )
            values["card"].setText(card or "—")
            result = details.card_authentication_result
            if result is not None and result.status:
                words_3ds = _3DS_STATUS.get(result.status.upper(), result.status)
                eci = f", ECI {result.eci}" if result.eci else ""
                values["threeds"].setText(f"{words_3ds}{eci}")
            else:
                values["threeds"].setText("not performed")
        # The raw view is for support questions; still, nothing secret belongs on screen.
        self.raw.setPlainText(redact(json.dumps(response.raw, indent=2, ensure_ascii=False)))

    def clear(self) -> None:
        self.status.setText("No order sent yet")
        self.status.setStyleSheet(_HEADLINE)
        self.show_note("")
        for value in self.values.values():
            value.setText("—")
        self.trace.clear()
        self.raw.clear()
