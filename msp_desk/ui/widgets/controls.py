"""Small builders every screen uses, so a button or a stacked cell is made one way everywhere."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget


def button(parent: QWidget, text: str, name: str, tip: str) -> QPushButton:
    """A push button whose accessible name is its words, without the mnemonic or a trailing "…".

    It never becomes a default button by having the focus: Enter in a field belongs to the field.
    """
    made = QPushButton(text, parent)
    made.setObjectName(name)
    made.setAccessibleName(text.replace("&", "").rstrip("…"))
    made.setToolTip(tip)
    made.setAutoDefault(False)
    return made


def stacked(parent: QWidget, *widgets: QWidget) -> QWidget:
    """Widgets one above the other with little space between: a field and the message under it."""
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    for widget in widgets:
        layout.addWidget(widget)
    return box
