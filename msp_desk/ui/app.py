"""Start-up: logging, the QApplication, the services and the main window.

Nothing heavy happens before the first paint: QtWebEngine is imported only when
a 3D Secure page must be shown, and the local sandbox starts on a worker thread.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication

from msp_desk import APP_NAME, ORG_NAME, __version__
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


def _report_uncaught(window: MainWindow | None) -> None:
    """Exceptions that escape a slot end in the log and one dialog with a redacted report."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.critical("Uncaught error", exc_info=(kind, error, tb))
        if window is not None and isinstance(error, Exception):
            window.report_unexpected("handling what you did", error)

    sys.excepthook = hook


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
    window.restore_state()
    if smoke_test:
        _report_smoke_test(window)
    window.show()
    try:
        return app.exec()
    finally:
        context.close()
