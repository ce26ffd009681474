"""Import order ids from a file: pick it, choose the column from a preview, read the column.

Reading runs on a worker twice: the preview (the first rows, and for a CSV a
sample to detect its encoding and delimiter) and then the whole column, which
for a file of 100,000 rows takes a moment the window must not freeze for.
A file that cannot be used is not a bug: its message (naming the file, sheet
or column) is shown on the screen, not reported as a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QFileDialog, QWidget

from msp_desk.bulk.files import open_table, read_ids
from msp_desk.bulk.ids import OrderIds
from msp_desk.bulk.tables import TableError, TableKind, TablePreview
from msp_desk.ui.bulk.column_chooser import ColumnChooser

if TYPE_CHECKING:
    from msp_desk.ui.services.operations import Operations

T = TypeVar("T")
FILE_TYPES = "Spreadsheets (*.csv *.xlsx *.xlsm *.txt *.tsv);;All files (*)"
LANE = "import"


@dataclass(frozen=True)
class FileProblem:
    """Why a file cannot be used, in a sentence that names it."""

    message: str


def readable(path: Path, read: Callable[[], T]) -> T | FileProblem:
    """``read()``, with a file that cannot be used turned into a :class:`FileProblem`."""
    try:
        return read()
    except TableError as error:
        return FileProblem(str(error))
    except OSError as error:
        return FileProblem(f"{path.name} cannot be read: {error.strerror or error}.")


class ImportFile:
    """One import, from the file dialog to the ids in the paste box."""

    def __init__(
        self,
        parent: QWidget,
        ops: Operations,
        *,
        on_ids: Callable[[OrderIds, str], None],
        on_message: Callable[[str, bool], None],
    ) -> None:
        self._parent = parent
        self._ops = ops
        self._on_ids = on_ids
        self._on_message = on_message  # (text, is_error)
        self.folder = str(Path.home())
        self.dialog: ColumnChooser | None = None

    def start(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self._parent, "Import order ids from a file", self.folder, FILE_TYPES
        )
        if name:
            self.open(Path(name))

    def open(self, path: Path) -> None:
        """Preview ``path`` and ask for the column."""
        self.folder = str(path.parent)
        self._on_message(f"Reading {path.name}…", False)
        self._ops.run(
            lambda _ctx: readable(path, lambda: open_table(path)),
            name=f"Read {path.name}",
            lane=LANE,
            on_success=self._previewed,
            on_failure=lambda failure: self._on_message(failure.message, True),
        )

    def _previewed(self, table: TablePreview | FileProblem) -> None:
        if isinstance(table, FileProblem):
            self._on_message(table.message, True)
            return
        self._on_message("", False)
        dialog = ColumnChooser(table, self._parent)
        dialog.reload_requested.connect(self._reload)
        dialog.accepted.connect(self._chosen)
        self.dialog = dialog
        dialog.open()

    def _reload(self, sheet: str | None, has_header: bool | None) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        path = dialog.table.path

        def shown(table: TablePreview | FileProblem) -> None:
            if self.dialog is not dialog:
                return
            if isinstance(table, FileProblem):
                dialog.show_problem(table.message)
            else:
                dialog.show_table(table)

        self._ops.run(
            lambda _ctx: readable(path, lambda: open_table(path, sheet=sheet, has_header=has_header)),
            name=f"Read {path.name}",
            lane=LANE,
            on_success=shown,
            on_failure=lambda failure: dialog.show_problem(failure.message),
        )

    def _chosen(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is None:
            return
        table, column = dialog.table, dialog.chosen_column()
        if column is None:
            return
        source = f"{table.path.name}, column “{column}”"
        if table.kind is TableKind.XLSX and len(table.sheets) > 1:
            source += f" of sheet “{table.sheet}”"
        self._on_message(f"Reading the order ids from {table.path.name}…", False)

        def read(table: TablePreview = table, column: str = column) -> OrderIds:
            return read_ids(table, column)

        self._ops.run(
            lambda _ctx: readable(table.path, read),
            name=f"Read the order ids from {table.path.name}",
            lane=LANE,
            on_success=lambda ids: self._read(ids, source),
            on_failure=lambda failure: self._on_message(failure.message, True),
        )

    def _read(self, ids: OrderIds | FileProblem, source: str) -> None:
        if isinstance(ids, FileProblem):
            self._on_message(ids.message, True)
            return
        if ids.ids:
            self._on_message("", False)
        else:
            self._on_message(f"There are no order ids in {source}.", True)
        self._on_ids(ids, source)
