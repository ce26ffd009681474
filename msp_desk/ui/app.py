"""Start-up: logging, the QApplication, the services and the main window.

Nothing heavy happens before the first paint: QtWebEngine is imported only when
a 3D Secure page must be shown, and the local sandbox starts on a worker thread.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from msp_desk import APP_NAME, ORG_NAME, __version__
from msp_desk.core.collector import settle
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.areas import build_main_window
from msp_desk.ui.shell.main_window import MainWindow
from msp_desk.ui.widgets.icons import icon

log = logging.getLogger(__name__)


def _webengine_loaded() -> str:
    return "yes" if any(name.startswith("PySide6.QtWebEngine") for name in sys.modules) else "no"


def _report_smoke_test(window: MainWindow) -> None:
    """Two marker lines for the start-up benchmark and the package smoke test, then quit."""
    window.painted.connect(
        lambda: print(f"{APP_NAME}: painted (QtWebEngine loaded: {_webengine_loaded()})", flush=True)
    )

    def ready() -> None:
        print(f"{APP_NAME}: first screen ready (QtWebEngine loaded: {_webengine_loaded()})", flush=True)
        QCoreApplication.quit()

    window.areas_ready.connect(ready)


class _ThreadErrors(QObject):
    """Carries an exception from a thread of its own (not the task runner's) to the UI thread."""

    raised = Signal(str, object)


def _report_uncaught(window: MainWindow | None) -> None:
    """Exceptions escaping a slot, a timer or a thread end in the log and one dialog with a redacted report.

    Slots, timers and event handlers end in ``sys.excepthook`` (PySide6 prints their
    errors through it); a thread started without the task runner ends in
    ``threading.excepthook``, off the UI thread, so it is sent over by a queued signal.
    Before the window exists the report is still saved in the log folder.
    """

    def report(what: str, error: BaseException) -> None:
        if window is not None:
            window.report_unexpected(what, error)
        else:
            from msp_desk.core.crash_reports import save_crash_report
            from msp_desk.ui.shell.crash_dialog import crash_report

            save_crash_report(crash_report(what, error))

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.critical("Uncaught error", exc_info=(kind, error, tb))
        if isinstance(error, Exception):
            report("handling what you did", error)

    carrier = _ThreadErrors(window)
    carrier.raised.connect(report, Qt.ConnectionType.QueuedConnection)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        name = args.thread.name if args.thread is not None else "a background thread"
        error = args.exc_value
        log.critical("Uncaught error in %s", name, exc_info=error)
        if isinstance(error, Exception):
            carrier.raised.emit(f"background work ({name})", error)

    sys.excepthook = hook
    threading.excepthook = thread_hook


def create_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # QtWebEngine, loaded later on demand, needs contexts shared before the app exists.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_NAME)
    app.setWindowIcon(icon("app"))
    return app


def _start_logging(debug: bool) -> None:
    # Deferred to the first paint: the redacting file handler is not needed to
    # draw a window, and until then Python's last-resort handler still prints
    # warnings to stderr.
    from msp_desk.core.logs import setup_logging

    log_path = setup_logging(logging.DEBUG if debug else logging.INFO, to_stderr=debug)
    log.info("Started %s %s; log file %s", APP_NAME, __version__, log_path)


def run(*, debug: bool = False, smoke_test: bool = False) -> int:
    _report_uncaught(None)
    app = create_application(sys.argv[:1])

    context = AppContext()
    window = build_main_window(context)
    _report_uncaught(window)
    window.first_painted.connect(lambda: _start_logging(debug))
    # What start-up made lives as long as the app: out of the collector's full scans (see collector.py).
    window.areas_ready.connect(settle)
    context.profiles.ready.connect(settle)
    window.restore_state()
    if smoke_test:
        _report_smoke_test(window)
    window.show()
    try:
        return app.exec()
    finally:
        context.close()
