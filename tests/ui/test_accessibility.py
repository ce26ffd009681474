"""Every screen as a screen reader and a keyboard user meet it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)

from msp_desk.credentials.access import open_store
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.areas import build_main_window
from msp_desk.ui.shell.main_window import MainWindow

_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    context = AppContext()
    context.profiles.adopt(*open_store())
    main = build_main_window(context)
    qtbot.addWidget(main)
    main.resize(1300, 860)
    main.show()
    yield main
    main.close()
    context.close()


def _visible(window: MainWindow, kind: type[QWidget]) -> list[QWidget]:
    return [w for w in window.findChildren(kind) if w.isVisible()]


def _mnemonics(window: MainWindow) -> list[str]:
    texts = [action.text() for action in window.menuBar().actions()]
    texts += [w.text() for w in _visible(window, QLabel) if w.buddy() is not None]  # type: ignore[attr-defined]
    texts += [w.text() for w in _visible(window, QAbstractButton)]  # type: ignore[attr-defined]
    for bar in _visible(window, QTabBar):
        texts += [bar.tabText(i) for i in range(bar.count())]  # type: ignore[attr-defined]
    return [m.group(1).lower() for text in texts for m in [_MNEMONIC.search(text)] if m]


@pytest.mark.parametrize("area", ["orders", "lookup", "history", "bulk", "webhooks", "inbox", "profiles"])
def test_mnemonics_are_unique_on_each_screen(qtbot, window: MainWindow, area: str) -> None:
    window.show_area(area)
    letters = _mnemonics(window)
    assert len(letters) >= 8
    duplicates = {letter for letter, count in Counter(letters).items() if count > 1}
    assert not duplicates, f"Alt+{'/'.join(sorted(duplicates))} would reach two controls"


@pytest.mark.parametrize("area", ["orders", "lookup", "history", "bulk", "webhooks", "inbox", "profiles"])
def test_every_input_has_a_visible_buddy_label_and_a_name(qtbot, window: MainWindow, area: str) -> None:
    window.show_area(area)
    buddies = {id(label.buddy()) for label in _visible(window, QLabel) if label.buddy() is not None}  # type: ignore[attr-defined]
    inputs = [w for kind in (QLineEdit, QComboBox, QAbstractSpinBox) for w in _visible(window, kind)]
    # A combo box's or a date field's own line edit: the box itself is the input its label names.
    inputs = [w for w in inputs if not isinstance(w.parent(), QComboBox | QAbstractSpinBox)]
    assert inputs
    for widget in inputs:
        assert id(widget) in buddies, f"{widget.objectName() or widget} has no label that names it"
        assert widget.accessibleName(), f"{widget.objectName()} has no accessible name"
    for kind in (QAbstractButton, QPlainTextEdit, QListWidget):
        for widget in _visible(window, kind):
            if isinstance(widget.parent(), QTabBar) or widget.metaObject().className() == "QToolBarExtension":
                continue
            name = widget.accessibleName() or getattr(widget, "text", lambda: "")()
            assert name.replace("&", "").strip(), f"{widget.objectName() or widget} has no name"
