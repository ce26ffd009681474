"""Message and value labels: heard by what they say, shown as typed, red that follows the theme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from msp_desk.ui.widgets.labels import MessageLabel, ValueLabel, plain_tooltip
from tests.ui.conftest import text_colour


def test_a_message_label_keeps_no_name_so_its_text_is_heard(qtbot) -> None:
    label = MessageLabel("Connection result")
    qtbot.addWidget(label)
    label.show_error("Cannot reach testapi.multisafepay.com.")
    assert label.accessibleName() == ""
    assert label.accessibleDescription() == "Connection result"
    assert label.text() == "⚠ Cannot reach testapi.multisafepay.com."
    assert label.kind == "error"
    value = ValueLabel("Amount")
    qtbot.addWidget(value)
    assert value.text() == "—"
    assert value.accessibleName() == ""


def test_markup_is_shown_as_typed(qtbot) -> None:
    label = MessageLabel("Order message")
    qtbot.addWidget(label)
    label.show_info("Order <h1>BIG</h1> failed")
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert plain_tooltip("a <b>shop</b>") == "<qt>a &lt;b&gt;shop&lt;/b&gt;</qt>"
    assert plain_tooltip("a shop") == "a shop"


def test_errors_are_red_for_the_background_they_sit_on(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    label = MessageLabel("Amount problem", parent)
    label.show_error("Enter an amount.")
    assert text_colour(label) == "#c62828"
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    parent.setPalette(dark)
    assert text_colour(label) == "#ef9a9a"
    label.show_info("Fine now.")
    assert text_colour(label) != "#ef9a9a"


def test_hidden_when_empty_follows_its_text(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    label = MessageLabel("Save hint", parent, hide_when_empty=True)
    parent.show()
    assert not label.isVisible()
    label.show_hint("To save, enter a name.")
    assert label.isVisible()
    label.clear_message()
    assert not label.isVisible()
