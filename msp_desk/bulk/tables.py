"""What both kinds of spreadsheet file have in common: a preview, its header row and the id column."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

PREVIEW_ROWS = 10

# Header names of an order-id column, without case, spaces or punctuation, most likely first.
# MultiSafepay itself calls the order id "transactionid" in notification and redirect URLs.
ID_COLUMN_NAMES = (
    "orderid",
    "transactionid",
    "ordernumber",
    "ordernr",
    "orderno",
    "ordernummer",
    "bestelnummer",
)


# How a person names what was detected: Excel's own words for its CSV flavours.
_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with byte-order mark",
    "utf-16": "UTF-16 (Unicode text)",
    "cp1252": "Windows-1252",
}
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


class TableError(ValueError):
    """The file cannot be used as it is; the message says why, naming the file, sheet or column."""


class TableKind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class TablePreview:
    """The first rows of a file, and what was detected about it.

    ``columns`` are the header's names (``Column 1``, ``Column 2``, … without
    a header row). Row numbers count like a spreadsheet: the first row is 1.
    """

    path: Path
    kind: TableKind
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    has_header: bool
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    dialect: type[csv.Dialect] | csv.Dialect | None = field(default=None, repr=False, compare=False)

    @property
    def detected(self) -> str:
        """What was found out about the file, e.g. ``Windows-1252, separated by semicolons``."""
        if self.kind is TableKind.XLSX:
            return f"Excel workbook, sheet “{self.sheet}”"
        encoding = self.encoding or "unknown encoding"
        words = [_ENCODING_NAMES.get(encoding.lower(), encoding)]
        if self.delimiter is not None and len(self.columns) > 1:
            words.append("separated by " + _DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter)))
        return ", ".join(words)

    @property
    def default_column(self) -> str | None:
        """The column named like an order id; the only column of a one-column file; else None."""
        ranks = [_id_column_rank(name) for name in self.columns] if self.has_header else []
        ranked = [(rank, i) for i, rank in enumerate(ranks) if rank is not None]
        if ranked:
            return self.columns[min(ranked)[1]]
        return self.columns[0] if len(self.columns) == 1 else None

    def column_index(self, name: str) -> int:
        """Exact name first, then ignoring case, spaces and punctuation, then a 1-based column number."""
        wanted = name.strip()
        if wanted in self.columns:
            return self.columns.index(wanted)
        loose = [_normalised(c) for c in self.columns]
        if _normalised(wanted) and _normalised(wanted) in loose:
            return loose.index(_normalised(wanted))
        if re.fullmatch(r"[0-9]{1,6}", wanted) and 1 <= int(wanted) <= len(self.columns):
            return int(wanted) - 1
        listed = ", ".join(f"“{c}”" for c in self.columns)
        raise TableError(f"{self.path.name} has no column “{wanted}”; its columns are {listed}.")

    def choose_column(self, name: str | None) -> int:
        """The named column, else the default one; a TableError listing the columns if neither."""
        if name is not None:
            return self.column_index(name)
        default = self.default_column
        if default is None:
            listed = ", ".join(f"“{c}”" for c in self.columns)
            raise TableError(f"{self.path.name} has no column named like order_id; choose one of {listed}.")
        return self.columns.index(default)


def _normalised(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def _id_column_rank(name: str) -> int | None:
    key = _normalised(name)
    return ID_COLUMN_NAMES.index(key) if key in ID_COLUMN_NAMES else None


def build_preview(
    path: Path,
    kind: TableKind,
    first_rows: list[list[str]],
    has_header: bool | None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    sheets: tuple[str, ...] = (),
    dialect: type[csv.Dialect] | csv.Dialect | None = None,
) -> TablePreview:
    """Shared by both readers: decide on the header row and name the columns."""
    if not first_rows:
        raise TableError(f"{path.name} is empty.")
    if has_header is None:
        has_header = looks_like_header(first_rows)
    width = max(len(row) for row in first_rows)
    header = first_rows[0] if has_header else []
    columns = tuple((header[i].strip() if i < len(header) else "") or f"Column {i + 1}" for i in range(width))
    data = first_rows[1:] if has_header else first_rows
    rows = tuple(tuple(row) + ("",) * (width - len(row)) for row in data)
    return TablePreview(path, kind, columns, rows, has_header, encoding, delimiter, sheet, sheets, dialect)


def looks_like_header(first_rows: list[list[str]]) -> bool:
    """Whether the first row names the columns.

    A column named like an order id settles it. Otherwise order ids nearly
    always contain digits and column names nearly never do, so a first row
    without digits above rows with digits is a header. ``csv.Sniffer``'s guess,
    from the types and lengths of the cells below, has the last word.
    """
    first, below = first_rows[0], first_rows[1:]
    if any(_id_column_rank(cell) is not None for cell in first):
        return True
    if not below:
        return False
    with_digits = sum(1 for row in below if any(_has_digit(cell) for cell in row))
    if not any(_has_digit(cell) for cell in first) and with_digits * 2 > len(below):
        return True
    text = io.StringIO()
    csv.writer(text).writerows(first_rows)
    try:
        return csv.Sniffer().has_header(text.getvalue())
    except csv.Error:  # one column: the sniffer cannot tell its delimiter, and guesses nothing
        return False


def _has_digit(cell: str) -> bool:
    return any(c.isdigit() for c in cell)
