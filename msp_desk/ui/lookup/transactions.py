"""The website's transactions (GET /transactions), newest first, filtered and paged with a cursor.

Opening a row looks its order up in the detail view beside it. Refunds are
rows of their own; opening one shows the order it refunded.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from msp_desk.core.money import format_minor
from msp_desk.core.statuses import FINANCIAL_STATUS_FILTERS, ORDER_STATUSES, status_words
from msp_desk.core.times import local_time
from msp_desk.ui.lookup.watch import INITIATOR
from msp_desk.ui.services.tasks import TaskContext
from msp_desk.ui.widgets.filters import OptionalDate, chosen_status, status_combo
from msp_desk.ui.widgets.labels import MessageLabel
from msp_desk.ui.widgets.text_rows import TextRowsModel

if TYPE_CHECKING:
    from msp_desk.api.models import ApiResponse, Transaction, TransactionPage
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Failure

PAGE_SIZE = 50
# What a person scans for first comes first: which order, how it stands, how much, when.
COLUMNS = (
    "Order ID",
    "Status",
    "Amount",
    "Created",
    "Type",
    "Financial status",
    "Payment method",
    "Transaction ID",
)
AMOUNT_COLUMN = COLUMNS.index("Amount")
ORDER_ID_COLUMN = COLUMNS.index("Order ID")


def _cells(item: Transaction, environment: str) -> tuple[str, ...]:
    amount = format_minor(item.amount, item.currency) if item.amount is not None and item.currency else ""
    sign = "−" if (item.debit_credit or "").upper() == "D" and amount else ""
    return (
        str(item.order_id or ""),
        status_words(item.status) if item.status else "",
        sign + amount,
        local_time(item.created, environment),
        (item.type or "").replace("_", " "),
        status_words(item.financial_status) if item.financial_status else "",
        item.payment_method or "",
        str(item.transaction_id or ""),
    )


class TransactionsModel(TextRowsModel):
    """Rows as shown, worked out once when a page arrives, not on every paint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, parent, right_aligned=(AMOUNT_COLUMN,))

    def replace(self, items: list[Transaction], environment: str) -> None:
        self.set_rows([_cells(item, environment) for item in items])

    def extend(self, items: list[Transaction], environment: str) -> None:
        self.add_rows([_cells(item, environment) for item in items])

    def order_id(self, row: int) -> str:
        return self.cell(row, ORDER_ID_COLUMN)


class TransactionsPanel(QWidget):
    open_order = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transactionsPanel")
        self._context = context
        self.ops = context.operations(self, initiator=INITIATOR)
        self.ops.follow_profile(context.profiles.active_changed)
        self.profile: Profile | None = None
        self.page_size = PAGE_SIZE
        self._cursor: str | None = None
        self.sent_filters: list[tuple[str, str]] = []  # the query of the last request, for tests and support

        self.status = status_combo(self, ORDER_STATUSES, name="Status")
        self.status.setObjectName("transactionStatus")
        self.financial = status_combo(self, FINANCIAL_STATUS_FILTERS, name="Financial status")
        self.financial.setObjectName("transactionFinancialStatus")
        self.created_from = OptionalDate(self, name="Created from")
        self.created_from.setObjectName("transactionsFrom")
        self.created_until = OptionalDate(self, name="Created until (included)")
        self.created_until.setObjectName("transactionsUntil")
        self.show_button = QPushButton("Sho&w", self)
        self.show_button.setObjectName("showTransactions")
        self.show_button.setAccessibleName("Show transactions")
        self.show_button.setToolTip("List the transactions that match, newest first")
        self.show_button.setAutoDefault(False)

        self.model = TransactionsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("transactions")
        self.table.setAccessibleName("Transactions")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setToolTip("Enter or double-click opens the order")
        self.more_button = QPushButton("Load &more", self)
        self.more_button.setObjectName("moreTransactions")
        self.more_button.setAccessibleName("Load more transactions")
        self.more_button.setToolTip("The next, older page of transactions")
        self.more_button.setAutoDefault(False)
        self.more_button.setEnabled(False)
        self.note = MessageLabel("Transactions", self)
        self.note.setObjectName("transactionsNote")

        self._lay_out()
        self.show_button.clicked.connect(self.load)
        self.more_button.clicked.connect(self.load_more)
        self.table.activated.connect(self._open)

    def _lay_out(self) -> None:
        filters = QGridLayout()
        placed: tuple[tuple[str, QWidget, int, int], ...] = (
            ("&Status:", self.status, 0, 0),
            ("Fi&nancial status:", self.financial, 1, 0),
            ("Cr&eated from:", self.created_from, 0, 2),
            ("&until:", self.created_until, 1, 2),
        )
        for text, widget, row, column in placed:
            label = QLabel(text, self)
            label.setBuddy(widget)
            filters.addWidget(label, row, column)
            filters.addWidget(widget, row, column + 1)
        filters.addWidget(self.show_button, 1, 4)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)
        table_label = QLabel("Transact&ions (newest first):", self)
        table_label.setBuddy(self.table)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def tab_chain(self) -> list[QWidget]:
        return [
            self.status,
            self.financial,
            self.created_from,
            self.created_until,
            self.show_button,
            self.table,
            self.more_button,
        ]

    # -- loading -------------------------------------------------------------------

    def set_profile(self, profile: Profile) -> None:
        switched = self.profile is not None and self.profile.id != profile.id
        self.profile = profile
        if switched or self.model.rowCount() == 0:
            self.model.replace([], profile.environment.value)
            self._cursor = None
            self.load()

    def load(self) -> None:
        """The first page for the filters as they are now."""
        self._request(after=None)

    def load_more(self) -> None:
        if self._cursor is not None:
            self._request(after=self._cursor)

    def _filters(self, after: str | None) -> Any:
        from msp_desk.api.request_models import TransactionFilters

        start, end = self.created_from.value(), self.created_until.value()
        if start is not None and end is not None and start > end:
            raise ValueError("“Created from” is after “until”: nothing can match.")
        return TransactionFilters(
            status=chosen_status(self.status) or None,
            financial_status=chosen_status(self.financial) or None,
            created_from=start,
            # The list's "until" leaves its day out; the person means the day included.
            created_until=end + dt.timedelta(days=1) if end is not None else None,
            limit=self.page_size,
            after=after,
        )

    def _request(self, *, after: str | None) -> None:
        profile = self.profile
        if profile is None:
            return
        try:
            filters = self._filters(after)
        except ValueError as problem:
            self.note.show_error(str(problem))
            return
        self.sent_filters = filters.to_params()
        context, environment = self._context, profile.environment.value

        def job(ctx: TaskContext) -> ApiResponse[TransactionPage]:
            return context.profiles.client_for(context.http, profile).list_transactions(filters)

        self.more_button.setEnabled(False)
        self.note.show_hint("Loading more transactions…" if after else "Loading transactions…")
        self.ops.run(
            job,
            name="List transactions",
            lane="list",
            on_success=lambda answer: self._listed(answer, environment, more=after is not None),
            on_failure=self._failed,
        )

    def _listed(self, answer: ApiResponse[TransactionPage], environment: str, *, more: bool) -> None:
        page = answer.data
        if more:
            self.model.extend(page.transactions, environment)
        else:
            self.model.replace(page.transactions, environment)
        self._cursor = page.next_cursor
        self.more_button.setEnabled(self._cursor is not None)
        if not more:
            self.table.resizeColumnsToContents()  # one page: a few dozen rows to measure
        shown = self.model.rowCount()
        if shown == 0:
            self.note.show_info("No transactions match.")
        else:
            rest = "; Load more for older ones" if self._cursor is not None else ", all that match"
            self.note.show_info(f"{shown} transaction{'s' if shown != 1 else ''} shown{rest}.")

    def _failed(self, failure: Failure) -> None:
        self.note.show_error(f"The transactions could not be listed: {failure.message}")
        self.more_button.setEnabled(self._cursor is not None)

    def _open(self, index: QModelIndex) -> None:
        order_id = self.model.order_id(index.row())
        if order_id:
            self.open_order.emit(order_id)
