"""An order's status as a coloured badge, with the status in words for people who cannot tell the colours."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from msp_desk.ui.widgets.colours import status_style
from msp_desk.ui.widgets.labels import MessageLabel

_SHAPE = " font-weight: bold; padding: 3px 10px; border-radius: 4px;"


class StatusBadge(MessageLabel):
    """``Status: Completed`` on green; ``role`` ("Order status") is what screen readers add after it."""

    def __init__(self, role: str, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(role, parent, wrap=False, selectable=False)
        self._prefix = prefix
        self.status = ""
        self.show_status("", "—")

    def show_status(self, status: str, words: str) -> None:
        self.status = status
        self.setText(f"{self._prefix}: {words}")
        self.setStyleSheet(status_style(status) + _SHAPE)
