"""An order's timeline as a table: this app's calls, 3-D Secure steps, status changes, notifications.

The list and its words come from :mod:`msp_desk.support.timeline`; this view
only shows them, oldest first, with what went wrong in the alert colour and
marked ⚠ (colour is never the only sign). Times are in the computer's zone;
the tooltip gives the exact UTC moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from msp_desk.core.times import UTC, local_time
from msp_desk.ui.widgets.colours import alert_text_colour
from msp_desk.ui.widgets.labels import MessageLabel, plain_tooltip

if TYPE_CHECKING:
    from msp_desk.support.timeline import TimelineEntry

COLUMNS = ("Time", "Event", "Request", "Code", "Answer", "Acknowledged", "Next retry")
REQUEST_COLUMN, CODE_COLUMN, ANSWER_COLUMN = 2, 3, 4
NOTHING = "No order shown."


class OrderTimelineView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderTimelineView")
        layout = QVBoxLayout(self)
        self.note = MessageLabel("Timeline summary", self)
        self.note.setObjectName("timelineNote")
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("orderTimeline")
        self.table.setAccessibleName("Order timeline, oldest first")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        self.clear()

    def show_reading(self) -> None:
        """The timeline is being read; what is shown stays until it arrives."""
        if not self.table.rowCount():
            self.note.show_hint("Reading the timeline…")

    def show_entries(self, entries: Sequence[TimelineEntry], note: str) -> None:
        alert = alert_text_colour(self.palette())
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            took = f", answered in {entry.duration_ms:g} ms" if entry.duration_ms is not None else ""
            cells = (
                local_time(entry.at, UTC) if entry.at is not None else "—",
                ("⚠ " if entry.problem else "") + entry.event,
                entry.request,
                entry.code,
                entry.answer,
                entry.acknowledged,
                entry.next_retry,
            )
            tips = (entry.utc + took, "", entry.request, "", entry.answer, "", "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if tips[column]:
                    item.setToolTip(plain_tooltip(tips[column]))
                if column == CODE_COLUMN:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if entry.problem:
                    item.setForeground(alert)
                self.table.setItem(row, column, item)
        self.note.show_info(note)

    def show_problem(self, text: str) -> None:
        self.note.show_error(text)

    def clear(self) -> None:
        self.table.setRowCount(0)
        self.note.show_hint(NOTHING)

    def rows(self) -> list[list[str]]:
        """The table as shown, row by row."""
        found = []
        for row in range(self.table.rowCount()):
            items = [self.table.item(row, column) for column in range(self.table.columnCount())]
            found.append([item.text() if item is not None else "" for item in items])
        return found
