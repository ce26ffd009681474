"""Where the order ids come from: a paste box, or a file's column, and what was left out and why.

Pasted text is read by ``msp_desk.bulk.ids.from_text`` a moment after the
typing stops (and at once when the lookup starts), so a paste of thousands of
lines is read once, not on every keystroke. An imported column fills the box
with its ids, one a line, and keeps the file's row numbers for the skipped
list until someone edits the text.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from msp_desk.bulk.ids import OrderIds, from_text
from msp_desk.ui.widgets.controls import button
from msp_desk.ui.widgets.labels import MessageLabel

PARSE_DELAY_MS = 250
SHOWN_SKIPS = 500  # a list of more tells nobody more
# Up to this many imported ids are listed in the box; filling it with 100,000 lines would hold the
# window for half a second, and nobody reads them there.
LISTED_IDS = 10_000
PLACEHOLDER = "ORD-1001\nORD-1002\nORD-1003\n…"


class IdsInput(QWidget):
    changed = Signal()  # the ids to look up are known anew

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ids = OrderIds((), ())
        self._unit = "line"
        self._source = ""
        self._filling = False
        self._listed = True  # the box holds the ids; False after an import too long to list

        self.box = QPlainTextEdit(self)
        self.box.setObjectName("bulkIds")
        self.box.setAccessibleName("Order ids")
        self.box.setTabChangesFocus(True)
        self.box.setPlaceholderText(PLACEHOLDER)
        label = QLabel("&Order ids, one a line (or separated by commas, semicolons or spaces):", self)
        label.setWordWrap(True)
        label.setBuddy(self.box)

        self.import_button = button(
            self,
            "&Import file…",
            "importIds",
            "Take the order ids from a column of a CSV file or an Excel workbook (Ctrl+O)",
        )
        self.clear_button = button(self, "Clea&r", "clearIds", "Empty the list of order ids")
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)

        self.count = MessageLabel("Order ids to look up", self)
        self.count.setObjectName("idsCount")
        self.skipped = QListWidget(self)
        self.skipped.setObjectName("skippedIds")
        self.skipped.setAccessibleName("Skipped ids")
        self.skipped.setMaximumHeight(120)
        self.skipped.setWordWrap(True)
        self.skipped_label = QLabel("S&kipped, not sent:", self)
        self.skipped_label.setBuddy(self.skipped)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.box, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.count)
        layout.addWidget(self.skipped_label)
        layout.addWidget(self.skipped)

        self._parse_timer = QTimer(self)
        self._parse_timer.setSingleShot(True)
        self._parse_timer.setInterval(PARSE_DELAY_MS)
        self._parse_timer.timeout.connect(self._parse)
        self.box.textChanged.connect(self._edited)
        self.clear_button.clicked.connect(self.clear)
        self._show()

    # -- what it holds ---------------------------------------------------------

    def ids(self) -> OrderIds:
        """The ids as they stand now, reading a paste that is still waiting to be read."""
        if self._parse_timer.isActive():
            self._parse_timer.stop()
            self._parse()
        return self._ids

    @property
    def has_text(self) -> bool:
        return not self.box.document().isEmpty() or not self._listed

    def show_file_ids(self, ids: OrderIds, source: str) -> None:
        """Ids read from a file's column; ``source`` names the file and column."""
        self._parse_timer.stop()
        self._listed = len(ids) <= LISTED_IDS
        self._filling = True
        try:
            self.box.setPlainText("\n".join(ids.ids) if self._listed else "")
        finally:
            self._filling = False
        if not self._listed:
            self.box.setPlaceholderText(
                f"{len(ids):,} order ids from {source}: too many to list here. Clear to paste ids instead."
            )
        self._ids, self._unit, self._source = ids, "row", source
        self._show()
        self.set_locked(False)
        self.changed.emit()

    def clear(self) -> None:
        self._listed = True
        self.box.setPlaceholderText(PLACEHOLDER)
        self.set_locked(False)
        self.box.clear()
        self._parse()

    def set_locked(self, locked: bool) -> None:
        """During a run the ids stay as they were looked up; a long import is not editable either."""
        self.box.setReadOnly(locked or not self._listed)
        self.import_button.setEnabled(not locked)
        self.clear_button.setEnabled(not locked)

    # -- reading and showing -----------------------------------------------------

    def _edited(self) -> None:
        if self._filling:
            return
        self._parse_timer.start()
        self.changed.emit()

    def _parse(self) -> None:
        self._ids, self._unit, self._source = from_text(self.box.toPlainText()), "line", ""
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        ids = self._ids
        count = len(ids)
        noun = "order id" if count == 1 else "order ids"
        where = f" from {self._source}" if self._source else ""
        if count or ids.skipped:
            self.count.show_info(f"{count:,} {noun} to look up{where}.")
        else:
            self.count.show_hint("Paste order ids above, or import a file.")
        self.skipped.clear()
        shown = ids.skipped[:SHOWN_SKIPS]
        self.skipped.addItems([skip.describe(self._unit) for skip in shown])
        if len(ids.skipped) > len(shown):
            self.skipped.addItem(f"… and {len(ids.skipped) - len(shown):,} more")
        self.skipped_label.setText(f"S&kipped, not sent ({len(ids.skipped):,}):")
        self.skipped.setVisible(bool(ids.skipped))
        self.skipped_label.setVisible(bool(ids.skipped))
