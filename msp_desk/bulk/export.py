"""A bulk lookup's results as CSV, .xlsx or tab-separated text for the clipboard, one row per input id.

Only these columns are written, so nothing secret can reach the file: no key,
no customer or card data. Every text cell that a spreadsheet would take for a
formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) gets a leading apostrophe, as OWASP advises against CSV injection:
order ids are chosen by merchants and reasons come from the server, so
``=HYPERLINK(...)`` in either must arrive as text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from msp_desk.bulk.results import LookupResult
from msp_desk.core.money import exponent

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

COLUMNS = ("order_id", "status", "financial_status", "amount", "currency", "created", "reason", "error")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
_FORMULA_SIGNS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
_SPACES = " \u00a0\u3000"
_SURROGATE = re.compile("[\ud800-\udfff]")
XLSX_SHEET = "Orders"


@dataclass(frozen=True)
class ExportRow:
    """One line of the export; ``amount`` in major units with the currency's decimals."""

    order_id: str
    status: str = ""
    financial_status: str = ""
    amount: Decimal | None = None
    currency: str = ""
    created: datetime | None = None
    reason: str = ""
    error: str = ""

    def texts(self) -> list[str]:
        """The cells as text, formula-safe: what CSV and the clipboard get."""
        amount = "" if self.amount is None else f"{self.amount:f}"
        created = "" if self.created is None else self.created.isoformat(sep=" ")
        cells = (self.order_id, self.status, self.financial_status, amount, self.currency, created)
        return [neutralise(cell) for cell in (*cells, self.reason, self.error)]


def export_rows(results: Sequence[LookupResult]) -> list[ExportRow]:
    rows = []
    for result in results:
        order = result.order
        if order is None:
            rows.append(ExportRow(result.order_id, error=result.reason))
            continue
        currency = order.currency or ""
        amount = None
        if order.amount is not None:
            # Decimal: 1230 cents are "12.30", and no amount is rounded the way a float would round it.
            amount = Decimal(order.amount).scaleb(-exponent(currency))
        rows.append(
            ExportRow(
                result.order_id,
                order.status or "",
                order.financial_status or "",
                amount,
                currency,
                order.created,
                order.reason or "",
            )
        )
    return rows


def whole(cell: str) -> str:
    """``cell`` with each lone surrogate as �: a server may send one (``"\\ud800"`` in JSON), and no
    file or clipboard can hold it, so one odd reason would otherwise fail the whole export."""
    return _SURROGATE.sub("\ufffd", cell)


def neutralise(cell: str) -> str:
    """``cell`` with an apostrophe in front when a spreadsheet could read it as a formula.

    Besides OWASP's starts: the null character (OWASP ASVS 1.2.10) and a line feed,
    and a formula start after spaces (some spreadsheets trim them) or in its
    full-width form (U+FF1D and its neighbours), as a precaution that costs nothing.
    """
    if cell.startswith(FORMULA_STARTS) or cell.lstrip(_SPACES).startswith(_FORMULA_SIGNS):
        return "'" + cell
    return cell


def write_csv(results: Sequence[LookupResult], target: TextIO) -> None:
    """Comma-separated, quoted where needed; the caller opens ``target`` with ``newline=""``."""
    writer = csv.writer(target)
    writer.writerow(COLUMNS)
    writer.writerows([whole(cell) for cell in row.texts()] for row in export_rows(results))


def save_csv(results: Sequence[LookupResult], path: Path) -> None:
    """UTF-8 with a byte-order mark, which Excel needs to show é and € rightly when it opens the file."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        write_csv(results, file)


def clipboard_text(results: Sequence[LookupResult]) -> str:
    """Tab-separated with a header line, as spreadsheets paste it into cells."""
    text = io.StringIO()
    writer = csv.writer(text, dialect=csv.excel_tab, lineterminator="\n")
    writer.writerow(COLUMNS)
    # A cell's own line breaks as \n too: with "\n" as the line end the csv module quotes a cell
    # holding \n but not one holding a lone \r, which a spreadsheet would then split into a new
    # row, starting with whatever followed the \r (a formula, perhaps).
    writer.writerows([_plain_newlines(whole(cell)) for cell in row.texts()] for row in export_rows(results))
    return text.getvalue()


def _plain_newlines(cell: str) -> str:
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def save_xlsx(results: Sequence[LookupResult], path: Path) -> None:
    """Amounts as numbers with the currency's decimals and times as dates, to sum and sort by."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(XLSX_SHEET)
    sheet.append(list(COLUMNS))
    for row in export_rows(results):
        cells: list[object] = [_storable(text) for text in row.texts()]
        if row.amount is not None:
            places = -int(row.amount.as_tuple().exponent)
            # Excel keeps every number as a double anyway; amounts up to 10^11 cents stay exact to the cent.
            cells[3] = _cell(sheet, float(row.amount), "0." + "0" * places if places > 0 else "0")
        if row.created is not None:
            cells[5] = _cell(sheet, row.created, "yyyy-mm-dd hh:mm:ss")
        sheet.append(cells)
    book.save(path)


def _storable(text: str) -> str:
    """``text`` without the control characters an .xlsx cannot hold (openpyxl refuses them): each becomes �.

    They come from order ids pasted with stray bytes and from servers' reasons; a
    cell keeps the rest of its text rather than failing the whole export.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", whole(text))


def _cell(sheet: WriteOnlyWorksheet, value: float | datetime, number_format: str) -> WriteOnlyCell:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell
