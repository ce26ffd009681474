"""Hand the result back to the merchant: a CSV file or a workbook, or the rows on the clipboard.

Everything goes through ``msp_desk.bulk.export``, the same code as
``msp-desk lookup --csv``, so the file from the window and the file from the
command line are the same bytes: one row per input id, in input order, with
the error column, formula-safe, and nothing secret.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from msp_desk.bulk.export import clipboard_text, save_csv, save_xlsx
from msp_desk.bulk.results import LookupResult

if TYPE_CHECKING:
    from msp_desk.ui.services.operations import Operations

CSV_TYPE = "CSV file (*.csv)"
XLSX_TYPE = "Excel workbook (*.xlsx)"
DEFAULT_NAME = "order-status.csv"
LANE = "export"


def target_path(name: str, chosen_type: str) -> Path:
    """The name as typed; without a suffix, the one of the file type chosen in the dialog."""
    path = Path(name)
    if path.suffix.lower() in (".csv", ".xlsx", ".txt"):
        return path
    return path.with_name(path.name + (".xlsx" if chosen_type == XLSX_TYPE else ".csv"))


class ExportResults:
    """Save the results where the person says, as CSV or .xlsx by the file name, on a worker."""

    def __init__(self, parent: QWidget, ops: Operations, on_message: Callable[[str, bool], None]) -> None:
        self._parent = parent
        self._ops = ops
        self._on_message = on_message  # (text, is_error)
        self.folder = Path.home()

    def start(self, results: Sequence[LookupResult]) -> None:
        name, chosen_type = QFileDialog.getSaveFileName(
            self._parent,
            "Export the results",
            str(self.folder / DEFAULT_NAME),
            f"{CSV_TYPE};;{XLSX_TYPE}",
        )
        if name:
            self.save(list(results), target_path(name, chosen_type))

    def save(self, results: list[LookupResult], path: Path) -> None:
        self.folder = path.parent
        save = save_xlsx if path.suffix.lower() == ".xlsx" else save_csv

        def job(_ctx: object) -> str | None:
            try:
                save(results, path)
            except OSError as error:
                return f"Cannot write {path.name}: {error.strerror or error}."
            return None

        def done(problem: str | None) -> None:
            if problem is not None:
                self._on_message(problem, True)
            else:
                noun = "order" if len(results) == 1 else "orders"
                self._on_message(f"Saved {len(results):,} {noun} to {path}.", False)

        self._on_message(f"Saving {path.name}…", False)
        self._ops.run(
            job,
            name=f"Save {path.name}",
            lane=LANE,
            keep=True,  # a file half made is worse than one the person no longer waits for
            on_success=done,
            on_failure=lambda failure: self._on_message(failure.message, True),
        )


def copy_results(results: Sequence[LookupResult]) -> int:
    """The rows as tab-separated text with a header line, which pastes into spreadsheet cells."""
    QGuiApplication.clipboard().setText(clipboard_text(results))
    return len(results)
