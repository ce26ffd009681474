"""The status-bar badge that names the active profile and its environment."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from msp_desk.ui.widgets.colours import environment_label, environment_style
from msp_desk.ui.widgets.labels import plain_tooltip


class EnvironmentBadge(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environmentBadge")
        self.setTextFormat(Qt.TextFormat.PlainText)  # a profile name is shown as typed
        self.show_profile("No profile", "")

    def show_profile(self, profile_name: str, environment: str) -> None:
        label = environment_label(environment) if environment else ""
        self.setText(f"{profile_name} — {label}" if environment else profile_name)
        self.setStyleSheet(environment_style(environment))
        # The name says what the badge shows, and what it is for.
        spoken = f"Active profile: {profile_name}, environment {label or 'none'}"
        self.setAccessibleName(spoken)
        self.setToolTip(plain_tooltip(spoken))
