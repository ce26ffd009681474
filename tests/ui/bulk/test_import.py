"""Importing ids from the files merchants send: the column chooser, workbooks, files that cannot be used."""

from __future__ import annotations

import csv
import os
import threading
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QFileDialog

from msp_desk.ui.bulk.column_chooser import ColumnChooser
from msp_desk.ui.bulk.page import BulkPage
from msp_desk.ui.services.context import AppContext
from tests.bulk.conftest import RequestLog
from tests.ui.bulk.conftest import Sandbox, run_to_end, shown_rows
from tests.ui.conftest import click


def write_cp1252(path: Path, rows: list[list[str]]) -> Path:
    """What Excel saves as "CSV" on a Dutch Windows: Windows-1252, semicolons, CRLF."""
    with path.open("w", encoding="cp1252", newline="") as file:
        csv.writer(file, delimiter=";", lineterminator="\r\n").writerows(rows)
    return path


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The person picks ``path`` in the file dialog."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))


def open_chooser(qtbot, page: BulkPage) -> ColumnChooser:
    qtbot.keyClick(page, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)  # Ctrl+O imports
    qtbot.waitUntil(
        lambda: page.importer.dialog is not None and page.importer.dialog.isVisible(), timeout=10_000
    )
    dialog = page.importer.dialog
    assert dialog is not None
    return dialog


def preview_cells(dialog: ColumnChooser) -> list[list[str]]:
    table = dialog.preview
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_csv_import_with_the_column_chooser(
    qtbot,
    page: BulkPage,
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    requests_seen: RequestLog,
) -> None:
    sandbox.create_orders(["imp-1", "imp-2", "imp-3"])
    source = write_cp1252(
        tmp_path / "bestellingen.csv",
        [
            ["Klant", "Referentie", "Bedrag"],
            ["Café Zoë", "imp-1", "€ 10,00"],
            ["Renée", "imp-2", "€ 5,50"],
            ["Müller", "", "€ 1,00"],
            ["Dubbel", "imp-1", "€ 1,00"],
            ["Straße", "imp-3", "€ 7,25"],
            ["Nieuw", "imp-404", "€ 2,00"],
        ],
    )
    choose_file(monkeypatch, source)
    dialog = open_chooser(qtbot, page)

    # What was detected, the first rows as the spreadsheet numbers them, and no column guessed.
    assert dialog.about.text() == "bestellingen.csv: Windows-1252, separated by semicolons."
    assert [dialog.preview.horizontalHeaderItem(c).text() for c in range(3)] == [
        "Klant",
        "Referentie",
        "Bedrag",
    ]
    assert preview_cells(dialog)[0] == ["Café Zoë", "imp-1", "€ 10,00"]
    assert dialog.preview.verticalHeaderItem(0).text() == "2"
    assert dialog.header_check.isChecked()
    assert not dialog.sheet_combo.isVisible()
    assert dialog.column_combo.currentIndex() == -1
    assert not dialog.use_button.isEnabled()
    assert dialog.problem.text() == "No column is named like order_id: choose the one that holds the ids."

    # A click on the second column's title chooses it.
    header = dialog.preview.horizontalHeader()
    x = header.sectionViewportPosition(1) + header.sectionSize(1) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert dialog.column_combo.currentText() == "Referentie"
    assert dialog.use_button.isEnabled()
    click(qtbot, dialog.use_button)

    qtbot.waitUntil(lambda: len(page.input.ids()) == 4, timeout=10_000)
    assert page.input.box.toPlainText() == "imp-1\nimp-2\nimp-3\nimp-404"
    assert page.input.count.text() == "4 order ids to look up from bestellingen.csv, column “Referentie”."
    skipped = [page.input.skipped.item(i).text() for i in range(page.input.skipped.count())]
    assert skipped == ["row 4: blank", "row 5: imp-1 is a duplicate of row 2"]
    assert page.input.ids().rows == (2, 3, 6, 7)

    run_to_end(qtbot, page)
    rows = shown_rows(page)
    assert [(r["Row"], r["Order ID"], r["Status"], r["Error"]) for r in rows] == [
        ("2", "imp-1", "initialized", ""),
        ("3", "imp-2", "initialized", ""),
        ("6", "imp-3", "initialized", ""),
        ("7", "imp-404", "", "not found (1006)"),
    ]
    assert sorted(requests_seen.per_id()) == ["imp-1", "imp-2", "imp-3", "imp-404"]

    # Editing the box afterwards makes it a paste: lines count, not the file's rows.
    page.input.box.setFocus()
    qtbot.keyClick(page.input.box, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.input.box, Qt.Key.Key_Return)
    qtbot.keyClicks(page.input.box, "imp-2")
    assert page.input.ids().ids == ("imp-1", "imp-2", "imp-3", "imp-404")
    assert page.input.skipped.item(0).text() == "line 5: imp-2 is a duplicate of line 2"


def test_a_workbook_sheet_is_chosen_and_the_id_column_found_by_name(
    qtbot, page: BulkPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Cover"
    cover.append(["Orders of May, exported by the shop"])
    sheet = book.create_sheet("Export")
    sheet.append(["Datum", "Order ID", "Bedrag"])
    sheet.append(["2026-05-01", 10001, 12.5])  # a number cell reads as the merchant sees it
    sheet.append(["2026-05-02", "ORD-2", 3])
    path = tmp_path / "mei.xlsx"
    book.save(path)
    choose_file(monkeypatch, path)
    dialog = open_chooser(qtbot, page)
    assert dialog.about.text() == "mei.xlsx: Excel workbook, sheet “Cover”."
    assert dialog.sheet_combo.isVisible()
    assert [dialog.sheet_combo.itemText(i) for i in range(2)] == ["Cover", "Export"]

    dialog.sheet_combo.setFocus()
    qtbot.keyClick(dialog.sheet_combo, Qt.Key.Key_Down)  # the next sheet, read again on a worker
    assert not dialog.use_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.table.sheet == "Export", timeout=10_000)
    assert dialog.sheet_combo.hasFocus()
    assert dialog.about.text() == "mei.xlsx: Excel workbook, sheet “Export”."
    assert dialog.column_combo.currentText() == "Order ID"  # chosen by its name
    assert preview_cells(dialog)[0] == ["2026-05-01", "10001", "12.5"]
    assert dialog.use_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter takes the column chosen

    qtbot.waitUntil(lambda: len(page.input.ids()) == 2, timeout=10_000)
    assert page.input.ids().ids == ("10001", "ORD-2")
    assert (
        page.input.count.text()
        == "2 order ids to look up from mei.xlsx, column “Order ID” of sheet “Export”."
    )


def test_without_a_header_row_the_columns_are_numbered(
    qtbot, page: BulkPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_cp1252(tmp_path / "kaal.csv", [["n-1", "a"], ["n-2", "b"], ["n-3", "c"]])
    choose_file(monkeypatch, path)
    dialog = open_chooser(qtbot, page)
    assert not dialog.header_check.isChecked()
    assert [dialog.column_combo.itemText(i) for i in range(2)] == ["Column 1", "Column 2"]
    assert dialog.preview.verticalHeaderItem(0).text() == "1"
    dialog.column_combo.setCurrentIndex(0)
    click(qtbot, dialog.use_button)
    qtbot.waitUntil(lambda: len(page.input.ids()) == 3, timeout=10_000)
    assert page.input.ids().rows == (1, 2, 3)


def test_a_file_that_cannot_be_used_is_a_message_not_a_crash(
    qtbot, page: BulkPage, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashes: list[str] = []
    context.events.unexpected.connect(lambda what, _error: crashes.append(what))
    empty = tmp_path / "leeg.csv"
    empty.write_bytes(b"")
    choose_file(monkeypatch, empty)
    qtbot.keyClick(page, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.message.kind == "error", timeout=10_000)
    assert page.message.text() == "⚠ leeg.csv is empty."

    old_excel = tmp_path / "oud.xlsx"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)  # an .xls saved under a new name
    choose_file(monkeypatch, old_excel)
    qtbot.keyClick(page, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "⚠ oud.xlsx" in page.message.text(), timeout=10_000)
    assert "cannot be read as an Excel workbook (.xlsx)" in page.message.text()
    assert "Older .xls files must be saved as .xlsx or CSV first." in page.message.text()
    assert page.importer.dialog is None
    assert crashes == []


def test_a_big_file_is_read_off_the_window_thread(
    qtbot, page: BulkPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 100_000
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("order_id,amount\n")
        file.writelines(f"BIG-{i:06d},10.00\n" for i in range(count))
    choose_file(monkeypatch, path)
    dialog = open_chooser(qtbot, page)
    assert dialog.column_combo.currentText() == "order_id"

    # The column is read again from a pipe that gives nothing until the
    # window has been seen ticking: a reader on the window's thread would
    # hang it here, whatever the machine's speed.
    content = path.read_bytes()
    path.unlink()
    os.mkfifo(path)
    ticks_while_reading: list[bool] = []
    heartbeat = QTimer(page)
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: ticks_while_reading.append(page.ops.busy("import")))
    heartbeat.start()
    writer = threading.Thread(target=path.write_bytes, args=(content,))
    click(qtbot, dialog.use_button)
    try:
        qtbot.waitUntil(lambda: ticks_while_reading.count(True) >= 3, timeout=10_000)
    finally:
        writer.start()  # never leave the reader waiting on the pipe
    qtbot.waitUntil(lambda: len(page.input.ids()) == count, timeout=60_000)
    heartbeat.stop()
    writer.join()

    assert page.input.count.text() == "100,000 order ids to look up from export.csv, column “order_id”."
    # Too many to list in the box: it says so, and cannot be edited until cleared.
    assert page.input.box.toPlainText() == ""
    assert page.input.box.placeholderText().startswith("100,000 order ids from export.csv")
    assert page.input.box.isReadOnly()
    assert page.look_up_button.isEnabled()
    click(qtbot, page.input.clear_button)
    assert not page.input.box.isReadOnly()
    assert len(page.input.ids()) == 0
    assert page.input.count.text() == "Paste order ids above, or import a file."
    assert not page.look_up_button.isEnabled()
