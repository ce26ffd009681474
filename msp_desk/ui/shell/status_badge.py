"""The status-bar badge that names the active profile and its environment."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from msp_desk.ui.colours import environment_label, environment_style


class EnvironmentBadge(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environmentBadge")
        self.show_profile("No profile", "")

    def show_profile(self, profile_name: str, environment: str) -> None:
        label = environment_label(environment) if environment else ""
        self.setText(f"{profile_name} — {label}" if environment else profile_name)
        self.setStyleSheet(environment_style(environment))
        self.setAccessibleName(f"Active profile: {profile_name}, environment {label or 'none'}")
        self.setToolTip(self.accessibleName())
