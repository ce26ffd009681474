"""Importing ids from CSV files as spreadsheets save them, and from .xlsx workbooks."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import openpyxl
import pytest

from msp_desk.bulk.files import open_table, read_ids
from msp_desk.bulk.ids import SkipReason
from msp_desk.bulk.tables import TableError, TableKind

ROWS = [
    ["order_id", "Klant", "Bedrag", "Opmerking"],
    ["ORD-1", "Café Zoë", "€ 10,00", "déjà vu"],
    ["ORD-2", "Renée", "€ 5,50", "met; puntkomma, en komma"],
    ["", "leeg", "", ""],
    ["ORD-1", "Dubbel", "€ 1,00", ""],
    ["ORD-3", "Müller", "€ 7,25", "straße"],
]
ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "cp1252": "cp1252"}
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def write_csv(path: Path, rows: list[list[str]], delimiter: str, encoding: str) -> Path:
    import csv
    import io

    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_csv_in_each_encoding_and_delimiter(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = write_csv(tmp_path / "orders.csv", ROWS, DELIMITERS[delimiter], encoding)
    table = open_table(path)
    assert table.kind is TableKind.CSV
    assert table.encoding == ENCODINGS[encoding]
    assert table.delimiter == DELIMITERS[delimiter]
    assert table.columns == tuple(ROWS[0])
    assert table.rows[0] == tuple(ROWS[1])  # é and € read rightly in the other columns
    assert table.rows[1][3] == "met; puntkomma, en komma"
    assert table.default_column == "order_id"

    got = read_ids(table)
    assert got.ids == ("ORD-1", "ORD-2", "ORD-3")
    assert got.rows == (2, 3, 6)
    assert [(s.row, s.reason) for s in got.skipped] == [(4, SkipReason.BLANK), (5, SkipReason.DUPLICATE)]


@pytest.mark.parametrize(
    "header", ["order_id", "Order ID", "orderid", "transactionid", "ORDER-ID", "Ordernummer"]
)
def test_the_id_column_is_found_by_its_name(tmp_path: Path, header: str) -> None:
    path = write_csv(tmp_path / "x.csv", [["name", header, "amount"], ["Zoë", "A-1", "1"]], ",", "utf-8")
    table = open_table(path)
    assert table.default_column == header
    assert read_ids(table).ids == ("A-1",)


def test_order_id_wins_over_transaction_id(tmp_path: Path) -> None:
    rows = [["transaction_id", "order_id"], ["12345678", "A-1"], ["12345679", "A-2"]]
    table = open_table(write_csv(tmp_path / "x.csv", rows, ";", "utf-8"))
    assert table.default_column == "order_id"


def test_a_column_chosen_by_name_any_case_or_number(tmp_path: Path) -> None:
    rows = [["ref", "Other Ref"], ["A-1", "B-1"], ["A-2", "B-2"]]
    table = open_table(write_csv(tmp_path / "x.csv", rows, ",", "utf-8"))
    assert table.default_column is None
    assert read_ids(table, "Other Ref").ids == ("B-1", "B-2")
    assert read_ids(table, "other ref").ids == ("B-1", "B-2")
    assert read_ids(table, "1").ids == ("A-1", "A-2")


def test_a_wrong_column_lists_the_columns(tmp_path: Path) -> None:
    table = open_table(write_csv(tmp_path / "orders.csv", ROWS, ",", "utf-8"))
    with pytest.raises(TableError) as caught:
        read_ids(table, "order")
    assert str(caught.value) == (
        "orders.csv has no column “order”; its columns are “order_id”, “Klant”, “Bedrag”, “Opmerking”."
    )


def test_without_an_id_column_the_columns_are_listed(tmp_path: Path) -> None:
    table = open_table(write_csv(tmp_path / "x.csv", [["a", "b"], ["1", "2"]], ",", "utf-8"))
    with pytest.raises(TableError, match="no column named like order_id; choose one of “a”, “b”"):
        read_ids(table)


def test_a_single_column_of_ids_without_a_header(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("ORD-0001\nORD-0002\nORD-0003\n")
    table = open_table(path)
    assert (table.has_header, table.columns, table.default_column) == (False, ("Column 1",), "Column 1")
    assert read_ids(table).rows == (1, 2, 3)
    assert read_ids(open_table(path, has_header=True)).ids == ("ORD-0002", "ORD-0003")


def test_an_empty_file(tmp_path: Path) -> None:
    for content in (b"", b"\r\n\r\n", b"\xef\xbb\xbf"):
        path = tmp_path / "empty.csv"
        path.write_bytes(content)
        with pytest.raises(TableError, match=r"^empty\.csv is empty\.$"):
            open_table(path)


def test_a_header_without_rows_has_no_ids(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("order_id,name\n")
    assert read_ids(open_table(path)).ids == ()


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="does not exist"):
        open_table(tmp_path / "nope.csv")


def test_utf16_unicode_text_from_excel(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "unicode.txt", ROWS, "\t", "utf-16")
    table = open_table(path)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert read_ids(table).ids == ("ORD-1", "ORD-2", "ORD-3")


def test_windows_1252_text_far_down_a_long_file(tmp_path: Path) -> None:
    rows = [["order_id", "note"]] + [[f"A-{i}", "plain"] for i in range(5000)] + [["A-x", "Crème brûlée €"]]
    table = open_table(write_csv(tmp_path / "late.csv", rows, ";", "cp1252"))
    assert table.encoding == "cp1252"
    assert len(read_ids(table)) == 5001


def test_100000_lines_import_with_a_small_preview(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("transactionid;amount;note\r\n")
        file.writelines(f"ord-{i:06d};{i};some text that makes the line longer\r\n" for i in range(100_000))
    assert path.stat().st_size > 4_000_000

    tracemalloc.start()
    try:
        table = open_table(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # the preview never holds the file
    assert len(table.rows) == 10
    got = read_ids(table)
    assert len(got) == 100_000
    assert (got.ids[-1], got.rows[-1]) == ("ord-099999", 100_001)


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_first_sheet_by_default_and_a_chosen_sheet(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "orders.xlsx",
        {
            "Notes": [["made by", "support"]],
            "Orders": [["Klant", "Order ID"], ["Zoë", 10001], ["Renée", "A-2"], [None, None], ["x", 10001.0]],
        },
    )
    first = open_table(path)
    assert (first.kind, first.sheet, first.sheets) == (TableKind.XLSX, "Notes", ("Notes", "Orders"))

    table = open_table(path, sheet="orders")
    assert (table.sheet, table.columns, table.default_column) == ("Orders", ("Klant", "Order ID"), "Order ID")
    assert table.rows[0] == ("Zoë", "10001")  # a number cell reads as people see it
    got = read_ids(table)
    assert got.ids == ("10001", "A-2")
    assert [(s.row, s.reason) for s in got.skipped] == [(4, SkipReason.BLANK), (5, SkipReason.DUPLICATE)]


def test_xlsx_wrong_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = workbook(tmp_path / "orders.xlsx", {"Januari": [["order_id"]], "Februari": [["order_id"]]})
    with pytest.raises(TableError) as caught:
        open_table(path, sheet="Maart")
    assert str(caught.value) == "orders.xlsx has no sheet “Maart”; its sheets are “Januari”, “Februari”."


def test_xlsx_trailing_formatted_rows_are_not_reported(tmp_path: Path) -> None:
    rows: list[list[object]] = [["order_id"], ["A-1"], ["A-2"]] + [[None]] * 50
    got = read_ids(open_table(workbook(tmp_path / "w.xlsx", {"S": rows})))
    assert (got.ids, got.skipped) == (("A-1", "A-2"), ())


def test_a_workbook_is_recognised_by_content_and_a_broken_one_is_named(tmp_path: Path) -> None:
    renamed = workbook(tmp_path / "w.xlsx", {"S": [["order_id"], ["A-1"]]}).rename(tmp_path / "export.dat")
    assert open_table(renamed).kind is TableKind.XLSX
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(TableError, match=r"broken\.xlsx cannot be read as an Excel workbook"):
        open_table(broken)


def test_a_sheet_for_a_csv_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ROWS, ",", "utf-8")
    with pytest.raises(TableError, match="not an Excel workbook"):
        open_table(path, sheet="Orders")
