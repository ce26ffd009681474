"""Fixtures every UI test shares: the app's services, a loaded profile list, answering dialogs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QMessageBox, QWidget

from msp_desk.credentials.access import open_store
from msp_desk.ui.services.context import AppContext
from tests.helpers.loopback import LoopbackStandIn

W = TypeVar("W", bound=QWidget)
YES = "yes"
NO = "no"


@pytest.fixture
def context(qtbot) -> Iterator[AppContext]:
    """The app's services, profiles not loaded yet (as right after start-up)."""
    ctx = AppContext()
    yield ctx
    ctx.close()


@pytest.fixture
def loaded(context: AppContext) -> AppContext:
    """The services with the saved profiles loaded, as after the first paint."""
    context.profiles.adopt(*open_store())
    return context


class Dialogs:
    """Stands in for the person answering the app's message boxes: queued answers, then yes.

    An answer is ``YES`` (the button that goes ahead), ``NO`` (the safe one) or a button's text.
    """

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.answers: list[str] = []

    def answer(self, box: QMessageBox) -> int:
        self.asked.append(f"{box.windowTitle()}: {box.text()}")
        wanted = self.answers.pop(0) if self.answers else YES
        _pick(box, wanted).click()
        return 0


def _pick(box: QMessageBox, wanted: str) -> QAbstractButton:
    going = {QMessageBox.ButtonRole.YesRole, QMessageBox.ButtonRole.AcceptRole}
    for button in box.buttons():
        role = box.buttonRole(button)
        if wanted == YES and role in going:
            return button
        if wanted == NO and role not in going:
            return button
        if button.text().replace("&", "") == wanted:
            return button
    raise AssertionError(f"no button {wanted!r} in {[b.text() for b in box.buttons()]}")


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    answerer = Dialogs()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: answerer.answer(box))
    return answerer


# -- acting as a person ----------------------------------------------------------


def on_screen(qtbot, widget: W) -> W:
    """``widget`` shown at the size screenshots and people use, closed with the test."""
    qtbot.addWidget(widget)
    widget.resize(1300, 850)
    widget.show()
    return widget


def click(qtbot, button: QAbstractButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def replace_text(qtbot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    if text:
        qtbot.keyClicks(edit, text)


def choose(combo: QComboBox, text: str) -> None:
    combo.setFocus()
    combo.setCurrentIndex(combo.findText(text))


def text_colour(widget: QWidget) -> str:
    """The colour a label's text is drawn in, as #rrggbb."""
    return widget.palette().color(QPalette.ColorRole.WindowText).name()


@pytest.fixture
def stand_in() -> LoopbackStandIn:
    """A transport for the app's HTTP client that answers Test and Live from the local sandbox."""
    return LoopbackStandIn()
