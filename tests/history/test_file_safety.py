"""The history file over time and between app instances: old files migrate, broken ones are set
aside, and two processes can write at once."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest

from msp_desk.history.schema import VERSION
from msp_desk.history.store import EventKind, HistoryEntry, HistoryQuery, HistoryStore

# The table exactly as the first releases created it (user_version left at 0).
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    profile_id   TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    profile_name TEXT NOT NULL,
    environment  TEXT NOT NULL,
    amount       INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    description  TEXT NOT NULL,
    card_brand   TEXT NOT NULL,
    card_last4   TEXT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    trace        TEXT NOT NULL DEFAULT '[]',
    submitted_at TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (profile_id, order_id)
)
"""
WRITES_EACH = 300


def _entry(order_id: str, profile_id: str = "p1") -> HistoryEntry:
    return HistoryEntry(
        profile_id=profile_id,
        order_id=order_id,
        profile_name="Profile",
        environment="test",
        amount=1000,
        currency="EUR",
        description="Test order",
        card_brand="VISA",
        card_last4="1111",
    )


def test_a_file_from_the_first_releases_opens_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA journal_mode=WAL")
        old.execute(OLD_SCHEMA)
        old.execute(
            "INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                "p1",
                "ÄRGER-Order-1",
                "Old profile",
                "test",
                2500,
                "EUR",
                "An order from before",
                "MASTERCARD",
                "4444",
                "completed",
                "",
                '[{"method": "POST", "host": "acs.example", "path": "/acs", "status": "loaded"}]',
                "2024-03-01T10:00:00",
                "2024-03-01T10:05:00",
            ),
        )
    store = HistoryStore(path)
    assert store.warning is None
    entry = store.get("p1", "ÄRGER-Order-1")
    assert entry is not None
    assert (entry.amount, entry.card_brand, entry.card_last4, entry.status) == (
        2500,
        "MASTERCARD",
        "4444",
        "completed",
    )
    assert entry.trace[0]["host"] == "acs.example"
    assert (entry.created, entry.source, entry.financial_status) == ("2024-03-01T10:00:00", "submitted", "")
    # The migrated row is searchable like a new one: by prefix in any case (Unicode too) and by date.
    assert store.search(HistoryQuery(order_id_prefix="ärger")).total == 1
    assert (
        store.search(HistoryQuery(created_from=dt.date(2024, 3, 1), created_until=dt.date(2024, 3, 2))).total
        == 1
    )
    store.record_call(
        "p1", "ÄRGER-Order-1", EventKind.LOOKUP, method="GET", path="/orders/x", http_status=200
    )
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
        # Version 3: the newest-first indexes carry the order key, for prefix searches.
        columns = [row[2] for row in db.execute("PRAGMA index_info(orders_profile_created)")]
        assert columns == ["profile_id", "created", "order_key"]
        # Version 4: how long each call took.
        assert "duration_ms" in [row[1] for row in db.execute("PRAGMA table_info(events)")]
    again = HistoryStore(path)  # a second open migrates nothing
    assert [(e.kind, e.duration_ms) for e in again.events("p1", "ÄRGER-Order-1")] == [
        (EventKind.LOOKUP, None)
    ]
    again.close()


def test_a_file_that_is_no_database_is_set_aside_and_a_new_one_started(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 50)
    (tmp_path / "history.sqlite3-wal").write_bytes(b"stale log")
    store = HistoryStore(path)
    assert store.warning is not None
    assert store.warning.startswith("The order history could not be read (file is not a database).")
    (original,) = [p for p in tmp_path.iterdir() if p.name.startswith("history.sqlite3.unreadable-")]
    wal = tmp_path / "history.sqlite3-wal"
    assert not wal.exists() or b"stale log" not in wal.read_bytes()  # never replayed into the new file
    assert str(original) in store.warning
    assert original.read_bytes().startswith(b"this is not a database")
    store.record_submitted(_entry("fresh"))
    assert [e.order_id for e in store.recent()] == ["fresh"]
    store.close()
    # A second broken start keeps the first copy too: each gets a name of its own.
    path.write_bytes(b"broken again" * 100)
    second = HistoryStore(path)
    assert second.warning is not None
    assert (
        len([p for p in tmp_path.iterdir() if ".unreadable-" in p.name and not p.name.endswith("-wal")]) == 2
    )
    second.close()
    healthy = HistoryStore(path)
    assert healthy.warning is None
    healthy.close()


def _writer(path: str, profile: str, start: Barrier) -> None:
    store = HistoryStore(Path(path))
    start.wait(60)  # every writer has the file open: now all write at once
    for number in range(WRITES_EACH):
        order_id = f"{profile}-{number}"
        store.record_submitted(_entry(order_id, profile))
        store.record_call(profile, order_id, EventKind.CREATE, method="POST", path="/orders", http_status=200)
        store.update_status(profile, order_id, "completed", financial_status="completed")
    store.close()


@pytest.mark.timeout(120)
def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    HistoryStore(path).close()
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(3)
    others = [context.Process(target=_writer, args=(str(path), f"proc{n}", start)) for n in range(2)]
    for process in others:
        process.start()
    _writer(str(path), "here", start)
    for process in others:
        process.join(60)
        assert process.exitcode == 0
    store = HistoryStore(path)
    for profile in ("here", "proc0", "proc1"):
        page = store.search(HistoryQuery(profile_id=profile, statuses=("completed",), limit=1000))
        assert page.total == WRITES_EACH
        timeline = store.events(profile, f"{profile}-{WRITES_EACH - 1}")
        assert [e.kind for e in timeline] == [EventKind.STATUS, EventKind.CREATE, EventKind.STATUS]
    store.close()


def test_two_instances_migrating_one_old_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute(OLD_SCHEMA)
        old.execute(
            "INSERT INTO orders VALUES ('p','o','n','test',1,'EUR','d','VISA','1111','completed','','[]',"
            "'2024-01-01T00:00:00','2024-01-01T00:00:00')"
        )
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    other = context.Process(target=_writer, args=(str(path), "other", start))
    other.start()
    mine = HistoryStore(path)
    start.wait(60)
    other.join(60)
    assert other.exitcode == 0
    assert mine.get("p", "o") is not None
    assert mine.search(HistoryQuery(profile_id="other")).total == WRITES_EACH
    mine.close()
