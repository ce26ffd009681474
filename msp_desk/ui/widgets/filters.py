"""Inputs for narrowing a list: a status or none, a day or none. Shared by the lookup and history screens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QComboBox, QDateEdit, QWidget

from msp_desk.core.statuses import status_words

ANY_DAY = QDate(2000, 1, 1)
"""The earliest day a filter takes; it stands for "any day" and shows as "Any"."""


def status_combo(parent: QWidget, statuses: Iterable[str], *, name: str, any_text: str = "Any") -> QComboBox:
    """A choice of one status (shown in words, e.g. "Partial refunded") or none."""
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    combo.addItem(any_text, "")
    for status in statuses:
        combo.addItem(status_words(status), status)
    return combo


def chosen_status(combo: QComboBox) -> str:
    """The status chosen in a :func:`status_combo`, "" for none."""
    data = combo.currentData()
    return data if isinstance(data, str) else ""


class OptionalDate(QDateEdit):
    """A day, or "Any" (the earliest day). Its calendar opens on this month, not on the year 2000."""

    def __init__(self, parent: QWidget | None = None, *, name: str) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCalendarPopup(True)
        self.setMinimumDate(ANY_DAY)
        self.setSpecialValueText("Any")
        self.setDate(ANY_DAY)
        self.setToolTip(f"{name}; Any (or Home) for no limit")

    def value(self) -> dt.date | None:
        day = self.date()
        return None if day == ANY_DAY else dt.date(day.year(), day.month(), day.day())

    def set_value(self, day: dt.date | None) -> None:
        self.setDate(ANY_DAY if day is None else QDate(day.year, day.month, day.day))

    # The calendar is made when it first opens (by mouse or Alt+Down), not with the field.
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._calendar_on_today()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        opens = event.key() == Qt.Key.Key_F4 or (
            event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up)
            and event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if opens:
            self._calendar_on_today()
        super().keyPressEvent(event)

    def stepBy(self, steps: int) -> None:
        """An arrow key on "Any" starts from today, not from the year 2000."""
        if self.value() is None:
            self.setDate(QDate.currentDate())
            return
        super().stepBy(steps)

    def _calendar_on_today(self) -> None:
        if self.value() is None:
            today = QDate.currentDate()
            calendar = self.calendarWidget()
            if calendar is not None:
                calendar.setCurrentPage(today.year(), today.month())
