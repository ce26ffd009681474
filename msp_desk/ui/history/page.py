"""The History screen: every order sent or looked up with the active profile, searchable as you type.

The page lays out the filters and the table and dispatches: the rows come
from :class:`HistoryModel`, a page at a time off the UI thread; opening a row
asks the lookup screen to look the order up again (``AppEvents.open_order``).
The list follows the active profile and is searched again whenever an order
changes anywhere in the app.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from msp_desk.core.statuses import ORDER_STATUSES
from msp_desk.history.records import HistoryQuery
from msp_desk.ui.history.model import WIDTHS, HistoryModel
from msp_desk.ui.widgets.controls import button
from msp_desk.ui.widgets.filters import OptionalDate, chosen_status, status_combo
from msp_desk.ui.widgets.focus import set_tab_chain
from msp_desk.ui.widgets.labels import MessageLabel

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.events import OrderChange


class HistoryPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPage")
        self.context = context
        self.profile: Profile | None = None
        # The first search starts before the widgets are made: SQLite reads while Qt builds.
        self.model = HistoryModel(context, self)
        if context.profiles.is_ready:
            self.profile = context.profiles.active()
            self.model.search(HistoryQuery(profile_id=self.profile.id))

        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("historySearch")
        self.search_edit.setAccessibleName("Order ID starts with")
        self.search_edit.setPlaceholderText("The first characters of an order ID, in any case")
        self.search_edit.setClearButtonEnabled(True)
        self.status = status_combo(self, ORDER_STATUSES, name="Status", any_text="Any status")
        self.status.setObjectName("historyStatus")
        self.created_from = OptionalDate(self, name="Created from")
        self.created_from.setObjectName("historyFrom")
        self.created_until = OptionalDate(self, name="Created until (included)")
        self.created_until.setObjectName("historyUntil")
        self.clear_button = button(self, "Cl&ear filters", "clearHistoryFilters", "Show every order again")
        self.open_button = button(
            self,
            "&Open in lookup",
            "openHistoryOrder",
            "Look the selected order up again (Enter or double-click)",
        )

        self.table = QTableView(self)
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName("Orders")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(WIDTHS):
            header.resizeSection(column, width)
        self.table.setToolTip("Enter or double-click looks the order up again")
        self.count = MessageLabel("How many orders match", self)
        self.count.setObjectName("historyCount")

        self._lay_out()
        self._connect()
        set_tab_chain(
            [
                self.search_edit,
                self.status,
                self.created_from,
                self.created_until,
                self.clear_button,
                self.table,
                self.open_button,
            ]
        )
        if self.profile is None:
            self.count.show_hint("Loading profiles…")

    def _lay_out(self) -> None:
        filters = QHBoxLayout()
        for text, widget, stretch in (
            ("Order &ID starts with:", self.search_edit, 3),
            ("&Status:", self.status, 1),
            ("Created fro&m:", self.created_from, 0),
            ("&until:", self.created_until, 0),
        ):
            label = QLabel(text, self)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, stretch)
            filters.addSpacing(8)
        filters.addWidget(self.clear_button)
        table_label = QLabel("Or&ders, newest first:", self)
        table_label.setBuddy(self.table)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(filters)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        self.search_edit.textChanged.connect(self.search)
        self.status.currentIndexChanged.connect(self.search)
        self.created_from.dateChanged.connect(self.search)
        self.created_until.dateChanged.connect(self.search)
        self.clear_button.clicked.connect(self.clear_filters)
        self.open_button.clicked.connect(self.open_selected)
        self.table.activated.connect(self._open)
        self.model.searched.connect(self._searched)
        self.model.failed.connect(
            lambda text: self.count.show_error(f"The history could not be read: {text}")
        )
        self.context.profiles.active_changed.connect(self._on_profile)
        self.context.events.order_changed.connect(self._on_order_changed)

    # -- searching -----------------------------------------------------------------------

    def query(self) -> HistoryQuery | None:
        if self.profile is None:
            return None
        start, end = self.created_from.value(), self.created_until.value()
        status = chosen_status(self.status)
        return HistoryQuery(
            profile_id=self.profile.id,
            order_id_prefix=self.search_edit.text().strip(),
            statuses=(status,) if status else (),
            created_from=start,
            created_until=end + dt.timedelta(days=1) if end is not None else None,
        )

    def search(self) -> None:
        start, end = self.created_from.value(), self.created_until.value()
        if start is not None and end is not None and start > end:
            self.count.show_error("“Created from” is after “until”: nothing can match.")
            return
        query = self.query()
        if query is not None:
            self.model.search(query)

    def clear_filters(self) -> None:
        for widget in (self.search_edit, self.status, self.created_from, self.created_until):
            widget.blockSignals(True)
        self.search_edit.clear()
        self.status.setCurrentIndex(0)
        self.created_from.set_value(None)
        self.created_until.set_value(None)
        for widget in (self.search_edit, self.status, self.created_from, self.created_until):
            widget.blockSignals(False)
        self.search()

    def _searched(self, total: int) -> None:
        name = f" with “{self.profile.name}”" if self.profile is not None else ""
        if total == 0:
            filtered = self.search_edit.text().strip() or chosen_status(self.status)
            self.count.show_info(
                "No order matches." if filtered else f"No orders sent or looked up{name} yet."
            )
        else:
            self.count.show_info(f"{total:,} order{'s' if total != 1 else ''}{name}.")
        self.open_button.setEnabled(total > 0)

    def _on_profile(self, profile: Profile) -> None:
        if self.profile is not None and self.profile.id == profile.id:
            return
        self.profile = profile
        self.search()

    def _on_order_changed(self, change: OrderChange) -> None:
        if self.profile is not None and change.profile_id == self.profile.id:
            self.search()

    # -- opening ---------------------------------------------------------------------------

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        index = rows[0] if rows else self.table.currentIndex()
        if index.isValid():
            self._open(index)

    def _open(self, index: QModelIndex) -> None:
        order_id = self.model.order_id(index.row())
        if order_id:
            self.context.events.open_order.emit(order_id)
