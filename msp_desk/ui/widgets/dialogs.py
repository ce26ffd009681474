"""Every question the app asks, in one place: plain text, the safe answer as the default.

Live confirmations name the amount, the site and the profile, say LIVE in
words, and make *Cancel* the default button, so Enter never moves real money.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from msp_desk.ui.widgets.colours import alert_style


def _box(parent: QWidget | None, title: str, text: str, icon: QMessageBox.Icon) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    # Profile names, order ids and server text are shown as typed, never as markup.
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box


def _answer(box: QMessageBox) -> QAbstractButton | None:
    """Ask, then let the box go: a parented box nobody deletes stays alive as long as its screen,
    one more for every question of the day."""
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    return clicked


def confirm(
    parent: QWidget | None, title: str, text: str, *, yes: str = "Yes", no: str = "No", name: str = ""
) -> bool:
    """A yes/no question whose safe answer, no, is the default."""
    box = _box(parent, title, text, QMessageBox.Icon.Question)
    box.setObjectName(name or "confirmation")
    accept = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    reject = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(reject)
    box.setEscapeButton(reject)
    return _answer(box) is accept


def confirm_live(parent: QWidget | None, *, title: str, question: str, action: str, details: str) -> bool:
    """Ask before anything moves real money: ``action`` labels the button that goes ahead."""
    box = _box(parent, title, question, QMessageBox.Icon.Warning)
    box.setObjectName("liveConfirmation")
    # The question in red (the red that reads on the window's light or dark background), beside LIVE.
    box.setStyleSheet(f"QLabel#qt_msgbox_label {{ {alert_style(box.palette())} font-weight: bold; }}")
    box.setInformativeText(details)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return _answer(box) is go


def confirm_charge(parent: QWidget | None, *, money: str, site: str, profile_name: str) -> bool:
    """The question before a Live order is sent."""
    return confirm_live(
        parent,
        title="Send a LIVE order?",
        question=f"Charge {money} on {site} ({profile_name}) in the LIVE environment?",
        action=f"Charge {money}",
        details="This is a real payment with a real card.",
    )


def warn(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, title, text, QMessageBox.Icon.Warning)
    box.setObjectName("warning")
    _answer(box)
