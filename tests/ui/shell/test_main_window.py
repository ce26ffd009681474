from __future__ import annotations

import subprocess
import sys

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QToolButton

from msp_desk.ui.shell.main_window import Area, MainWindow


def _window_with_areas(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    for key, title in (("first", "First area"), ("second", "Second area")):
        window.add_area(Area(key, title, "orders", lambda t=title: QLabel(t), f"Shows the {title.lower()}"))
    return window


def test_each_area_gets_a_button_named_by_its_title_and_a_shortcut(qtbot) -> None:
    window = _window_with_areas(qtbot)
    window.show()
    button = window.findChild(QToolButton, "nav-second")
    assert button is not None
    assert button.accessibleName() == "Second area"
    assert window._actions["second"].shortcut() == QKeySequence("Ctrl+2")
    assert window.current_area() == "first"
    button.click()
    assert window.current_area() == "second"
    assert window.windowTitle().startswith("Second area")


def test_geometry_and_last_area_survive_a_restart(qtbot) -> None:
    window = _window_with_areas(qtbot)
    window.restore_state()
    window.show()
    window.resize(790, 555)
    qtbot.waitUntil(lambda: window.width() == 790)
    window.show_area("second")
    window.close()

    reopened = _window_with_areas(qtbot)
    reopened.restore_state()
    reopened.show()
    assert reopened.current_area() == "second"
    assert (reopened.width(), reopened.height()) == (790, 555)


def test_status_badge_marks_live_in_red(qtbot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.badge.show_profile("Shop NL", "live")
    assert window.badge.text() == "Shop NL — LIVE"
    assert "#c62828" in window.badge.styleSheet()
    assert window.badge.accessibleName() == "Active profile: Shop NL, environment LIVE"
    window.badge.show_profile("Shop NL test", "test")
    assert "#c62828" not in window.badge.styleSheet()


def test_about_dialog_shows_versions_and_log_location(qtbot, msp_home) -> None:
    from msp_desk.ui.shell.about_dialog import AboutDialog

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any(text.endswith("msp-desk.log") and str(msp_home) in text for text in texts)
    assert "0.1.0" in texts


def test_cli_help_and_version() -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "msp_desk", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "usage: msp-desk" in help_text
    assert "sandbox" in help_text
    version = subprocess.run(
        [sys.executable, "-m", "msp_desk", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert version.strip() == "msp-desk 0.1.0"


def test_start_up_paints_without_loading_qtwebengine(msp_home) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "msp_desk", "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines.index("msp-desk: painted (QtWebEngine loaded: no)") < lines.index(
        "msp-desk: first screen ready (QtWebEngine loaded: no)"
    ), "the window paints first, then its screens are built, all without QtWebEngine"
