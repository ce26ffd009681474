"""The result table: one row per input id, in input order, filled in place as answers arrive.

Every id gets its row when the run starts, so the table never jumps while it
fills: a batch of answers only changes cells. The cells say what the export
says (``export_rows``), so the file a merchant gets reads exactly like the
table support staff saw.

The cells are Qt's own items (``ResultsTable``, a ``QStandardItemModel``) and
the filter in front of them overrides nothing that painting calls, so a repaint
runs no Python at all. It matters while the lookups run: up to 32 worker threads
then want the interpreter lock, and every call from Qt's paint code into Python
had to win it back from them. With the table's cells in Python, the 27 rows on
screen cost some 500 such calls per repaint (each cell's roles and flags, the
headers) and 8 to 12 ms of the window's time before any waiting; the benchmark's
worst stalls were those repaints. Python now runs only when a batch of answers
arrives, to set the cells of the rows it answered.

A table of 100,000 ids takes seconds to fill, so it is filled on a worker
(``ResultsTable.waiting``) while the window shows an empty one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRegularExpression, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette, QStandardItem, QStandardItemModel

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

SORT_ROLE = int(Qt.ItemDataRole.UserRole)
KEY_ROLE = SORT_ROLE + 1  # what the status filter matches, kept in the Row column

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
CHANGE_RUN = 8  # rows per dataChanged: Qt repaints a whole table for a change wider than the view
FAILED_KEY = "failed"
PENDING_KEY = "pending"
WAITING = "waiting…"
_NO_AMOUNT = -math.inf  # ids without an order sort before every amount


def filter_key(result: LookupResult) -> str:
    """``status:completed``, ``failed`` or ``pending``; prefixed so no status can pass for a failure."""
    outcome, what = counted_under(result)
    if outcome is Outcome.FOUND:
        return f"status:{what}"
    return FAILED_KEY if outcome is Outcome.FAILED else PENDING_KEY


def _pending_words(running: bool) -> tuple[str, str]:
    """Status and Error of an id without an answer: waiting during a pass, not looked up after it."""
    return (WAITING, "") if running else ("", NOT_LOOKED_UP)


class ResultsTable(QStandardItemModel):
    """The cells of one list of ids: made whole for each new lookup, then changed in place.

    Nothing here overrides a method of Qt's (so painting never enters Python);
    see the module's docstring. Cells are made by the table itself (``setItemData``
    on an empty cell clones the item prototype), never as Python item objects,
    which PySide would keep alive beside each of the table's cells.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(HEADERS)
        for section in range(len(HEADERS)):
            # The first click sorts A to Z and low to high, on every style.
            self.setHeaderData(
                section,
                Qt.Orientation.Horizontal,
                Qt.SortOrder.AscendingOrder,
                Qt.ItemDataRole.InitialSortOrderRole,
            )
        prototype = QStandardItem()
        prototype.setFlags(_CELL_FLAGS)
        self.setItemPrototype(prototype)

    @classmethod
    def waiting(cls, ids: OrderIds, *, running: bool, quiet: QColor) -> ResultsTable:
        """A table with one row per id, not looked up yet; made on any thread, handed to the UI's.

        ``quiet`` is the colour of the words of ids without an answer.
        """
        table = cls()
        table.setRowCount(len(ids))
        status, error = _pending_words(running)
        brush = QBrush(quiet)
        pending_status = {**_cell(status), _FOREGROUND: brush}
        pending_error = {**_cell(error), _FOREGROUND: brush}
        no_amount = {SORT_ROLE: _NO_AMOUNT, _ALIGNMENT: _RIGHT}
        index, set_item_data, set_data, rows = table.index, table.setItemData, table.setData, ids.rows
        for row, order_id in enumerate(ids.ids):
            number = str(rows[row]) if row < len(rows) else ""
            # The Row column sorts by input order: ids from one pasted line keep theirs.
            set_item_data(
                index(row, ROW), {_DISPLAY: number, SORT_ROLE: row, KEY_ROLE: PENDING_KEY, _ALIGNMENT: _RIGHT}
            )
            set_item_data(index(row, ORDER_ID), {_DISPLAY: order_id, SORT_ROLE: order_id.casefold()})
            set_item_data(index(row, STATUS), pending_status)
            set_item_data(index(row, AMOUNT), no_amount)
            set_item_data(index(row, ERROR), pending_error)
            for column in (FINANCIAL, CURRENCY, CREATED, REASON):
                set_data(index(row, column), "", SORT_ROLE)  # empty, and sorting before any text
        app = QCoreApplication.instance()
        if app is not None:
            table.moveToThread(app.thread())
        return table

    def show_answers(self, answers: Iterable[tuple[LookupResult, ExportRow]], alert: QColor) -> None:
        """Set the cells of the rows that got an answer (an order, or why there is none)."""
        brush = QBrush(alert)
        index, set_item_data = self.index, self.setItemData
        changed = []
        self.blockSignals(True)  # one change signal per run of rows instead of one per cell and role
        try:
            for result, cells in answers:
                row = result.index
                changed.append(row)
                said = None
                if result.order is not None:
                    said = plain_tooltip(meaning(result.order.status, result.order.financial_status))
                failed = result.outcome is Outcome.FAILED
                amount = "" if cells.amount is None else f"{cells.amount:f}"
                created = "" if cells.created is None else cells.created.isoformat(sep=" ")
                set_item_data(index(row, ROW), {KEY_ROLE: filter_key(result)})
                set_item_data(index(row, STATUS), _cell(cells.status, _TOOLTIP, said, _FOREGROUND, None))
                set_item_data(index(row, FINANCIAL), _cell(cells.financial_status, _TOOLTIP, said))
                set_item_data(
                    index(row, AMOUNT),
                    {
                        _DISPLAY: amount,
                        SORT_ROLE: _NO_AMOUNT if cells.amount is None else float(cells.amount),
                    },
                )
                set_item_data(index(row, CURRENCY), _cell(cells.currency))
                set_item_data(index(row, CREATED), _cell(created))
                set_item_data(index(row, REASON), _cell(cells.reason))
                detail = plain_tooltip(result.detail) if failed and result.detail else None
                set_item_data(
                    index(row, ERROR),
                    _cell(cells.error, _FOREGROUND, brush if failed else None, _TOOLTIP, detail),
                )
        finally:
            self.blockSignals(False)
        self._rows_changed(sorted(changed))

    def show_pending(self, rows: Sequence[int], running: bool) -> None:
        """Ids without an answer read "waiting…" during a pass and "not looked up" after it."""
        status, error = _pending_words(running)
        index, set_item_data = self.index, self.setItemData
        self.blockSignals(True)
        try:
            for row in rows:
                set_item_data(index(row, STATUS), _cell(status))
                set_item_data(index(row, ERROR), _cell(error))
        finally:
            self.blockSignals(False)
        self._rows_changed(list(rows))

    def restyle(self, results: Sequence[LookupResult], quiet: QColor, alert: QColor) -> None:
        """Colours for a new palette (the desktop switched between light and dark)."""
        quiet_brush, alert_brush = QBrush(quiet), QBrush(alert)
        index, set_data = self.index, self.setData
        for result in results:
            if result.outcome is Outcome.PENDING:
                set_data(index(result.index, STATUS), quiet_brush, _FOREGROUND)
                set_data(index(result.index, ERROR), quiet_brush, _FOREGROUND)
            elif result.outcome is Outcome.FAILED:
                set_data(index(result.index, ERROR), alert_brush, _FOREGROUND)

    def _rows_changed(self, rows: list[int]) -> None:
        """``rows`` ascending; one signal per run of at most CHANGE_RUN consecutive rows."""
        start = 0
        while start < len(rows):
            end = start
            while end + 1 < len(rows) and rows[end + 1] == rows[end] + 1 and end - start + 1 < CHANGE_RUN:
                end += 1
            self.dataChanged.emit(self.index(rows[start], ROW), self.index(rows[end], ERROR))
            start = end + 1


def _cell(text: str, *more: Any) -> dict[int, Any]:
    """A cell's text, what it sorts by (any case), and more roles as pairs (None clears one)."""
    roles: dict[int, Any] = {_DISPLAY: text, SORT_ROLE: text.casefold()}
    for role, value in zip(more[::2], more[1::2], strict=True):
        roles[role] = value
    return roles


class ResultsModel(QObject):
    """What the lookup found, per input id, and the table that shows it (through a ``StatusFilter``)."""

    def __init__(self, rows: StatusFilter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._shown_through = rows
        self.table = ResultsTable(self)
        rows.setSourceModel(self.table)
        self._complete = True  # the table has a row for every result
        self._results: list[LookupResult] = []
        self._counts: Counter[tuple[Outcome, str]] = Counter()  # kept up to date, not recounted per batch
        self.running = False

    def start(self, ids: OrderIds) -> Callable[[], ResultsTable]:
        """Every id waiting, and how to make its table: call that on a worker, then ``adopt`` the table.

        Meanwhile the window shows an empty table, not the previous run's.
        """
        self._results = [LookupResult(i, order_id) for i, order_id in enumerate(ids.ids)]
        self._counts = Counter(counted_under(result) for result in self._results)
        self._show(ResultsTable(self), complete=not self._results)
        running, quiet = self.running, _quiet_colour()
        return lambda: ResultsTable.waiting(ids, running=running, quiet=quiet)

    def adopt(self, table: ResultsTable) -> None:
        """The table ``start`` asked for, with what arrived while it was being made."""
        if table.rowCount() != len(self._results):
            table.deleteLater()  # made for an earlier list of ids
            return
        table.setParent(self)
        self._show(table, complete=True)
        answered = [r for r in self._results if r.outcome is not Outcome.PENDING]
        if answered:
            table.show_answers(zip(answered, export_rows(answered), strict=True), _alert_colour())
        if not self.running:
            table.show_pending([r.index for r in self._results if r.outcome is Outcome.PENDING], False)

    def apply(self, batch: Sequence[LookupResult]) -> None:
        """Show a batch of answers: only the cells of the rows it answers change."""
        results = self._results
        changed = [r for r in batch if r.index < len(results) and results[r.index] != r]
        if not changed:
            return
        for result in changed:
            self._counts[counted_under(results[result.index])] -= 1
            self._counts[counted_under(result)] += 1
            results[result.index] = result
        if self._complete:
            self.table.show_answers(zip(changed, export_rows(changed), strict=True), _alert_colour())

    def set_running(self, running: bool) -> None:
        """Ids not looked up yet read "waiting…" during a pass and "not looked up" after it."""
        if running == self.running:
            return
        self.running = running
        if self._complete:
            pending = [r.index for r in self._results if r.outcome is Outcome.PENDING]
            self.table.show_pending(pending, running)

    def restyle(self) -> None:
        """Follow the window's palette (light or dark)."""
        if self._complete:
            self.table.restyle(self._results, _quiet_colour(), _alert_colour())

    def results(self) -> list[LookupResult]:
        """One per input id, in input order: what an export writes."""
        return list(self._results)

    def row_count(self) -> int:
        return len(self._results)

    def tally(self) -> Tally:
        return Tally.of(self._counts)

    def order_id(self, row: int) -> str:
        return self._results[row].order_id

    def _show(self, table: ResultsTable, *, complete: bool) -> None:
        old, self.table, self._complete = self.table, table, complete
        self._shown_through.setSourceModel(table)
        if old is not table:
            old.deleteLater()


def _quiet_colour() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)


def _alert_colour() -> QColor:
    return alert_text_colour(QGuiApplication.palette())


class StatusFilter(QSortFilterProxyModel):
    """Sorts by each column's own kind of value and shows one status (or failures, or the rest) at a time.

    Nothing Qt calls while painting is overridden here (see the module's docstring).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
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
        # The Row column ascending is the table's own order: no sorting, and no re-sorting of the
        # rows each batch of answers changes.
        if column == ROW and order == Qt.SortOrder.AscendingOrder:
            column = -1
        super().sort(column, order)
