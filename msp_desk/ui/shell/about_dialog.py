"""Versions and file locations, for bug reports and for finding the log."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from msp_desk import APP_NAME, __version__
from msp_desk.core import paths
from msp_desk.core.logs import log_file


def version_lines() -> dict[str, str]:
    return {
        APP_NAME: __version__,
        "Python": platform.python_version(),
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
    }


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.setObjectName("aboutDialog")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"<b>{APP_NAME}</b> — direct card orders, 3D Secure, order look-ups and "
            "webhook checks for MultiSafepay support staff."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        for name, value in version_lines().items():
            label = QLabel(value)
            label.setAccessibleName(f"{name} version")
            form.addRow(f"{name}:", label)
        for name, path in (("Log file", str(log_file())), ("Settings folder", str(paths.config_dir()))):
            label = QLabel(path)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(name)
            form.addRow(f"{name}:", label)
        layout.addLayout(form)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        open_logs = buttons.addButton("Open log folder", QDialogButtonBox.ButtonRole.ActionRole)
        open_logs.setAccessibleName("Open log folder")
        open_logs.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.log_dir()))))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
