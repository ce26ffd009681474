"""What the merchant gets back: CSV, .xlsx and clipboard text equal the table, as the CLI writes it."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from msp_desk.bulk.export import COLUMNS, neutralise
from msp_desk.ui.bulk.export_file import CSV_TYPE, XLSX_TYPE
from msp_desk.ui.bulk.page import BulkPage
from msp_desk.ui.bulk.results_model import HEADERS
from msp_desk.ui.services.context import AppContext
from tests.ui.bulk.conftest import Sandbox, paste, run_to_end, shown_rows
from tests.ui.bulk.test_import import choose_file, open_chooser, write_cp1252
from tests.ui.conftest import click

ROOT = Path(__file__).resolve().parents[3]
FORMULA_ID = "=1+1"  # a merchant's id that a spreadsheet would run as a formula
IDS = ["e-eur", "e-gone", "e-jpy", FORMULA_ID, "e-usd"]


def table_as_export(page: BulkPage) -> list[list[str]]:
    """The table's cells under the export's columns (without the Row column), in the input's order."""
    rows = sorted(shown_rows(page), key=lambda row: int(row["Row"]))
    return [[row[title] for title in HEADERS[1:]] for row in rows]


def save_as(monkeypatch: pytest.MonkeyPatch, qtbot, page: BulkPage, name: Path, file_type: str) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(name), file_type))
    page.activateWindow()  # as the window manager does when a dialog closes; offscreen Qt does not
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(page, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # Ctrl+E exports
    qtbot.waitUntil(lambda: page.message.text().startswith("Saved "), timeout=10_000)


@pytest.fixture
def looked_up(qtbot, page: BulkPage, sandbox: Sandbox) -> BulkPage:
    """Five ids, one per line: found in three currencies, one not found, one formula-like id."""
    sandbox.create_orders(["e-eur"], currency="EUR", amount=1230)
    sandbox.create_orders(["e-jpy"], currency="JPY", amount=1500)
    sandbox.create_orders(["e-usd"], currency="USD", amount=99)
    sandbox.create_orders([FORMULA_ID], currency="EUR", amount=5)
    paste(qtbot, page, "\n".join(IDS))
    click(qtbot, page.concurrency)
    page.concurrency.setValue(3)
    run_to_end(qtbot, page)
    return page


def test_csv_read_back_equals_the_table(
    qtbot, looked_up: BulkPage, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_as(monkeypatch, qtbot, looked_up, tmp_path / "status.csv", CSV_TYPE)
    assert looked_up.message.text() == f"Saved 5 orders to {tmp_path / 'status.csv'}."
    data = (tmp_path / "status.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # so Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(COLUMNS)
    table = table_as_export(looked_up)
    assert rows[1:] == [[neutralise(cell) for cell in row] for row in table]
    assert [row[0] for row in rows[1:]] == ["e-eur", "e-gone", "e-jpy", "'=1+1", "e-usd"]
    assert [row[3] for row in rows[1:]] == ["12.30", "", "1500", "0.05", "0.99"]
    assert rows[2][-1] == "not found (1006)"
    assert sandbox.api_key.encode() not in data
    assert sandbox.api_key[-4:].encode() not in data  # not even masked: the export has no key column


def test_xlsx_read_back_equals_the_table(
    qtbot, looked_up: BulkPage, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No suffix typed: the file type chosen in the dialog gives it.
    save_as(monkeypatch, qtbot, looked_up, tmp_path / "status", XLSX_TYPE)
    path = tmp_path / "status.xlsx"
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(COLUMNS)
    table = table_as_export(looked_up)
    assert len(rows) - 1 == len(table)
    for cells, shown in zip(rows[1:], table, strict=True):
        amount, created = cells[3], cells[5]
        if shown[3]:  # a number with the currency's decimals, to sum in the sheet
            assert isinstance(amount, int | float)
            places = -Decimal(shown[3]).as_tuple().exponent  # type: ignore[operator]
            assert f"{amount:.{places}f}" == shown[3]
        else:
            assert amount is None
        if shown[5]:  # a date, to sort by
            assert isinstance(created, datetime)
            assert created.isoformat(sep=" ") == shown[5]
        text = [cells[i] for i in (0, 1, 2, 4, 6, 7)]
        assert [value or "" for value in text] == [neutralise(shown[i]) for i in (0, 1, 2, 4, 6, 7)]
    assert sandbox.api_key.encode() not in path.read_bytes()


def test_copy_gives_tab_separated_rows_for_a_spreadsheet(qtbot, looked_up: BulkPage) -> None:
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(
        looked_up, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert looked_up.message.text() == "Copied 5 rows (with a header line) to paste into a spreadsheet."
    text = QGuiApplication.clipboard().text()
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    assert rows[0] == list(COLUMNS)
    assert rows[1:] == [[neutralise(cell) for cell in row] for row in table_as_export(looked_up)]


def test_the_window_and_the_command_line_write_the_same_csv(
    qtbot,
    page: BulkPage,
    context: AppContext,
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sandbox.create_orders(["cli-1", "cli-3"], currency="EUR", amount=1000)
    sandbox.create_orders(["cli-2"], currency="JPY", amount=700)
    source = write_cp1252(
        tmp_path / "orders.csv",
        [
            ["Klant", "Order ID"],
            ["Zoë", "cli-1"],
            ["Renée", "cli-2"],
            ["Leeg", ""],
            ["X", "cli-404"],
            ["Y", "cli-3"],
        ],
    )
    choose_file(monkeypatch, source)
    dialog = open_chooser(qtbot, page)
    assert dialog.column_combo.currentText() == "Order ID"
    click(qtbot, dialog.use_button)
    qtbot.waitUntil(lambda: len(page.input.ids()) == 4, timeout=10_000)
    run_to_end(qtbot, page)
    gui = tmp_path / "gui.csv"
    save_as(monkeypatch, qtbot, page, gui, CSV_TYPE)

    # The command starts the same built-in sandbox on the app's state file, so the window's must stop.
    context.sandbox.stop()
    cli = tmp_path / "cli.csv"
    command = [sys.executable, "-m", "msp_desk", "lookup", "--csv", str(source), "-o", str(cli)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=60, env=os.environ, cwd=ROOT)
    assert finished.returncode == 1, finished.stderr  # one id was not found
    assert "row 4: blank" in finished.stderr
    assert cli.read_bytes() == gui.read_bytes()
    assert "cli-404,,,,,,,not found (1006)" in gui.read_text(encoding="utf-8-sig")
