"""A table of rows whose text is worked out once, when the rows arrive, and only looked up to paint.

A view asks its model for every visible cell and role on each repaint, so the
cells' words are made beforehand (off the UI thread where the rows come from a
job); painting then reads a tuple. Screens subclass it to add how rows arrive.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Row = tuple[str, ...]
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class TextRowsModel(QAbstractTableModel):
    """``columns`` are the headers; cells of ``right_aligned`` columns (amounts) line up on the right."""

    def __init__(
        self, columns: tuple[str, ...], parent: QObject | None = None, *, right_aligned: tuple[int, ...] = ()
    ) -> None:
        super().__init__(parent)
        self._columns = columns
        self._right = frozenset(right_aligned)
        self._rows: list[Row] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._right:
            return _RIGHT
        return None

    def cell(self, row: int, column: int) -> str:
        """The text of a cell, or "" for a row that is not there."""
        return self._rows[row][column] if 0 <= row < len(self._rows) else ""

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def add_rows(self, rows: list[Row]) -> None:
        if not rows:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows += rows
        self.endInsertRows()
