"""Order ids from a file, CSV or Excel: a preview to choose the column from, then that column's ids.

``open_table`` reads only what the preview needs (the first rows; for a CSV
also a sample to detect its encoding and delimiter), so a screen can show it
at once however long the file is. ``read_ids`` then streams the chosen column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from msp_desk.bulk import csv_files, workbooks
from msp_desk.bulk.ids import OrderIds, collect
from msp_desk.bulk.tables import PREVIEW_ROWS, TableError, TableKind, TablePreview


def open_table(
    path: Path, *, sheet: str | None = None, has_header: bool | None = None, preview_rows: int = PREVIEW_ROWS
) -> TablePreview:
    """Preview a CSV or .xlsx file; ``has_header`` None means: detect whether the first row names columns."""
    if not path.is_file():
        raise TableError(f"{path} does not exist or is not a file.")
    if workbooks.is_workbook(path):
        return workbooks.preview(path, sheet=sheet, has_header=has_header, preview_rows=preview_rows)
    if sheet is not None:
        raise TableError(f"{path.name} is not an Excel workbook, so it has no sheet “{sheet}”.")
    return csv_files.preview(path, has_header=has_header, preview_rows=preview_rows)


def read_ids(table: TablePreview, column: str | None = None) -> OrderIds:
    """Every id in the column (the default one when None), cleaned as ``ids.collect`` does."""
    index = table.choose_column(column)
    records = workbooks.records(table) if table.kind is TableKind.XLSX else csv_files.records(table)
    return collect(_cells(records, index, skip=1 if table.has_header else 0))


def _cells(records: Iterable[Sequence[str]], index: int, *, skip: int) -> Iterator[tuple[int, str]]:
    for row, record in enumerate(records, 1):
        if row > skip:
            yield row, record[index] if index < len(record) else ""
