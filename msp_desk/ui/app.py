"""Start-up: logging, the QApplication, the services and the main window.

Nothing heavy happens before the first paint: QtWebEngine is imported only when
a 3D Secure page must be shown, and the local sandbox starts on a worker thread.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from msp_desk import APP_NAME, ORG_NAME, __version__
from msp_desk.core.logs import setup_logging
from msp_desk.ui.context import AppContext
from msp_desk.ui.main_window import MainWindow
from msp_desk.ui.resources import icon
from msp_desk.ui.shell import build_main_window

log = logging.getLogger(__name__)


class _FirstPaint(QObject):
    """Prints a marker and quits after the window's first paint (``--smoke-test``)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            webengine = any(name.startswith("PySide6.QtWebEngine") for name in sys.modules)
            print(f"{APP_NAME}: painted (QtWebEngine loaded: {'yes' if webengine else 'no'})", flush=True)
            QTimer.singleShot(0, QCoreApplication.quit)
        return False


def _log_uncaught(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    log.critical("Uncaught error", exc_info=(kind, error, tb))


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


def run(*, debug: bool = False, smoke_test: bool = False) -> int:
    log_path = setup_logging(logging.DEBUG if debug else logging.INFO, to_stderr=debug)
    sys.excepthook = _log_uncaught
    app = create_application(sys.argv[:1])
    log.info("Starting %s %s; log file %s", APP_NAME, __version__, log_path)

    context = AppContext()
    window = build_main_window(context)
    window.restore_state()
    if smoke_test:
        window.installEventFilter(_FirstPaint(window))
    window.show()
    try:
        return app.exec()
    finally:
        context.close()
