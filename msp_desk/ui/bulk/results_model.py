"""The result table: one row per input id, in input order, filled in place as answers arrive.

Every id gets its row when the run starts, so the table never jumps while it
fills: a batch of answers only changes cells, and one ``dataChanged`` covers
the whole batch. The cells say what the export says (``export_rows``), so the
file a merchant gets reads exactly like the table support staff saw.

Painting must cost few calls into Python: while the lookups run, worker
threads hold the interpreter lock much of the time, and each call from Qt's
paint code into Python waits its turn for it. So the filter fills each cell
with one call for all its roles (``multiData``) instead of one per role,
answers ``flags`` itself, keeps the input order without sorting, and the
model reports changed rows in short runs: Qt repaints the whole table for a
change that spans more rows than it shows, even rows scrolled out of sight.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QGuiApplication, QPalette

from msp_desk.bulk.export import ExportRow, export_rows
from msp_desk.bulk.ids import OrderIds
from msp_desk.bulk.results import NOT_LOOKED_UP, LookupResult, Outcome, Tally, counted_under
from msp_desk.core.statuses import meaning
from msp_desk.ui.widgets.colours import alert_text_colour
from msp_desk.ui.widgets.labels import plain_tooltip

HEADERS = (
    "Row",
    "Order ID",
    "Status",
    "Financial status",
    "Amount",
    "Currency",
    "Created",
    "Reason",
    "Error",
)
ROW, ORDER_ID, STATUS, FINANCIAL, AMOUNT, CURRENCY, CREATED, REASON, ERROR = range(len(HEADERS))

SORT_ROLE = Qt.ItemDataRole.UserRole
KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # what the status filter matches
ORDER_ID_ROLE = Qt.ItemDataRole.UserRole + 2

_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
CHANGE_RUN = 8  # rows per dataChanged; see the module's docstring
FAILED_KEY = "failed"
PENDING_KEY = "pending"
WAITING = "waiting…"


def filter_key(result: LookupResult) -> str:
    """``status:completed``, ``failed`` or ``pending``; prefixed so no status can pass for a failure."""
    outcome, what = counted_under(result)
    if outcome is Outcome.FOUND:
        return f"status:{what}"
    return FAILED_KEY if outcome is Outcome.FAILED else PENDING_KEY


class ResultsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._results: list[LookupResult] = []
        self._rows: tuple[int, ...] = ()
        self._cells: list[ExportRow] = []
        self._keys: list[str] = []
        self._counts: Counter[tuple[Outcome, str]] = Counter()  # kept up to date, not recounted per batch
        self.running = False

    # -- what it holds ---------------------------------------------------------

    def start(self, ids: OrderIds) -> None:
        """One waiting row per id, numbered as in its source (a line of the paste, a spreadsheet row)."""
        self.beginResetModel()
        self._results = [LookupResult(i, order_id) for i, order_id in enumerate(ids.ids)]
        self._rows = ids.rows
        self._cells = export_rows(self._results)
        self._keys = [PENDING_KEY] * len(self._results)
        self._counts = Counter(counted_under(result) for result in self._results)
        self.endResetModel()

    def apply(self, batch: Sequence[LookupResult]) -> None:
        """Show a batch of answers with one change signal for the rows it spans."""
        changed = [r for r in batch if r.index < len(self._results) and self._results[r.index] != r]
        if not changed:
            return
        for result, cells in zip(changed, export_rows(changed), strict=True):
            self._counts[counted_under(self._results[result.index])] -= 1
            self._counts[counted_under(result)] += 1
            self._results[result.index] = result
            self._cells[result.index] = cells
            self._keys[result.index] = filter_key(result)
        self._rows_changed(sorted(r.index for r in changed), ROW, ERROR)

    def set_running(self, running: bool) -> None:
        """Ids not looked up yet read "waiting…" during a pass and "not looked up" after it."""
        if running == self.running:
            return
        self.running = running
        pending = [r.index for r in self._results if r.outcome is Outcome.PENDING]
        self._rows_changed(pending, STATUS, ERROR)

    def _rows_changed(self, rows: list[int], first_column: int, last_column: int) -> None:
        """``rows`` ascending; one signal per run of at most CHANGE_RUN consecutive rows."""
        start = 0
        while start < len(rows):
            end = start
            while end + 1 < len(rows) and rows[end + 1] == rows[end] + 1 and end - start + 1 < CHANGE_RUN:
                end += 1
            self.dataChanged.emit(self.index(rows[start], first_column), self.index(rows[end], last_column))
            start = end + 1

    def results(self) -> list[LookupResult]:
        """One per input id, in input order: what an export writes."""
        return list(self._results)

    def tally(self) -> Tally:
        return Tally.of(self._counts)

    def order_id(self, row: int) -> str:
        return self._results[row].order_id

    # -- Qt's side -------------------------------------------------------------

    def index(
        self,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        # Qt's own checks the bounds by calling rowCount and columnCount, two more calls into Python.
        if parent.isValid() or not (0 <= row < len(self._results) and 0 <= column < len(HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._results)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return Qt.SortOrder.AscendingOrder  # the first click sorts A to Z and low to high, on every style
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        return self.value(index.row(), index.column(), role) if index.isValid() else None

    def value(self, row: int, column: int, role: int) -> object:
        """What ``data`` gives, for callers that already know the row (the filter's ``multiData``)."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == KEY_ROLE:
            return self._keys[row]
        if role == ORDER_ID_ROLE:
            return self._results[row].order_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (ROW, AMOUNT):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def _text(self, row: int, column: int) -> str:
        cells = self._cells[row]
        if column == ROW:
            return str(self._rows[row]) if row < len(self._rows) else ""
        pending = self._results[row].outcome is Outcome.PENDING
        if column == STATUS and pending and self.running:
            return WAITING
        if column == ERROR and pending:
            return "" if self.running else NOT_LOOKED_UP
        if column == AMOUNT:
            return "" if cells.amount is None else f"{cells.amount:f}"
        if column == CREATED:
            return "" if cells.created is None else cells.created.isoformat(sep=" ")
        texts = (
            cells.order_id,
            cells.status,
            cells.financial_status,
            "",
            cells.currency,
            "",
            cells.reason,
            cells.error,
        )
        return texts[column - 1]

    def _sort_value(self, row: int, column: int) -> object:
        if column == ROW:
            return row  # the input's order: rows rise with it, and ids from one pasted line keep theirs
        if column == AMOUNT:
            amount = self._cells[row].amount
            return -math.inf if amount is None else float(amount)
        return self._text(row, column).casefold()

    def _tooltip(self, row: int, column: int) -> str | None:
        result = self._results[row]
        if column == ERROR and result.detail:
            return plain_tooltip(result.detail)
        if column in (STATUS, FINANCIAL) and result.order is not None:
            return plain_tooltip(meaning(result.order.status, result.order.financial_status))
        return None

    def _colour(self, row: int, column: int) -> object:
        outcome = self._results[row].outcome
        palette = QGuiApplication.palette()
        if column == ERROR and outcome is Outcome.FAILED:
            return alert_text_colour(palette)
        if outcome is Outcome.PENDING and column in (STATUS, ERROR):
            return palette.color(QPalette.ColorRole.PlaceholderText)
        return None


class StatusFilter(QSortFilterProxyModel):
    """Sorts by each column's own kind of value and shows one status (or failures, or the rest) at a time."""

    def __init__(self, source: ResultsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setFilterRole(KEY_ROLE)
        self.setFilterKeyColumn(ROW)
        self.setDynamicSortFilter(True)
        self.key = ""

    def show_only(self, key: str) -> None:
        """A key from :func:`filter_key`; empty shows every row."""
        self.key = key
        pattern = f"^{QRegularExpression.escape(key)}$" if key else ""
        self.setFilterRegularExpression(QRegularExpression(pattern))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The Row column ascending is the model's own order: no sorting, no calls per comparison.
        if column == ROW and order == Qt.SortOrder.AscendingOrder:
            column = -1
        super().sort(column, order)

    def multiData(
        self, index: QModelIndex | QPersistentModelIndex, span: QModelRoleDataSpan | QModelRoleData
    ) -> None:
        source = self.mapToSource(index)
        row, column = source.row(), source.column()
        # A span is a sequence of role slots at run time, which the type stubs do not say.
        entries: Any = span if isinstance(span, QModelRoleDataSpan) else [span]
        for role_data in entries:
            value = self._source.value(row, column, role_data.role()) if source.isValid() else None
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _CELL_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags
