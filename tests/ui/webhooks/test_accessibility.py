"""Every tab of the Webhooks screen as a keyboard and screen reader user meets it."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit

from msp_desk.ui.shell.main_window import MainWindow
from tests.ui.test_accessibility import _mnemonics, _visible, window  # noqa: F401 - the window fixture

TABS = (0, 1, 2)


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_has_unique_mnemonics_and_labelled_inputs(qtbot, window: MainWindow, tab: int) -> None:  # noqa: F811
    window.show_area("webhooks")
    page = window.area_widget("webhooks")
    page.tabs.setCurrentIndex(tab)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.tabs.currentWidget().isVisible())  # type: ignore[attr-defined]
    letters = _mnemonics(window)
    duplicates = {letter for letter, count in Counter(letters).items() if count > 1}
    assert not duplicates, f"Alt+{'/'.join(sorted(duplicates))} would reach two controls"
    buddies = {id(label.buddy()) for label in _visible(window, QLabel) if label.buddy() is not None}  # type: ignore[attr-defined]
    inputs = [w for kind in (QLineEdit, QComboBox) for w in _visible(window, kind)]
    inputs = [w for w in inputs if not isinstance(w.parent(), QComboBox)]
    assert inputs
    for widget in inputs:
        assert id(widget) in buddies, f"{widget.objectName()} has no label that names it"
        assert widget.accessibleName(), f"{widget.objectName()} has no accessible name"


def test_tab_follows_the_reading_order_of_the_site_form(qtbot, window: MainWindow) -> None:  # noqa: F811
    window.show_area("webhooks")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page = window.area_widget("webhooks")
    tab = page.site_tab  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: tab.site is not None, timeout=15000)
    edits = list(tab.form.edits.values())
    edits[0].setFocus()
    assert not tab.save_button.isEnabled()  # nothing changed yet: Tab passes it by
    # The built-in profile keeps no defaults, so its method cannot be chosen either.
    for expected in [*edits[1:], tab.defaults.url_edit, tab.answer]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected, QApplication.focusWidget().objectName()
