"""Where the Bulk lookup screen's pieces sit, and its keyboard shortcuts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from msp_desk.ui.bulk.results_model import (
    AMOUNT,
    CREATED,
    CURRENCY,
    ERROR,
    FINANCIAL,
    ORDER_ID,
    REASON,
    ROW,
    STATUS,
)
from msp_desk.ui.widgets.focus import set_tab_chain

if TYPE_CHECKING:
    from msp_desk.ui.bulk.page import BulkPage

# Fixed starting widths: sizing columns to their contents would measure every row on every batch.
_WIDTHS = {
    ROW: 48,
    ORDER_ID: 150,
    STATUS: 86,
    FINANCIAL: 110,
    AMOUNT: 72,
    CURRENCY: 66,
    CREATED: 142,
    REASON: 125,
    ERROR: 150,  # the last column stretches over the rest
}


def results_table(page: BulkPage) -> QTableView:
    table = QTableView(page)
    table.setObjectName("bulkResults")  # the window keeps its column widths and order by this name
    table.setAccessibleName("Results")
    table.setToolTip("Double-click a row, or press Enter, to open the order in Order lookup")
    table.setModel(page.proxy)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 8)  # a dense sheet, not a list of cards
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setSectionsMovable(True)
    for column, width in _WIDTHS.items():
        table.setColumnWidth(column, width)
    # Input order until someone sorts by another column.
    header.setSortIndicator(ROW, Qt.SortOrder.AscendingOrder)
    table.setSortingEnabled(True)
    return table


def lay_out(page: BulkPage) -> QSplitter:
    """The ids on the left; running, the results and the export on the right."""
    run_row = QHBoxLayout()
    concurrency_label = QLabel("Lookups at a &time:", page)
    concurrency_label.setBuddy(page.concurrency)
    run_row.addWidget(concurrency_label)
    run_row.addWidget(page.concurrency)
    for button in (page.look_up_button, page.cancel_button, page.retry_button):
        run_row.addWidget(button)
    run_row.addStretch(1)

    filter_row = QHBoxLayout()
    show_label = QLabel("&Show:", page)
    show_label.setBuddy(page.status_filter)
    filter_row.addWidget(show_label)
    filter_row.addWidget(page.status_filter)
    filter_row.addWidget(page.summary, 1)

    results_label = QLabel("Res&ults:", page)
    results_label.setBuddy(page.table)

    export_row = QHBoxLayout()
    export_row.addWidget(page.export_button)
    export_row.addWidget(page.copy_button)
    export_row.addStretch(1)

    right = QWidget(page)
    right_layout = QVBoxLayout(right)
    right_layout.setContentsMargins(8, 0, 0, 0)
    right_layout.addWidget(page.profile_note)
    right_layout.addLayout(run_row)
    right_layout.addWidget(page.progress_bar)
    right_layout.addWidget(page.progress_text)
    right_layout.addLayout(filter_row)
    right_layout.addWidget(results_label)
    right_layout.addWidget(page.table, 1)
    right_layout.addLayout(export_row)
    right_layout.addWidget(page.message)

    splitter = QSplitter(Qt.Orientation.Horizontal, page)
    splitter.setObjectName("bulkSplitter")
    splitter.setChildrenCollapsible(False)
    splitter.addWidget(page.input)
    splitter.addWidget(right)
    splitter.setStretchFactor(0, 0)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes([220, 980])
    layout = QVBoxLayout(page)
    layout.setContentsMargins(12, 12, 12, 12)
    layout.addWidget(splitter)

    set_tab_chain(
        [
            page.input.box,
            page.input.import_button,
            page.input.clear_button,
            page.input.skipped,
            page.concurrency,
            page.look_up_button,
            page.cancel_button,
            page.retry_button,
            page.status_filter,
            page.table,
            page.export_button,
            page.copy_button,
        ]
    )
    return splitter


def add_shortcuts(page: BulkPage) -> None:
    # Window-wide, so they work straight after switching here; Qt ignores the shortcuts of hidden
    # screens, so other screens may use the same keys.
    for keys, target in (
        ("Ctrl+Return", page.look_up_button),
        ("Ctrl+Enter", page.look_up_button),
        ("Ctrl+O", page.input.import_button),
        ("Ctrl+R", page.retry_button),
        ("Ctrl+E", page.export_button),
        ("Ctrl+Shift+C", page.copy_button),
    ):
        shortcut = QShortcut(QKeySequence(keys), page)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(target.click)
    # Escape only while working in this screen: elsewhere it closes popups and dialogs.
    escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), page)
    escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    escape.activated.connect(page.cancel_button.click)
