"""An order's timeline as a table: this app's calls, 3-D Secure steps, status changes, notifications.

The list and its words come from :mod:`msp_desk.support.timeline`; this view
only shows them, oldest first, with what went wrong in the alert colour and
marked ⚠ (colour is never the only sign). What a person scans for comes first
(when, what, the answer); the request's path, the longest, comes last. Times
are in the computer's zone, to the millisecond (many steps share a second);
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

from msp_desk.core.times import clock_times
from msp_desk.ui.widgets.colours import alert_text_colour
from msp_desk.ui.widgets.labels import MessageLabel, plain_tooltip

if TYPE_CHECKING:
    from msp_desk.support.timeline import TimelineEntry

COLUMNS = ("Time", "Event", "Code", "Answer", "Acknowledged", "Next retry", "Request")
CODE_COLUMN, ANSWER_COLUMN = COLUMNS.index("Code"), COLUMNS.index("Answer")
ANSWER_WIDTH = 190
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
        # Answers run long (a failure's words): the column fits them up to a bound, the tooltip has them
        # whole, and a person can widen it.
        header.setSectionResizeMode(ANSWER_COLUMN, QHeaderView.ResizeMode.Interactive)
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
        times, day, zone = clock_times([entry.at for entry in entries])
        title = QTableWidgetItem(f"Time ({zone})" if zone else "Time")
        title.setToolTip("This computer's time zone; hover over a time for its exact moment in UTC")
        self.table.setHorizontalHeaderItem(0, title)
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            took = f", answered in {entry.duration_ms:g} ms" if entry.duration_ms is not None else ""
            cells = (
                times[row],
                ("⚠ " if entry.problem else "") + entry.event,
                entry.code,
                entry.answer,
                entry.acknowledged,
                _retry_time(entry),
                entry.request,
            )
            tips = (entry.utc + took, "", "", entry.answer, "", "", entry.request)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if tips[column]:
                    item.setToolTip(plain_tooltip(tips[column]))
                if column == CODE_COLUMN:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if entry.problem:
                    item.setForeground(alert)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        wanted = max(self.table.sizeHintForColumn(ANSWER_COLUMN), header.sectionSizeHint(ANSWER_COLUMN))
        header.resizeSection(ANSWER_COLUMN, min(wanted, ANSWER_WIDTH))
        self.note.show_info(f"{note} Times from {day}, {zone}." if day else note)

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


def _retry_time(entry: TimelineEntry) -> str:
    """A retry still to come as a clock time in the computer's zone (its date when another day)."""
    if entry.retry_at is None:
        return entry.next_retry
    return clock_times([entry.at, entry.retry_at], seconds_only=True)[0][1]
