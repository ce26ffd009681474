"""Orders looked up through the API join the history, and every order keeps a redacted timeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.request_models import RefundRequest
from msp_desk.core.verification_trace import Hop
from msp_desk.history.store import EventKind, HistoryEntry, HistoryQuery, HistoryStore
from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import direct_order, run_3ds

KEY = "8" * 36 + "0008"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(api_keys=[KEY], time_scale=2000.0) as server:
        yield server


@pytest.fixture
def api(sandbox: SandboxServer) -> Iterator[MspClient]:
    with httpx.Client(timeout=10) as http:
        yield MspClient(http, sandbox.base_url, KEY)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    history = HistoryStore(tmp_path / "history.sqlite3")
    yield history
    history.close()


def _submitted(order_id: str, **changes: object) -> HistoryEntry:
    entry = HistoryEntry(
        profile_id="p1",
        order_id=order_id,
        profile_name="Local sandbox",
        environment="sandbox",
        amount=1000,
        currency="EUR",
        description="Sandbox test order",
        card_brand="CREDITCARD",
        card_last4="1111",
        status="initialized",
    )
    for name, value in changes.items():
        setattr(entry, name, value)
    return entry


def test_a_lookup_adds_the_order_with_its_3ds_outcome(
    sandbox: SandboxServer, api: MspClient, store: HistoryStore
) -> None:
    with httpx.Client(base_url=sandbox.base_url, headers={"api_key": KEY}, timeout=10) as client:
        run_3ds(client, "looked-up-3ds", "4111111111111111", "Y")
    order = api.get_order("looked-up-3ds").data
    entry = store.record_lookup("p1", "Local sandbox", "sandbox", order)
    assert (entry.source, entry.status, entry.financial_status) == ("lookup", "completed", "completed")
    assert (entry.amount, entry.currency, entry.card_brand, entry.card_last4) == (1000, "EUR", "VISA", "1111")
    assert entry.created == order.created.isoformat(timespec="seconds")  # type: ignore[union-attr]
    assert entry.completed
    assert entry.authentication == {"status": "Y", "eci": "05", "version": "2.2.0", "flow": "challenge"}
    assert store.get("p1", "looked-up-3ds") == entry
    (event,) = store.events("p1", "looked-up-3ds")
    assert (event.kind, event.detail) == (EventKind.STATUS, "completed/completed")


def test_a_lookup_never_blanks_what_was_submitted(
    sandbox: SandboxServer, api: MspClient, store: HistoryStore
) -> None:
    """A refund answer and a redirect order carry no card: the sent order's card stays."""
    with httpx.Client(base_url=sandbox.base_url, headers={"api_key": KEY}, timeout=10) as client:
        body = direct_order("kept-card", "4012001038443335")
        body.update({"type": "redirect"})
        body.pop("gateway_info")
        client.post("orders", json=body)
    store.record_submitted(_submitted("kept-card", card_brand="MASTERCARD", card_last4="4444"))
    store.record_call(
        "p1", "kept-card", EventKind.CREATE, method="post", path="/v1/json/orders", http_status=200
    )
    looked_up = store.record_lookup("p1", "Local sandbox", "sandbox", api.get_order("kept-card").data)
    assert (looked_up.card_brand, looked_up.card_last4) == ("MASTERCARD", "4444")
    assert (looked_up.source, looked_up.status) == ("submitted", "initialized")
    assert looked_up.description == "Sandbox test order"
    # Looking it up again with nothing new adds no status change to the timeline.
    store.record_lookup("p1", "Local sandbox", "sandbox", api.get_order("kept-card").data)
    kinds = [e.kind for e in store.events("p1", "kept-card")]
    assert kinds == [EventKind.STATUS, EventKind.CREATE]


def test_the_timeline_of_an_order_sent_polled_refunded(
    sandbox: SandboxServer, api: MspClient, store: HistoryStore
) -> None:
    with httpx.Client(base_url=sandbox.base_url, headers={"api_key": KEY}, timeout=10) as client:
        client.post("orders", json=direct_order("timeline", "4012001038443335"))
    store.record_submitted(_submitted("timeline"))
    store.record_call("p1", "timeline", "create", method="POST", path="/v1/json/orders", http_status=200)
    store.record_hops(
        "p1",
        "timeline",
        [
            Hop("POST", "127.0.0.1:1", "/3ds2/sim/acs", "loaded"),
            Hop("POST", "127.0.0.1:1", "/direct/complete/", "303"),
        ],
    )
    store.record_call(
        "p1", "timeline", EventKind.POLL, method="GET", path="/v1/json/orders/timeline", http_status=200
    )
    store.record_lookup("p1", "Local sandbox", "sandbox", api.get_order("timeline").data)
    api.refund("timeline", RefundRequest(currency="EUR", amount=1000))
    store.record_call(
        "p1",
        "timeline",
        EventKind.REFUND,
        method="POST",
        path="/v1/json/orders/timeline/refunds?api_key=8888888888888888888888888888888888880008",
        http_status=200,
        detail="refund of EUR 10.00 with card 4111 1111 1111 1111, cvc=123",
    )
    store.update_status("p1", "timeline", "refunded", financial_status="completed")
    events = store.events("p1", "timeline")
    assert [(e.kind, e.method, e.http_status) for e in events] == [
        (EventKind.STATUS, "", None),
        (EventKind.CREATE, "POST", 200),
        (EventKind.THREE_DS, "POST", None),
        (EventKind.THREE_DS, "POST", None),
        (EventKind.POLL, "GET", 200),
        (EventKind.STATUS, "", None),
        (EventKind.REFUND, "POST", 200),
        (EventKind.STATUS, "", None),
    ]
    assert [e.detail for e in events if e.kind is EventKind.STATUS] == [
        "initialized",
        "initialized → completed/completed",
        "completed/completed → refunded/completed",
    ]
    assert events[2].path == "127.0.0.1:1/3ds2/sim/acs"
    refund = events[6]
    assert "8888888888888888888888888888888888880008" not in refund.path
    assert "4111 1111 1111 1111" not in refund.detail
    assert "cvc=123" not in refund.detail
    assert refund.detail.startswith("refund of EUR 10.00 with card ••••1111")
    assert [e.id for e in events] == sorted(e.id for e in events)
    assert all(e.at[:4].isdigit() and e.at[10] == "T" for e in events)
    assert store.search(HistoryQuery(statuses=("refunded",))).entries[0].order_id == "timeline"
    with pytest.raises(ValueError, match="Unknown event kind 'teleport': expected one of create, 3ds"):
        store.record_call("p1", "timeline", "teleport")


def test_nothing_secret_reaches_the_file(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path)
    store.record_submitted(_submitted("secret", description="card 4111111111111111 cvc=123"))
    store.record_call(
        "p1", "secret", EventKind.CREATE, detail="Bearer 4192937dffd72a34bcaef4e4f589beb74188d0fa"
    )
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for secret in (b"4111111111111111", b"cvc=123", b"4192937dffd72a34bcaef4e4f589beb74188d0fa"):
        assert secret not in raw
