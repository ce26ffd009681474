"""Two msp-desk windows on one machine at once: both write, neither corrupts the other's files.

Two real ``python -m msp_desk`` processes start at the same moment on one
``MSP_DESK_HOME`` (so one history file and one sandbox state file, both new),
each sends orders on its New order screen and looks them up on its Order lookup
screen while the other does the same. Afterwards both SQLite files pass
``PRAGMA integrity_check`` and hold every order of both, once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DRIVER = Path(__file__).with_name("driver")
ORDERS = 25


def _start(home: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "MSP_DESK_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join([str(DRIVER), str(ROOT)]),
        "MSP_DESK_DRIVER_ORDERS": str(ORDERS),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "msp_desk"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _checked(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)], path
    return db


@pytest.mark.timeout(300)
def test_two_instances_write_at_once_and_both_files_stay_whole(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first, second = _start(home), _start(home)
    outputs = []
    for process in (first, second):
        stdout, stderr = process.communicate(timeout=240)
        assert process.returncode == 0, f"exit {process.returncode}: {stderr[-3000:]}"
        outputs.append(json.loads(stdout.strip().splitlines()[-1]))
    for out in outputs:
        assert out["problems"] == []
        assert out["crashes"] == []
        assert len(out["sent"]) == ORDERS
        assert out["looked_up"] == out["sent"]
    (start_a, end_a), (start_b, end_b) = outputs[0]["span"], outputs[1]["span"]
    assert max(start_a, start_b) < min(end_a, end_b), "the two windows did not write at the same time"
    sent = outputs[0]["sent"] + outputs[1]["sent"]
    assert len(set(sent)) == 2 * ORDERS

    history = _checked(home / "data" / "history.sqlite3")
    rows = dict(history.execute("SELECT order_id, status FROM orders").fetchall())
    assert sorted(rows) == sorted(sent)
    assert set(rows.values()) == {"completed"}
    calls = history.execute(
        "SELECT kind, count(*) FROM events WHERE kind IN ('create', 'lookup') GROUP BY kind"
    ).fetchall()
    assert dict(calls) == {"create": 2 * ORDERS, "lookup": 2 * ORDERS}

    sandbox = _checked(home / "data" / "sandbox.sqlite3")
    assert sandbox.execute("SELECT count(*) FROM sites").fetchone() == (1,)  # one website, not one each
    stored = [row[0] for row in sandbox.execute("SELECT order_id FROM orders")]
    assert sorted(stored) == sorted(sent)
    transactions = sandbox.execute("SELECT count(DISTINCT transaction_id), count(*) FROM orders").fetchone()
    assert transactions == (2 * ORDERS, 2 * ORDERS)
