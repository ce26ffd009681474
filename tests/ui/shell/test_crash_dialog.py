"""Something unexpected: one dialog, a report with every secret masked, a window that still works."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from msp_desk.ui.shell.crash_dialog import CrashDialog, crash_report
from msp_desk.ui.shell.main_window import MainWindow

CARD = "4111111111111111"
KEY = "0123456789abcdef0123456789abcdef01234567"


def _error() -> ValueError:
    try:
        raise ValueError(f"card {CARD} with key {KEY}")
    except ValueError as error:
        return error


def test_the_report_names_versions_and_masks_secrets() -> None:
    report = crash_report("Send order o-1", _error())
    assert "msp-desk " in report
    assert "While: Send order o-1" in report
    assert "ValueError: card ••••1111 with key ••••4567" in report
    assert CARD not in report
    assert KEY not in report


def test_the_dialog_copies_its_report(qtbot) -> None:
    dialog = CrashDialog("Look up order o-1", _error())
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == dialog.report
    assert dialog.details.toPlainText() == dialog.report
    assert "what you typed is kept" in dialog.summary.text()


def test_an_exception_in_a_slot_ends_in_one_dialog(qtbot) -> None:
    from msp_desk.ui.app import _report_uncaught

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    previous = sys.excepthook
    try:
        _report_uncaught(window)
        error = _error()
        sys.excepthook(type(error), error, error.__traceback__)
        sys.excepthook(type(error), error, error.__traceback__)  # a second one while the first is open
    finally:
        sys.excepthook = previous
    dialogs = [w for w in window.findChildren(CrashDialog) if w.isVisible()]
    assert len(dialogs) == 1
    assert "While: handling what you did" in dialogs[0].report
    assert window.isEnabled()
