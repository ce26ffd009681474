"""What the app shows when something nobody expected goes wrong: a redacted report to copy.

The screen that failed has already been put back in a usable state (see
``services.operations``); this dialog only tells the person, and gives them
a report for a bug ticket with every key, card number and CVC masked. The
same report is saved in the log folder (``core.crash_reports``), and the
dialog names the file, so closing it loses nothing.
"""

from __future__ import annotations

import platform
import traceback
from pathlib import Path

from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from msp_desk import APP_NAME, __version__
from msp_desk.core.redaction import redact
from msp_desk.ui.widgets.labels import MessageLabel


def crash_report(what: str, error: BaseException) -> str:
    """Versions, what was being done and the traceback, redacted: safe to paste anywhere."""
    lines = [
        f"{APP_NAME} {__version__} · Python {platform.python_version()} · Qt {qVersion()}",
        f"System: {platform.platform()}",
        f"While: {what}",
        "",
        *traceback.format_exception(type(error), error, error.__traceback__),
    ]
    return redact("\n".join(line.rstrip("\n") for line in lines))


class CrashDialog(QDialog):
    def __init__(
        self,
        what: str,
        error: BaseException,
        parent: QWidget | None = None,
        *,
        report: str | None = None,
        saved_to: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(f"{APP_NAME}: something went wrong")
        self.report = report if report is not None else crash_report(what, error)
        self.saved_to = saved_to
        layout = QVBoxLayout(self)
        self.summary = MessageLabel("What went wrong", self)
        saved = f" It is also saved as {saved_to}." if saved_to is not None else ""
        self.summary.show_info(
            f"Something unexpected went wrong while msp-desk was busy with: {what}. "
            "The screen has been reset and what you typed is kept. "
            f"The report below has keys and card numbers masked; copy it into a bug report.{saved}"
        )
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("crashReport")
        self.details.setAccessibleName("Error report")
        self.details.setReadOnly(True)
        self.details.setPlainText(self.report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = buttons.addButton("&Copy report", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setAccessibleName("Copy report")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.report))
        buttons.rejected.connect(self.reject)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(720, 420)
