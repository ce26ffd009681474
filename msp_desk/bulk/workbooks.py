"""Excel workbooks (.xlsx), read with openpyxl in read-only mode: rows stream from the file.

Cells are turned into text the way a person sees them, so an order id that
Excel stored as the number 10001 is "10001", not "10001.0".
"""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from msp_desk.bulk.tables import TableError, TableKind, TablePreview, build_preview

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

ZIP_MAGIC = b"PK\x03\x04"
SUFFIXES = (".xlsx", ".xlsm")


def is_workbook(path: Path) -> bool:
    """By name, or by content: an .xlsx is a zip file, which a CSV never starts like."""
    if path.suffix.lower() in SUFFIXES:
        return True
    with path.open("rb") as file:
        return file.read(4) == ZIP_MAGIC


def preview(path: Path, *, sheet: str | None, has_header: bool | None, preview_rows: int) -> TablePreview:
    with _opened(path) as book, _readable(path):
        name = _sheet_name(path, book.sheetnames, sheet)
        rows = book[name].iter_rows(max_row=preview_rows + 1, values_only=True)
        first = _without_trailing_empties([[cell_text(value) for value in row] for row in rows])
        sheets = tuple(book.sheetnames)
    if not first:
        raise TableError(f"Sheet “{name}” of {path.name} is empty.")
    return build_preview(path, TableKind.XLSX, first, has_header, sheet=name, sheets=sheets)


def records(table: TablePreview) -> Iterator[list[str]]:
    assert table.sheet is not None
    with _opened(table.path) as book, _readable(table.path):
        for row in book[table.sheet].iter_rows(values_only=True):
            yield [cell_text(value) for value in row]


@contextmanager
def _opened(path: Path) -> Iterator[Workbook]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # An open file rather than the path: openpyxl refuses names not ending in .xlsx, and a
    # workbook recognised by its content may be called anything.
    with path.open("rb") as file:
        try:
            # data_only: a formula cell's last computed value, not its formula text.
            book = load_workbook(file, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise _unreadable(path, exc) from None
        except Exception as exc:
            raise _unreadable(path, exc) from None
        try:
            yield book
        finally:
            book.close()


@contextmanager
def _readable(path: Path) -> Iterator[None]:
    """Whatever openpyxl raises on a damaged part of the file becomes a TableError naming the file.

    A workbook is a zip of XML parts, and openpyxl reads the sheets lazily: a part that
    is cut short or not XML fails while rows are read, with the XML parser's, zlib's or
    openpyxl's own exception (ParseError, zlib.error, TypeError, ...), not one type.
    """
    try:
        yield
    except TableError:
        raise
    except Exception as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: BaseException) -> TableError:
    return TableError(
        f"{path.name} cannot be read as an Excel workbook (.xlsx): {type(exc).__name__}. "
        "Older .xls files must be saved as .xlsx or CSV first."
    )


def _sheet_name(path: Path, names: list[str], wanted: str | None) -> str:
    if not names:
        raise TableError(f"{path.name} has no sheets.")
    if wanted is None:
        return names[0]
    for candidate in (wanted, wanted.strip()):
        if candidate in names:
            return candidate
    folded = [n.casefold() for n in names]
    if wanted.strip().casefold() in folded:
        return names[folded.index(wanted.strip().casefold())]
    listed = ", ".join(f"“{n}”" for n in names)
    raise TableError(f"{path.name} has no sheet “{wanted}”; its sheets are {listed}.")


def _without_trailing_empties(rows: list[list[str]]) -> list[list[str]]:
    # Read-only sheets pad rows to the sheet's width; drop the empty tail of each and empty rows at the end.
    trimmed = [list(itertools.dropwhile(lambda v: v == "", reversed(row)))[::-1] for row in rows]
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return [row or [""] for row in trimmed]


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
