"""Window and UI preferences (never secrets), declared once, in an INI file in the user's config folder.

Each preference is a :class:`Setting` with its key, default and type, declared
here, so no screen spells a key twice (the pattern of Picard's options).
Splitters and table headers need no declaration: :func:`restore_layout` and
:func:`save_layout` keep every one that has an object name, per screen, so a
new screen gets its layout remembered by naming its splitters and tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QSplitter, QWidget

from msp_desk.core import paths

SETTINGS_FILE = "ui-state.ini"

T = TypeVar("T", str, int, bool, QByteArray)


def ui_settings() -> QSettings:
    return QSettings(str(paths.config_dir() / SETTINGS_FILE), QSettings.Format.IniFormat)


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T

    def get(self) -> T:
        value = ui_settings().value(self.key)
        default = self.default
        if value is None:
            return default
        # An INI file gives strings back: read them as the declared type, or fall back to the default.
        try:
            if isinstance(default, bool):
                return str(value).lower() in ("true", "1", "yes")
            if isinstance(default, int):
                return int(str(value))
            if isinstance(default, QByteArray):
                return value if isinstance(value, QByteArray) else default
            return str(value)
        except ValueError:
            return default

    def set(self, value: T) -> None:
        settings = ui_settings()
        settings.setValue(self.key, value)
        settings.sync()


WINDOW_GEOMETRY: Setting[QByteArray] = Setting("window/geometry", QByteArray())
LAST_AREA: Setting[str] = Setting("window/area", "")
# The engine's DEFAULT_CONCURRENCY, spelled out: importing it would load httpx before the first paint.
BULK_CONCURRENCY: Setting[int] = Setting("bulk/concurrency", 8)


def _keyed_widgets(root: QWidget) -> list[tuple[str, QSplitter | QHeaderView]]:
    found: list[tuple[str, QSplitter | QHeaderView]] = []
    for splitter in root.findChildren(QSplitter):
        if splitter.objectName():
            found.append((f"splitter/{splitter.objectName()}", splitter))
    for header in root.findChildren(QHeaderView):
        view = header.parent()
        # A table's headers are named after the table: "bulkResults/horizontal".
        owner = view.objectName() if view is not None else ""
        if owner:
            side = "horizontal" if header.orientation() == Qt.Orientation.Horizontal else "vertical"
            found.append((f"header/{owner}/{side}", header))
    return found


def restore_layout(root: QWidget, scope: str) -> None:
    """Give every named splitter and table header under ``root`` the state it was left in."""
    settings = ui_settings()
    for name, widget in _keyed_widgets(root):
        state = settings.value(f"layout/{scope}/{name}")
        if isinstance(state, QByteArray) and not state.isEmpty():
            widget.restoreState(state)


def save_layout(root: QWidget, scope: str) -> None:
    settings = ui_settings()
    for name, widget in _keyed_widgets(root):
        settings.setValue(f"layout/{scope}/{name}", widget.saveState())
    settings.sync()
