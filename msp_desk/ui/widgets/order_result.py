"""What happened to an order just sent: the status as a headline, a note, the order, the 3-D Secure steps.

The order itself is the shared :class:`OrderDetailView` (the lookup screen
shows the same); this view adds what only a sending screen has: the headline
while the outcome is awaited, and the steps the embedded browser took.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QListWidget, QVBoxLayout, QWidget

from msp_desk.core.statuses import status_words
from msp_desk.core.verification_trace import Hop
from msp_desk.ui.widgets.colours import status_style
from msp_desk.ui.widgets.labels import MessageLabel
from msp_desk.ui.widgets.order_detail import OrderDetailView

if TYPE_CHECKING:
    from msp_desk.api.models import ApiResponse, Order

_HEADLINE = " font-size: 20px; font-weight: bold; padding: 8px 12px; border-radius: 4px;"
NOTHING_YET = "No order sent yet"


class OrderResultView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderResult")
        layout = QVBoxLayout(self)

        self.status = MessageLabel("Order status", self)
        self.status.setObjectName("orderStatus")
        self.status.setText(NOTHING_YET)
        self.status.setStyleSheet(_HEADLINE)
        layout.addWidget(self.status)

        self.note = MessageLabel("Order note", self, hide_when_empty=True)
        self.note.setObjectName("orderNote")
        layout.addWidget(self.note)

        # The headline says how the order stands while it is followed; the detail view says the rest.
        self.detail = OrderDetailView(self)
        self.values = self.detail.values
        self.raw = self.detail.raw
        self.trace = QListWidget(self)
        self.trace.setObjectName("resultTrace")
        self.trace.setAccessibleName("3-D Secure steps")
        self.detail.tabs.addTab(self.trace, "3-D Secure steps")
        layout.addWidget(self.detail, 1)

    def show_note(self, text: str) -> None:
        self.note.show_info(text)

    def show_trace(self, hops: list[Hop]) -> None:
        self.trace.clear()
        for hop in hops:
            self.trace.addItem(str(hop))

    def show_order(self, response: ApiResponse[Order], *, waiting: bool = False, environment: str) -> None:
        order = response.data
        words = status_words(order.status, order.financial_status)
        self.status.setText(f"{words} — still waiting" if waiting else words)
        self.status.setStyleSheet(status_style(order.status) + _HEADLINE)
        self.detail.show_order(response, environment=environment)

    def clear(self) -> None:
        self.status.setText(NOTHING_YET)
        self.status.setStyleSheet(_HEADLINE)
        self.show_note("")
        self.detail.clear()
        self.trace.clear()
