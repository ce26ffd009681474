"""Which column holds the order ids: the first rows of the file, with the likely column chosen.

Only the preview is in this dialog; re-reading it for another sheet or
header setting happens on a worker (``reload_requested``), because opening a
big workbook can take a moment.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from msp_desk.bulk.tables import TableKind, TablePreview
from msp_desk.ui.widgets.focus import set_tab_chain
from msp_desk.ui.widgets.labels import MessageLabel


class ColumnChooser(QDialog):
    # The sheet (None: the first), and whether the first row is a header (None: find out again).
    reload_requested = Signal(object, object)

    def __init__(self, table: TablePreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("columnChooser")
        self.setWindowTitle("Choose the column of order ids")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(760, 460)
        self.table = table

        self.about = MessageLabel("The file", self)
        self.about.setObjectName("fileDetected")
        self.sheet_combo = QComboBox(self)
        self.sheet_combo.setObjectName("sheetChoice")
        self.sheet_combo.setAccessibleName("Sheet")
        self.sheet_label = QLabel("&Sheet:", self)
        self.sheet_label.setBuddy(self.sheet_combo)
        self.header_check = QCheckBox("The first row holds column &names", self)
        self.header_check.setObjectName("firstRowHeader")
        self.column_combo = QComboBox(self)
        self.column_combo.setObjectName("columnChoice")
        self.column_combo.setAccessibleName("Column with the order ids")
        column_label = QLabel("&Column with the order ids:", self)
        column_label.setBuddy(self.column_combo)

        self.preview = QTableWidget(self)
        self.preview.setObjectName("bulkPreview")
        self.preview.setAccessibleName("The first rows of the file")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectColumns)
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        preview_label = QLabel("&Preview of the first rows (click a column to choose it):", self)
        preview_label.setBuddy(self.preview)
        self.problem = MessageLabel("Column problem", self, hide_when_empty=True)
        self.problem.setObjectName("columnProblem")

        self.buttons = QDialogButtonBox(self)
        self.use_button = self.buttons.addButton("&Use this column", QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_button.setObjectName("useColumn")
        self.use_button.setAccessibleName("Use this column")
        self.use_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.sheet_label, self.sheet_combo)
        form.addRow("", self.header_check)
        form.addRow(column_label, self.column_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addLayout(form)
        layout.addWidget(preview_label)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        set_tab_chain(
            [
                self.sheet_combo,
                self.header_check,
                self.column_combo,
                self.preview,
                self.use_button,
                self.cancel_button,
            ]
        )

        # Another sheet has its own header row, or none; a ticked box is the person's word.
        self.sheet_combo.activated.connect(lambda _index: self._reload(None))
        self.header_check.toggled.connect(self._reload)
        self.column_combo.currentIndexChanged.connect(self._column_chosen)
        self.preview.horizontalHeader().sectionClicked.connect(self.column_combo.setCurrentIndex)
        self.preview.currentCellChanged.connect(lambda _r, column, _pr, _pc: self._pick(column))
        self.show_table(table)

    # -- what it shows -----------------------------------------------------------

    def show_table(self, table: TablePreview) -> None:
        self.table = table
        self.about.show_info(f"{table.path.name}: {table.detected}.")
        workbook = table.kind is TableKind.XLSX
        self.sheet_label.setVisible(workbook)
        self.sheet_combo.setVisible(workbook)
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(table.sheets))
        self.sheet_combo.setCurrentText(table.sheet or "")
        self.sheet_combo.setEnabled(len(table.sheets) > 1)
        self.sheet_combo.blockSignals(False)
        self.header_check.blockSignals(True)
        self.header_check.setChecked(table.has_header)
        self.header_check.blockSignals(False)

        self.preview.clear()
        self.preview.setColumnCount(len(table.columns))
        self.preview.setRowCount(len(table.rows))
        self.preview.setHorizontalHeaderLabels(list(table.columns))
        first_row = 2 if table.has_header else 1
        self.preview.setVerticalHeaderLabels([str(first_row + i) for i in range(len(table.rows))])
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row):
                self.preview.setItem(r, c, QTableWidgetItem(cell))
        self.preview.resizeColumnsToContents()

        self.column_combo.blockSignals(True)
        self.column_combo.clear()
        self.column_combo.addItems(list(table.columns))
        default = table.default_column
        self.column_combo.setCurrentIndex(table.columns.index(default) if default is not None else -1)
        self.column_combo.blockSignals(False)
        self._column_chosen(self.column_combo.currentIndex())

    def show_problem(self, text: str) -> None:
        self.problem.show_error(text)
        self.use_button.setEnabled(False)

    def set_busy(self, busy: bool) -> None:
        # Only the button waits: disabling the control in hand would throw the focus elsewhere
        # (onto Cancel, where Enter would close the dialog). A newer change supersedes the reading.
        if busy:
            self.problem.show_hint("Reading the file…")
            self.use_button.setEnabled(False)

    # -- what the person picks ------------------------------------------------------

    def chosen_column(self) -> str | None:
        index = self.column_combo.currentIndex()
        return self.table.columns[index] if 0 <= index < len(self.table.columns) else None

    def _pick(self, column: int) -> None:
        if column >= 0 and column != self.column_combo.currentIndex():
            self.column_combo.setCurrentIndex(column)

    def _column_chosen(self, index: int) -> None:
        if 0 <= index < self.preview.columnCount():
            self.preview.selectColumn(index)
            self.problem.clear_message()
            self.use_button.setEnabled(True)
        else:
            self.preview.clearSelection()
            self.problem.show_hint("No column is named like order_id: choose the one that holds the ids.")
            self.use_button.setEnabled(False)

    def _reload(self, has_header: bool | None) -> None:
        sheet = self.sheet_combo.currentText() if self.table.kind is TableKind.XLSX else None
        self.set_busy(True)
        self.reload_requested.emit(sheet, has_header)
