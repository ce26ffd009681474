"""Assembles the main window from the areas that exist."""

from __future__ import annotations

from msp_desk.ui.context import AppContext
from msp_desk.ui.main_window import MainWindow


def build_main_window(context: AppContext) -> MainWindow:
    window = MainWindow()
    context.tasks.unhandled.connect(
        lambda name, error: window.statusBar().showMessage(f"{name} failed: {error}", 10000)
    )
    return window
