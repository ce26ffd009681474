"""Every question the app asks: plain text, the safe answer as the default, Live in words."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from msp_desk.ui.widgets.dialogs import confirm, confirm_charge, confirm_live


def _answer(press_key: Qt.Key | None = None, button_text: str | None = None) -> list[QMessageBox]:
    """Looks at the dialog once it is open, then answers it as a person would."""
    seen: list[QMessageBox] = []

    def act() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, act)
            return
        seen.append(box)
        if button_text is not None:
            next(b for b in box.buttons() if b.text() == button_text).click()
        else:
            from PySide6.QtTest import QTest

            QTest.keyClick(box, press_key or Qt.Key.Key_Return)

    QTimer.singleShot(50, act)
    return seen


def test_enter_on_a_question_takes_the_safe_answer(qtbot) -> None:
    seen = _answer(Qt.Key.Key_Return)
    assert confirm(None, "Delete profile", "Delete the profile “<b>Shop</b>”?") is False
    box = seen[0]
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == "Delete the profile “<b>Shop</b>”?"


def test_escape_says_no_and_yes_is_a_deliberate_click(qtbot) -> None:
    _answer(Qt.Key.Key_Escape)
    assert confirm(None, "Discard", "Discard your changes?") is False
    _answer(button_text="Discard")
    assert confirm(None, "Discard", "Discard your changes?", yes="Discard", no="Keep") is True


def test_a_live_charge_names_amount_site_and_profile_and_defaults_to_cancel(qtbot) -> None:
    seen = _answer(Qt.Key.Key_Return)
    assert confirm_charge(None, money="10.00 EUR", site="site 12345", profile_name="Shop NL") is False
    box = seen[0]
    assert box.objectName() == "liveConfirmation"
    assert box.windowTitle() == "Send a LIVE order?"
    assert box.text() == "Charge 10.00 EUR on site 12345 (Shop NL) in the LIVE environment?"
    assert [b.text() for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole] == [
        "Charge 10.00 EUR"
    ]
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)


def test_a_live_action_goes_ahead_only_on_its_own_button(qtbot) -> None:
    _answer(button_text="Refund 5.00 EUR")
    assert confirm_live(
        None,
        title="Refund on LIVE?",
        question="Refund 5.00 EUR of order o-1 on site 12345 (Shop NL) in the LIVE environment?",
        action="Refund 5.00 EUR",
        details="The shopper gets real money back.",
    )
