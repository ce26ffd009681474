"""Where the Profiles screen's pieces sit, and its keyboard shortcuts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from msp_desk.ui.profiles.page import ProfilesPage


def lay_out(page: ProfilesPage, list_label: QLabel) -> tuple[QSplitter, QStackedWidget]:
    """The list on the left; the form with its buttons right under it on the right."""
    left = QWidget(page)
    left_layout = QVBoxLayout(left)
    left_layout.setContentsMargins(0, 0, 0, 0)
    left_layout.addWidget(list_label)
    left_layout.addWidget(page.profile_list, 1)

    buttons = QHBoxLayout()
    for pushed in (page.new_button, page.delete_button):
        buttons.addWidget(pushed)
    buttons.addStretch(1)
    for pushed in (page.use_button, page.save_button):
        buttons.addWidget(pushed)

    # Buttons sit right under the fields they act on, not at the far bottom of a tall window.
    column = QWidget(page)
    column.setMaximumWidth(760)
    column_layout = QVBoxLayout(column)
    column_layout.setContentsMargins(0, 0, 0, 0)
    column_layout.addWidget(page.form)
    column_layout.addSpacing(8)
    column_layout.addLayout(buttons)
    column_layout.addWidget(page.save_hint, 0, Qt.AlignmentFlag.AlignRight)
    column_layout.addWidget(page.feedback)
    column_layout.addStretch(1)

    right = QWidget(page)
    right_layout = QHBoxLayout(right)
    right_layout.setContentsMargins(16, 0, 8, 0)
    right_layout.addWidget(column, 1)
    right_layout.addStretch(0)
    scroll = QScrollArea(page)
    scroll.setObjectName("profileFormScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(right)

    splitter = QSplitter(Qt.Orientation.Horizontal, page)
    splitter.setObjectName("profilesSplitter")
    splitter.setChildrenCollapsible(False)
    splitter.addWidget(left)
    splitter.addWidget(scroll)
    splitter.setStretchFactor(0, 0)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes([300, 700])

    stack = QStackedWidget(page)
    stack.addWidget(page.loading_label)
    stack.addWidget(splitter)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(12, 12, 12, 12)
    layout.addWidget(page.banner)
    layout.addWidget(stack, 1)
    return splitter, stack


def add_shortcuts(page: ProfilesPage) -> None:
    # Window-wide, so they work straight after switching here from the navigation bar; Qt
    # ignores shortcuts of hidden widgets, so other screens may still use the same keys.
    for keys, target in (
        ("Ctrl+N", page.new_button),
        ("Ctrl+S", page.save_button),
        ("Ctrl+T", page.form.test_button),
        ("Ctrl+Return", page.use_button),
        ("Ctrl+Enter", page.use_button),
    ):
        shortcut = QShortcut(QKeySequence(keys), page)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(target.click)
    # Del only in the list: in a text field it must keep deleting characters.
    delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), page.profile_list)
    delete.setContext(Qt.ShortcutContext.WidgetShortcut)
    delete.activated.connect(page.delete_button.click)
