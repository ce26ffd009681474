"""Filter inputs: a status or any, a day or any."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from msp_desk.ui.widgets.filters import OptionalDate, chosen_status, status_combo


def test_a_status_or_any(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    combo = status_combo(parent, ("completed", "partial_refunded"), name="Status", any_text="Any status")
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Any status",
        "Completed",
        "Partial refunded",
    ]
    assert chosen_status(combo) == ""
    combo.setCurrentIndex(2)
    assert chosen_status(combo) == "partial_refunded"
    assert combo.accessibleName() == "Status"


def test_a_day_or_any(qtbot) -> None:
    day = OptionalDate(name="Created from")
    qtbot.addWidget(day)
    assert day.value() is None
    assert day.text() == "Any"
    day.set_value(dt.date(2024, 5, 1))
    assert day.value() == dt.date(2024, 5, 1)
    assert day.text() == "2024-05-01"
    day.set_value(None)
    assert day.value() is None
    # An arrow key on "Any" starts from today, not from the earliest day there is.
    day.setFocus()
    qtbot.keyClick(day, Qt.Key.Key_Up)
    assert day.value() == dt.date.today()
