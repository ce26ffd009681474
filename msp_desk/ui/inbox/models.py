"""The inbox's tables: rows that arrive in batches, newest first, and a filter by order id and status.

A burst of a thousand notifications must not cost a thousand model resets or
inserts: rows are kept in arrival order and shown from the end, so each batch is
one ``beginInsertRows`` at the top and the filter only looks at the new rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

AnyIndex = QModelIndex | QPersistentModelIndex


class Row(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def order_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def problem(self) -> bool: ...


R = TypeVar("R", bound=Row)


@dataclass(frozen=True)
class Column:
    title: str
    field: str
    alert: str = ""
    """A row's flag (``problem``, ``signature_problem``) that shows this cell in the alert colour."""


class RowsModel(QAbstractTableModel, Generic[R]):
    """Rows in arrival order, shown newest first, their cells' text worked out once as they arrive.

    A view asks for several roles of every visible cell on every repaint, and each
    answer is a call into Python that must take the interpreter lock, which the
    sandbox's HTTP thread holds while a burst arrives: so ``data`` only looks up.
    """

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[R] = []
        self._cells: list[tuple[str, ...]] = []
        self._alerts: list[tuple[bool, ...]] = []
        self.alert_colour = QColor("#c62828")

    def append(self, rows: Sequence[R]) -> None:
        """Add a batch (oldest first, as the logs give it); the newest becomes the top row."""
        if not rows:
            return
        columns = self._columns
        cells = [tuple(str(getattr(row, c.field)) for c in columns) for row in rows]
        alerts = [tuple(bool(c.alert and getattr(row, c.alert)) for c in columns) for row in rows]
        self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
        self._rows.extend(rows)
        self._cells.extend(cells)
        self._alerts.extend(alerts)
        self.endInsertRows()

    def row_at(self, row: int) -> R:
        return self._rows[len(self._rows) - 1 - row]

    @property
    def last_id(self) -> int:
        return self._rows[-1].id if self._rows else 0

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in _TEXT_ROLES:
            return self._cells[len(self._cells) - 1 - index.row()][index.column()]
        if role == _FOREGROUND and self._alerts[len(self._alerts) - 1 - index.row()][index.column()]:
            return self.alert_colour
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section].title
        return None


# Plain ints: comparing with the enum members costs a Python-level __eq__ per call.
_TEXT_ROLES = (int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole))
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)


class RowFilter(QSortFilterProxyModel):
    """Rows whose order id contains the typed text (any case) and whose status is the chosen one."""

    def __init__(self, source: RowsModel[Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._order = ""
        self._status = ""
        self.setSourceModel(source)

    def set_filter(self, order_id: str, status: str) -> None:
        order = order_id.strip().casefold()
        if (order, status) == (self._order, self._status):
            return
        self.beginFilterChange()
        self._order, self._status = order, status
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        row = self._source.row_at(source_row)
        if self._order and self._order not in row.order_id.casefold():
            return False
        return not self._status or row.status == self._status

    def row_at(self, row: int) -> Any:
        return self._source.row_at(self.mapToSource(self.index(row, 0)).row())
