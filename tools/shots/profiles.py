"""The Profiles screen with a Test and a Live website."""

from __future__ import annotations

from pathlib import Path

from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.main_window import MainWindow
from shots._drive import grab


def shoot(window: MainWindow, context: AppContext, out: Path) -> None:
    window.show_area("profiles")
    profiles = window.area_widget("profiles")
    profiles.profile_list.setCurrentRow(2)  # type: ignore[attr-defined]
    grab(window, out / "profiles.png")
