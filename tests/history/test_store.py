from __future__ import annotations

import pytest

from msp_desk.history.store import HistoryEntry, HistoryStore


def _entry(**changes: object) -> HistoryEntry:
    entry = HistoryEntry(
        profile_id="p1",
        order_id="order-1",
        profile_name="Local sandbox",
        environment="sandbox",
        amount=1000,
        currency="EUR",
        description="Test order",
        card_brand="VISA",
        card_last4="1111",
    )
    for name, value in changes.items():
        setattr(entry, name, value)
    return entry


def test_round_trip_with_status_and_trace(msp_home) -> None:
    store = HistoryStore()
    store.record_submitted(_entry())
    store.update_status("p1", "order-1", "completed", "")
    store.set_trace(
        "p1", "order-1", [{"method": "POST", "host": "127.0.0.1:1", "path": "/acs", "status": "loaded"}]
    )
    store.close()

    reopened = HistoryStore()
    entry = reopened.get("p1", "order-1")
    assert entry is not None
    assert entry.status == "completed"
    assert entry.trace[0]["path"] == "/acs"
    assert [e.order_id for e in reopened.recent()] == ["order-1"]
    assert (msp_home / "data" / "history.sqlite3").exists()


def test_no_card_data_reaches_the_file(msp_home) -> None:
    store = HistoryStore()
    with pytest.raises(ValueError, match="last four"):
        store.record_submitted(_entry(card_last4="4111111111111111"))
    store.record_submitted(_entry(description="card 4111111111111111 cvc=123"))
    store.update_status("p1", "order-1", "declined", "api_key=4192937dffd72a34bcaef4e4f589beb74188d0fa")
    store.close()
    raw = (msp_home / "data" / "history.sqlite3").read_bytes()
    wal = msp_home / "data" / "history.sqlite3-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert b"4111111111111111" not in raw
    assert b"4192937dffd72a34bcaef4e4f589beb74188d0fa" not in raw
    assert b"cvc=123" not in raw


def test_an_order_id_seen_before_keeps_its_row(msp_home) -> None:
    store = HistoryStore()
    store.record_submitted(_entry())
    store.update_status("p1", "order-1", "completed")
    store.record_submitted(_entry(description="a second attempt with the same id", status="sending"))
    entry = store.get("p1", "order-1")
    assert entry is not None
    assert entry.status == "completed"
    assert entry.description == "Test order"
