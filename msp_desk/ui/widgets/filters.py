"""Inputs for narrowing a list: a status or none, a day or none. Shared by the lookup and history screens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from PySide6.QtCore import QDate, QEvent, QObject
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
        calendar = self.calendarWidget()
        if calendar is not None:
            calendar.installEventFilter(self)

    def value(self) -> dt.date | None:
        day = self.date()
        return None if day == ANY_DAY else dt.date(day.year(), day.month(), day.day())

    def set_value(self, day: dt.date | None) -> None:
        self.setDate(ANY_DAY if day is None else QDate(day.year, day.month, day.day))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        calendar = self.calendarWidget()
        if watched is calendar and event.type() == QEvent.Type.Show and self.value() is None:
            today = QDate.currentDate()
            calendar.setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)
