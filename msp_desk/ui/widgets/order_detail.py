"""One order in depth, as every screen shows it: status badges, every field, related transactions, raw JSON.

What each line says comes from :func:`msp_desk.api.order_summary.summarise`;
this view only places it. The raw answer is masked by field
(:func:`msp_desk.core.redaction.masked_json`), so card numbers and keys never
reach the screen or the clipboard while PSP ids stay exact. A screen that reads
the order's records can ask for a Timeline tab too (:class:`OrderTimelineView`)
and fill it from its own jobs.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from msp_desk.core.redaction import masked_json
from msp_desk.ui.widgets.labels import MessageLabel, ValueLabel, plain_tooltip
from msp_desk.ui.widgets.order_timeline import OrderTimelineView
from msp_desk.ui.widgets.status_badge import StatusBadge

if TYPE_CHECKING:
    from msp_desk.api.models import ApiResponse, Order
    from msp_desk.api.order_summary import OrderSummary

# (group title, ((value key, row title), ...)); the first two groups fill the left column.
GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Order",
        (
            ("order_id", "Order ID"),
            ("transaction_id", "Transaction ID"),
            ("description", "Description"),
            ("reason", "Reason"),
            ("created", "Created"),
            ("modified", "Modified"),
            ("completed", "Completed"),
        ),
    ),
    (
        "Money",
        (
            ("amount", "Amount"),
            ("refunded", "Refunded"),
            ("left", "Left to refund"),
            ("costs", "Costs (in euros)"),
        ),
    ),
    (
        "Customer",
        (("customer", "Name"), ("email", "Email"), ("country", "Country"), ("ip_address", "IP address")),
    ),
    (
        "Card and 3-D Secure",
        (
            ("card", "Card"),
            ("expiry", "Expiry"),
            ("holder", "Card holder"),
            ("authorization_code", "Authorisation code"),
            ("threeds", "3-D Secure"),
            ("eci", "ECI"),
            ("threeds_version", "3-D Secure version"),
            ("threeds_flow", "3-D Secure flow"),
        ),
    ),
    (
        "Merchant's fields",
        (("var1", "var1"), ("var2", "var2"), ("var3", "var3"), ("custom_info", "Custom info")),
    ),
)
RELATED_COLUMNS = ("Type", "Status", "Amount", "Created", "Transaction ID", "Description")
OVERVIEW_TAB, RELATED_TAB, JSON_TAB, TIMELINE_TAB = 0, 1, 2, 3


class _Columns(QWidget):
    """The overview's groups in two columns, or one when the view is too narrow to read two."""

    TWO_COLUMNS_FROM = 720  # pixels: below this, values wrap word by word in two columns

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row = QHBoxLayout(self)
        self._columns = (QVBoxLayout(), QVBoxLayout())
        for column in self._columns:
            self._row.addLayout(column, 1)
        self._groups: list[QWidget] = []
        self._two = True

    def add(self, group: QWidget) -> None:
        self._groups.append(group)
        self._arrange(self._two, force=True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(event.size().width() >= self.TWO_COLUMNS_FROM)
        super().resizeEvent(event)

    def _arrange(self, two: bool, *, force: bool = False) -> None:
        if two == self._two and not force:
            return
        self._two = two
        for column in self._columns:
            while column.count():
                column.takeAt(0)
        # Order and money lead; customer, card and the merchant's fields go beside them, or below.
        for index, group in enumerate(self._groups):
            self._columns[1 if two and index >= 2 else 0].addWidget(group)
        for column in self._columns:
            column.addStretch(1)
        self._row.setStretch(1, 1 if two else 0)


class OrderDetailView(QWidget):
    """An order's details; ``copied`` tells the screen what went to the clipboard ("Copied the order ID.").

    With ``timeline`` it has a Timeline tab (``self.timeline``), which the screen fills.
    """

    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, timeline: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("orderDetail")
        self.response: ApiResponse[Order] | None = None
        self.shown_at: dt.datetime | None = None  # when the answer shown arrived (UTC)
        self.summary: OrderSummary | None = None
        self._json = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.status_badge = StatusBadge("Order status", "Status", self)
        self.status_badge.setObjectName("detailStatus")
        self.financial_badge = StatusBadge("Financial status", "Financial", self)
        self.financial_badge.setObjectName("detailFinancialStatus")
        self.meaning = MessageLabel("What the statuses mean", self)
        self.meaning.setObjectName("detailMeaning")
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_badge)
        status_row.addWidget(self.financial_badge)
        status_row.addWidget(self.meaning, 1)
        layout.addLayout(status_row)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("orderDetailTabs")
        self.tabs.setAccessibleName("Order details")
        self.tabs.addTab(self._overview(), "Overview")
        self.copy_order_id = self._copy_buttons["order_id"]
        self.copy_transaction_id = self._copy_buttons["transaction_id"]
        self._related_page = self._related_tab()
        self.tabs.addTab(self._related_page, "Related transactions")
        self.tabs.addTab(self._json_tab(), "JSON")
        self.timeline: OrderTimelineView | None = None
        if timeline:
            self.timeline = OrderTimelineView(self)
            self.tabs.addTab(self.timeline, "Timeline")
        layout.addWidget(self.tabs, 1)
        self.clear()

    # -- building ----------------------------------------------------------------

    def _overview(self) -> QWidget:
        self.values: dict[str, ValueLabel] = {}
        self._copy_buttons: dict[str, QPushButton] = {}
        content = _Columns(self)
        for title, rows in GROUPS:
            content.add(self._group(content, title, rows))
        scroll = QScrollArea(self)
        scroll.setObjectName("orderDetailScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        return scroll

    def _group(self, parent: QWidget, title: str, rows: tuple[tuple[str, str], ...]) -> QGroupBox:
        box = QGroupBox(title, parent)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, row_title in rows:
            value = ValueLabel(row_title, box)
            value.setObjectName(f"detail-{key}")
            label = QLabel(f"{row_title}:", box)
            label.setBuddy(value)
            self.values[key] = value
            field: QWidget = value
            if key in ("order_id", "transaction_id"):
                field = self._with_copy(box, value, key, row_title)
            form.addRow(label, field)
        return box

    def _with_copy(self, parent: QWidget, value: ValueLabel, key: str, title: str) -> QWidget:
        holder = QWidget(parent)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(value, 1)
        button = QPushButton("Copy", holder)
        button.setObjectName(f"copy-{key}")
        button.setAccessibleName(f"Copy {title[0].lower()}{title[1:]}")
        button.setToolTip(f"Copy the {title} to the clipboard")
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self._copy(value.text(), f"the {title}"))
        row.addWidget(button)
        self._copy_buttons[key] = button
        return holder

    def _related_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.related_note = MessageLabel("Related transactions", page)
        self.related_note.setObjectName("relatedNote")
        self.related = QTableWidget(0, len(RELATED_COLUMNS), page)
        self.related.setObjectName("relatedTransactions")
        self.related.setAccessibleName("Related transactions")
        self.related.setHorizontalHeaderLabels(RELATED_COLUMNS)
        self.related.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.related.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.related.verticalHeader().hide()
        self.related.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.related.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.related_note)
        layout.addWidget(self.related, 1)
        return page

    def _json_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.raw = QPlainTextEdit(page)
        self.raw.setObjectName("rawJson")
        self.raw.setAccessibleName("MultiSafepay's answer as JSON, card numbers and keys masked")
        self.raw.setReadOnly(True)
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copy_json = QPushButton("Copy JSON", page)
        self.copy_json.setObjectName("copyJson")
        self.copy_json.setAccessibleName("Copy JSON")
        self.copy_json.setToolTip("Copy the answer as shown, card numbers and keys masked")
        self.copy_json.setAutoDefault(False)
        self.copy_json.clicked.connect(lambda: self._copy(self._json, "the JSON (masked)"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_json)
        layout.addWidget(self.raw, 1)
        layout.addLayout(buttons)
        return page

    # -- showing -----------------------------------------------------------------

    def show_order(self, response: ApiResponse[Order], *, environment: str) -> None:
        """Show ``response``; ``environment`` (sandbox, test, live) says how its times are read."""
        from msp_desk.api.order_summary import summarise

        summary = summarise(response.data, environment)
        self.response, self.summary = response, summary
        self.shown_at = dt.datetime.now(dt.UTC)
        self.status_badge.show_status(summary.status, summary.status_words)
        self.financial_badge.show_status(summary.financial_status, summary.financial_words)
        self.meaning.show_info(summary.meaning)
        for key, value in self.values.items():
            value.setText(summary.values.get(key, "—"))
            tip = summary.tooltips.get(key, "")
            value.setToolTip(plain_tooltip(tip))
        self._show_related(summary)
        self._json = masked_json(response.raw)
        self.raw.setPlainText(self._json)
        self._enable_copies(True)

    def _show_related(self, summary: OrderSummary) -> None:
        rows = summary.related
        self.related.setRowCount(len(rows))
        for row_index, row in enumerate(rows):
            cells = (row.type, row.status, row.amount, row.created, row.transaction_id, row.description)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.related.setItem(row_index, column, item)
        count = len(rows)
        self.related_note.show_info(
            f"{count} related transaction{'s' if count != 1 else ''}: refunds, captures and chargebacks."
            if count
            else "No refunds, captures or chargebacks on this order."
        )
        self.tabs.setTabText(self.tabs.indexOf(self._related_page), f"Related transactions ({count})")

    def clear(self) -> None:
        self.response = self.summary = self.shown_at = None
        self.status_badge.show_status("", "—")
        self.financial_badge.show_status("", "—")
        self.meaning.clear_message()
        for value in self.values.values():
            value.setText("—")
            value.setToolTip("")
        self.related.setRowCount(0)
        self.related_note.show_hint("No order shown.")
        self.tabs.setTabText(self.tabs.indexOf(self._related_page), "Related transactions")
        self._json = ""
        self.raw.clear()
        if self.timeline is not None:
            self.timeline.clear()
        self._enable_copies(False)

    def related_rows(self) -> list[list[str]]:
        """The related-transactions table as shown, row by row."""
        rows = []
        for row in range(self.related.rowCount()):
            items = [self.related.item(row, column) for column in range(self.related.columnCount())]
            rows.append([item.text() if item is not None else "" for item in items])
        return rows

    def _enable_copies(self, enabled: bool) -> None:
        for button in (self.copy_order_id, self.copy_transaction_id, self.copy_json):
            button.setEnabled(enabled)

    def _copy(self, text: str, what: str) -> None:
        if not text or text == "—":
            return
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(f"Copied {what}.")
