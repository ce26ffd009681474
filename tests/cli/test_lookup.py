"""``msp-desk lookup`` end to end: the embedded sandbox on the app's state file, real HTTP on loopback."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import logging
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest

from msp_desk.__main__ import main as msp_desk_main
from msp_desk.api.client import MspClient
from msp_desk.api.http import make_http_client
from msp_desk.bulk.engine import BulkLookup
from msp_desk.bulk.export import save_csv, write_csv
from msp_desk.bulk.results import LookupResult
from msp_desk.cli.lookup import main
from msp_desk.core import paths
from msp_desk.sandbox.embedded import STATE_FILE
from msp_desk.sandbox.server import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
ORDERS = {"cli-eur": ("EUR", 1230), "cli-jpy": ("JPY", 1500), "cli-usd": ("USD", 99)}


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """The command sets up the app's log file on the root logger; put the test run's logging back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture
def state(msp_home: Path) -> Path:
    """Orders made in the app's own sandbox state, which the command's embedded sandbox then serves."""
    state_path = paths.data_dir() / STATE_FILE
    state_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        SandboxServer(state_path=state_path) as server,
        httpx.Client(base_url=server.base_url, headers={"api_key": server.sites[0].api_key}) as http,
    ):
        for order_id, (currency, amount) in ORDERS.items():
            body = {"order_id": order_id, "currency": currency, "amount": amount, "description": "CLI test"}
            http.post("orders", json=body).raise_for_status()
    return state_path


def engine_results(state: Path, ids: list[str]) -> list[LookupResult]:
    """The same ids through the engine directly, for comparing with what the command wrote."""
    with SandboxServer(state_path=state) as server, make_http_client() as http:
        lookup = BulkLookup(MspClient(http, server.base_url, server.sites[0].api_key), ids)
        lookup.start()
        assert lookup.wait(30)
        return lookup.results()


def write_ids_csv(path: Path, ids: list[str], *, delimiter: str = ";") -> Path:
    with path.open("w", encoding="cp1252", newline="") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(["Klant", "Order ID", "Bedrag"])
        writer.writerows([f"Zoë {i}", order_id, "€ 1,00"] for i, order_id in enumerate(ids))
    return path


def test_order_ids_print_as_a_table(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cli-eur", "cli-jpy"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == [
        "ORDER",
        "ID",
        "STATUS",
        "FINANCIAL",
        "STATUS",
        "AMOUNT",
        "CREATED",
        "REASON",
        "/",
        "ERROR",
    ]
    assert lines[1].split()[:5] == ["cli-eur", "initialized", "initialized", "12.30", "EUR"]
    assert lines[2].split()[:5] == ["cli-jpy", "initialized", "initialized", "1,500", "JPY"]
    assert err.strip().endswith("2 orders: 2 found (2 initialized)")


def test_a_missing_order_fails_with_a_summary(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cli-eur", "nope", "cli-eur", "\x1b[2Jbad"]) == 1
    out, err = capsys.readouterr()
    assert "nope" in out
    assert "not found (1006)" in out
    assert "\x1b" not in out  # no escape sequence from an id reaches the terminal
    assert "argument 3: cli-eur is a duplicate of argument 1" in err
    assert "3 orders: 1 found (1 initialized); 2 failed (2 not found (1006))" in err


def test_json_output(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "cli-usd", "nope"]) == 1
    documents = json.loads(capsys.readouterr().out)
    assert documents[0]["order_id"] == "cli-usd"
    assert documents[0]["order"]["amount"] == 99
    assert documents[0]["order"]["currency"] == "USD"
    assert documents[1]["error"] == "not found (1006)"
    assert "was not found" in documents[1]["detail"]


def test_csv_in_gives_the_same_csv_as_the_export(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = ["cli-jpy", "missing-1", "cli-eur", "cli-usd", "missing-2"]
    source = write_ids_csv(tmp_path / "in.csv", [*ids, "cli-eur", ""])
    out_path = tmp_path / "out.csv"
    assert main(["--csv", str(source), "--output", str(out_path), "--concurrency", "3"]) == 1
    err = capsys.readouterr().err
    assert "row 7: cli-eur is a duplicate of row 4" in err
    assert "5 orders: 3 found (3 initialized); 2 failed (2 not found (1006))" in err

    assert main(["--csv", str(source)]) == 1  # to stdout
    printed = capsys.readouterr().out

    results = engine_results(state, ids)
    expected_file = tmp_path / "expected.csv"
    save_csv(results, expected_file)
    assert out_path.read_bytes() == expected_file.read_bytes()
    expected_text = io.StringIO(newline="")
    write_csv(results, expected_text)
    assert printed == expected_text.getvalue()


def test_xlsx_in_with_a_sheet_and_column_to_xlsx_out(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.Workbook()
    book.active.append(["cover sheet"])  # type: ignore[union-attr]
    sheet = book.create_sheet("Export")
    sheet.append(["ref", "Other"])
    for order_id in ("cli-usd", "cli-eur"):
        sheet.append([order_id, "x"])
    source = tmp_path / "in.xlsx"
    book.save(source)
    out_path = tmp_path / "status.xlsx"

    assert main(["--csv", str(source), "--sheet", "export", "--column", "ref", "-o", str(out_path)]) == 0
    back = [list(row) for row in openpyxl.load_workbook(out_path).active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    assert [row[:5] for row in back[1:]] == [
        ["cli-usd", "initialized", "initialized", 0.99, "USD"],
        ["cli-eur", "initialized", "initialized", 12.3, "EUR"],
    ]
    assert main(["--csv", str(source), "--sheet", "Nope"]) == 2
    assert "has no sheet “Nope”; its sheets are “Sheet”, “Export”." in capsys.readouterr().err


def test_a_wrong_column_or_an_empty_file_is_a_clear_error(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_ids_csv(tmp_path / "in.csv", ["cli-eur"])
    assert main(["--csv", str(source), "--column", "order"]) == 2
    assert capsys.readouterr().err == (
        "msp-desk lookup: in.csv has no column “order”; its columns are “Klant”, “Order ID”, “Bedrag”.\n"
    )
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["--csv", str(empty)]) == 2
    assert "empty.csv is empty" in capsys.readouterr().err
    header_only = tmp_path / "header.csv"
    header_only.write_text("order_id\n")
    assert main(["--csv", str(header_only)]) == 2
    assert "no order ids to look up in header.csv" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "give order ids, or --csv FILE"),
        (["a", "--csv", "x.csv"], "not both"),
        (["a", "--column", "x"], "--column goes with --csv FILE"),
        (["--csv", "x.csv", "--json"], "--json is for order ids"),
        (["a", "--concurrency", "33"], "--concurrency must be 1 to 32"),
        (["a", "--api-key", "secret"], "unrecognized arguments: --api-key"),
        (["--csv", "x.csv", "-o", "x.csv"], "would overwrite the input file"),
    ],
)
def test_bad_arguments(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_help_documents_the_command_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for needle in ("--profile", "--csv", "--column", "--sheet", "--output", "--concurrency", "--json"):
        assert needle in text
    assert "examples:" in text
    assert "MSP_DESK_API_KEY" in text
    assert "130 interrupted with Ctrl-C" in text


def test_a_refused_key_from_the_environment_stops_the_run(
    state: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MSP_DESK_API_KEY", "f" * 40)
    assert main(["cli-eur", "cli-jpy", "cli-usd"]) == 1
    out, err = capsys.readouterr()
    assert "API key refused (1032)" in out
    assert "Stopped: Sandbox refused the API key" in err
    assert "f" * 40 not in out + err


def test_the_app_entry_point_dispatches_lookup(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert msp_desk_main(["lookup", "cli-eur"]) == 0
    assert "cli-eur" in capsys.readouterr().out


def test_ctrl_c_cancels_and_still_writes_what_is_done(tmp_path: Path) -> None:
    total = 20_000  # far more than can finish before the interrupt
    ids = [f"many-{i:05d}" for i in range(total)]
    source = write_ids_csv(tmp_path / "in.csv", ids, delimiter=",")
    out_path = tmp_path / "out.csv"
    env = {**os.environ, "MSP_DESK_HOME": str(tmp_path / "home")}
    env.pop("MSP_DESK_API_KEY", None)
    leader, follower = pty.openpty()  # stderr on a terminal, so the progress bar is drawn
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    command = [sys.executable, "-m", "msp_desk", "lookup", "--csv", str(source), "-o", str(out_path)]
    process = subprocess.Popen(
        [*command, "--concurrency", "1"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stderr=follower
    )
    os.close(follower)
    seen = bytearray()
    try:
        deadline = time.monotonic() + 60
        while not re.search(rb"\b([1-9]\d{2,})/20000", seen):  # a hundred or more done
            assert time.monotonic() < deadline, bytes(seen[-500:])
            assert _read_into(seen, leader), bytes(seen[-500:])
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 130
        while _read_into(seen, leader):
            pass
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        os.close(leader)

    text = seen.decode(errors="replace")
    assert "order/s" in text  # tqdm's bar
    assert "Cancelled: the " in text
    assert "were not looked up (their error column says so)" in text
    with out_path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["order_id"] for row in rows] == ids
    errors = [row["error"] for row in rows]
    assert 100 <= errors.count("not found (1006)") < total
    assert errors.count("not found (1006)") + errors.count("not looked up") == total


def _read_into(buffer: bytearray, fd: int) -> bool:
    """Whatever the terminal has within 0.2 s; False once the other side has closed it."""
    if not select.select([fd], [], [], 0.2)[0]:
        return True
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the process has ended and its terminal is gone
        return False
    buffer += chunk
    return bool(chunk)
