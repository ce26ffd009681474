"""Window and UI preferences (never secrets) in an INI file in the user's config folder."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from msp_desk.core import paths

SETTINGS_FILE = "ui-state.ini"


def ui_settings() -> QSettings:
    return QSettings(str(paths.config_dir() / SETTINGS_FILE), QSettings.Format.IniFormat)
