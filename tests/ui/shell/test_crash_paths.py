"""Every way an unexpected exception can arise in the running window ends the same way.

A slot, a job on the task runner (with and without a failure handler), a
result handler, a timer callback and a thread of its own each raise an error
carrying a card number and a key. Each time: exactly one crash dialog with the
redacted report, the same report saved in the log folder and named in the
dialog, and a window that still works (another screen opens, an order can be
looked up).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QToolButton

from msp_desk.api.http import make_http_client
from msp_desk.core.crash_reports import crash_reports
from msp_desk.credentials.access import open_store
from msp_desk.ui.app import _report_uncaught
from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.areas import build_main_window
from msp_desk.ui.shell.crash_dialog import CrashDialog
from msp_desk.ui.shell.main_window import MainWindow

CARD = "4111111111111111"
KEY = "0123456789abcdef0123456789abcdef01234567"

pytestmark = pytest.mark.qt_no_exception_capture


class Boom(RuntimeError):
    pass


def boom(*_args: object) -> None:
    raise Boom(f"card {CARD} with key {KEY}")


@pytest.fixture
def context(qtbot) -> Iterator[AppContext]:
    ctx = AppContext(http_factory=lambda: make_http_client(read_timeout=5.0))
    ctx.profiles.adopt(*open_store())
    yield ctx
    ctx.close()


@pytest.fixture
def window(qtbot, context: AppContext) -> Iterator[MainWindow]:
    main = build_main_window(context)
    qtbot.addWidget(main)
    main.resize(1200, 800)
    main.show()
    hooks = (sys.excepthook, threading.excepthook)
    _report_uncaught(main)  # as msp_desk.ui.app.run does
    yield main
    sys.excepthook, threading.excepthook = hooks
    main.close()


def _slot(window: MainWindow, context: AppContext) -> None:
    window.area_changed.connect(boom)
    try:
        button = window.findChild(QToolButton, "nav-history")
        assert button is not None
        button.click()  # the navigation's slot runs, then the faulty one connected beside it
    finally:
        window.area_changed.disconnect(boom)


def _job(window: MainWindow, context: AppContext) -> None:
    context.operations(window).run(boom, name="A job that fails")


def _job_without_handler(window: MainWindow, context: AppContext) -> None:
    context.tasks.submit(boom, name="A job nobody handles")


def _result_handler(window: MainWindow, context: AppContext) -> None:
    context.operations(window).run(lambda ctx: 42, name="Showing a result", on_success=boom)


def _timer(window: MainWindow, context: AppContext) -> None:
    QTimer.singleShot(0, boom)


def _thread(window: MainWindow, context: AppContext) -> None:
    threading.Thread(target=boom, name="a thread of its own", daemon=True).start()


PATHS: dict[str, tuple[Callable[[MainWindow, AppContext], None], str]] = {
    "slot": (_slot, "While: handling what you did"),
    "worker job": (_job, "While: A job that fails"),
    "job without a failure handler": (_job_without_handler, "While: A job nobody handles"),
    "result handler": (_result_handler, "While: Showing a result"),
    "timer callback": (_timer, "While: handling what you did"),
    "thread of its own": (_thread, "While: background work (a thread of its own)"),
}


def _dialogs(window: MainWindow) -> list[CrashDialog]:
    return [dialog for dialog in window.findChildren(CrashDialog) if dialog.isVisible()]


@pytest.mark.parametrize("path", list(PATHS))
def test_an_unexpected_error_ends_in_one_dialog_a_saved_report_and_a_usable_window(
    qtbot, window: MainWindow, context: AppContext, msp_home: Path, path: str
) -> None:
    trigger, while_ = PATHS[path]
    qtbot.waitUntil(lambda: context.profiles.active() is not None, timeout=10_000)
    trigger(window, context)
    qtbot.waitUntil(lambda: len(_dialogs(window)) == 1, timeout=10_000)
    trigger(window, context)  # a second one while the dialog is open: saved, not shown again
    qtbot.waitUntil(lambda: len(crash_reports()) == 2, timeout=10_000)
    qtbot.wait(50)
    dialogs = _dialogs(window)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert while_ in dialog.report
    assert "Boom: card ••••1111 with key ••••4567" in dialog.report
    assert dialog.saved_to is not None
    assert str(dialog.saved_to) in dialog.summary.text()
    saved = dialog.saved_to.read_text(encoding="utf-8")
    assert saved.strip() == dialog.report.strip()
    for report in crash_reports():
        text = report.read_text(encoding="utf-8")
        assert CARD not in text
        assert KEY not in text
    assert crash_reports()[0].parent == msp_home / "log"

    dialog.reject()
    assert _dialogs(window) == []
    assert window.isEnabled()
    lookup_button = window.findChild(QToolButton, "nav-lookup")
    assert lookup_button is not None
    qtbot.mouseClick(lookup_button, Qt.MouseButton.LeftButton)
    assert window.current_area() == "lookup"
    page = window.area_widget("lookup")
    assert isinstance(page, LookupPage)
    page.order_edit.setText("no-such-order")
    qtbot.keyClick(page.order_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "no-such-order" in page.message.text() and not page.watch.busy, timeout=20_000)
    assert _dialogs(window) == []
