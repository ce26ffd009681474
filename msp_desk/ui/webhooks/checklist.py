"""The endpoint doctor's steps as a live checklist: result, time taken and reason, details underneath."""

from __future__ import annotations

from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from msp_desk.ui.widgets.colours import alert_text_colour
from msp_desk.ui.widgets.labels import plain_tooltip
from msp_desk.webhooks.report import STEPS, Outcome, StepResult, duration

STEP, RESULT, TIME, WHY = range(4)
RESULT_WORDS = {
    Outcome.PASS: "✔ Pass",
    Outcome.WARN: "⚠ Warning",
    Outcome.FAIL: "✘ Fail",
    Outcome.SKIPPED: "– Skipped",
    Outcome.CANCELLED: "■ Stopped",
}
WAITING = "Waiting"
RUNNING = "Running…"


class ChecklistView(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doctorChecklist")
        self.setAccessibleName("Checklist")
        self.setColumnCount(4)
        self.setHeaderLabels(["Step", "Result", "Time", "Why"])
        self.setRootIsDecorated(True)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setAlternatingRowColors(True)
        header = self.header()
        header.setStretchLastSection(True)
        for column, width in ((STEP, 200), (RESULT, 100), (TIME, 70)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        self._items: dict[str, QTreeWidgetItem] = {}
        self.prepare()

    def prepare(self) -> None:
        """Every step, waiting: the whole check is visible before it starts."""
        self.clear()
        self._items = {}
        for step, title in STEPS:
            item = QTreeWidgetItem(self, [title, WAITING, "", ""])
            self._items[step] = item

    def running(self, step: str) -> None:
        self._items[step].setText(RESULT, RUNNING)

    def show_result(self, result: StepResult) -> None:
        item = self._items[result.step]
        item.takeChildren()
        item.setText(RESULT, RESULT_WORDS[result.outcome])
        item.setText(TIME, "" if result.outcome is Outcome.SKIPPED else duration(result.seconds))
        item.setText(WHY, result.summary)
        item.setToolTip(WHY, plain_tooltip(result.summary))
        if result.outcome is Outcome.FAIL:
            red = QBrush(alert_text_colour(self.palette()))
            for column in (STEP, RESULT):
                item.setForeground(column, red)
        for detail in result.details:
            child = QTreeWidgetItem(item, ["", "", "", detail])
            child.setToolTip(WHY, plain_tooltip(detail))
        item.setExpanded(True)

    def rows(self) -> list[tuple[str, str, str]]:
        """(step, result, reason) for every step, as a person reads them."""
        return [(item.text(STEP), item.text(RESULT), item.text(WHY)) for item in self._items.values()]
