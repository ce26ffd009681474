"""The status-bar badge that names the active profile and its environment.

Live must be impossible to miss: white on a strong red in both light and dark
palettes, and the word LIVE spelled out for people who cannot tell colours apart.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

_STYLES = {
    "live": "background:#c62828; color:#ffffff; font-weight:bold;",
    "test": "background:#f9a825; color:#1b1b1b; font-weight:bold;",
    "sandbox": "background:#2e7d32; color:#ffffff; font-weight:bold;",
}


def environment_style(environment: str) -> str:
    return _STYLES.get(environment.lower(), "") + " padding:2px 8px; border-radius:3px;"


class EnvironmentBadge(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environmentBadge")
        self.show_profile("No profile", "")

    def show_profile(self, profile_name: str, environment: str) -> None:
        label = environment.upper() if environment.lower() == "live" else environment.capitalize()
        self.setText(f"{profile_name} — {label}" if environment else profile_name)
        self.setStyleSheet(environment_style(environment))
        self.setAccessibleName(f"Active profile: {profile_name}, environment {label or 'none'}")
        self.setToolTip(self.accessibleName())
