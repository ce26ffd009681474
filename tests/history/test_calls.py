"""The timeline recorder: the client's exchanges about an order become its events, best effort."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.errors import ServerError
from msp_desk.api.exchanges import Exchange
from msp_desk.api.http import make_http_client
from msp_desk.api.request_models import TransactionFilters
from msp_desk.api.retry import RetryPolicy
from msp_desk.history.calls import CallRecorder
from msp_desk.history.store import EventKind, HistoryStore
from msp_desk.sandbox.server import SandboxServer
from tests.api.test_client_against_sandbox import KEY, NO_3DS_CARD, card_order, site_fault

NO_WAIT = RetryPolicy(attempts=1, backoff=0.0, max_backoff=0.0, reconcile_delay=0.0)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(api_keys=[KEY], time_scale=1000) as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with make_http_client(connect_timeout=1.0, read_timeout=2.0) as client:
        yield client


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(tmp_path / "history.sqlite3")
    yield store
    store.close()


def _client(
    http: httpx.Client, sandbox: SandboxServer, recorder: CallRecorder, heard: list[Exchange] | None = None
) -> MspClient:
    """The app's client with the recorder; ``heard`` also gets each exchange, to compare with the events."""

    def both(exchange: Exchange) -> None:
        if heard is not None:
            heard.append(exchange)
        recorder(exchange)

    return MspClient(http, sandbox.base_url, KEY, retry=NO_WAIT, observer=both)


def test_calls_about_an_order_become_its_events_with_their_time_and_duration(
    http: httpx.Client, sandbox: SandboxServer, history: HistoryStore
) -> None:
    heard: list[Exchange] = []
    client = _client(http, sandbox, CallRecorder(history, "p1"), heard)
    client.create_direct_card_order(card_order("rec-1", NO_3DS_CARD))
    client.get_order("rec-1")
    client.list_transactions(TransactionFilters(limit=5))  # not about one order: not on a timeline

    events = history.events("p1", "rec-1")
    assert [(e.kind, e.method, e.http_status) for e in events] == [
        (EventKind.CREATE, "POST", 200),
        (EventKind.LOOKUP, "GET", 200),
    ]
    assert events[0].path == "/v1/json/orders"
    assert events[0].detail == "order of 1.00 EUR, CREDITCARD ••••3335"
    for event, exchange in zip(events, heard[:2], strict=True):
        assert event.at == exchange.started.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        assert event.duration_ms == exchange.duration_ms
    assert history.events("p1", "") == []
    assert history.get("p1", "rec-1") is None, "noting calls does not make a history row"


def test_a_failed_call_is_on_the_timeline_with_what_went_wrong(
    http: httpx.Client, sandbox: SandboxServer, history: HistoryStore
) -> None:
    client = _client(http, sandbox, CallRecorder(history, "p1"))
    client.create_direct_card_order(card_order("rec-2", NO_3DS_CARD))
    site_fault(http, sandbox, "status=500", paths="/orders/rec-2/refunds")
    with pytest.raises(ServerError):
        client.refund_partial("rec-2", 30, "EUR")
    refund = history.events("p1", "rec-2")[-1]
    assert (refund.kind, refund.method, refund.http_status) == (EventKind.REFUND, "POST", 500)
    assert refund.detail.startswith("refund of 0.30 EUR: ")
    assert "500" in refund.detail


def test_a_closed_history_never_fails_the_call(
    http: httpx.Client,
    sandbox: SandboxServer,
    history: HistoryStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    history.close()  # every write now fails, as with a vanished or damaged file
    client = _client(http, sandbox, CallRecorder(lambda: history, "p1"))
    with caplog.at_level(logging.WARNING):
        created = client.create_direct_card_order(card_order("rec-3", NO_3DS_CARD))
        looked_up = client.get_order("rec-3")
    assert (created.data.status, looked_up.data.status) == ("completed", "completed")
    assert "Could not put POST /v1/json/orders on the timeline of order rec-3" in caplog.text
    assert KEY not in caplog.text
    assert NO_3DS_CARD not in caplog.text


def test_an_event_keeps_the_time_it_is_given(history: HistoryStore) -> None:
    sent = dt.datetime(2025, 10, 2, 11, 14, 3, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    event = history.record_call("p1", "o1", EventKind.POLL, method="GET", at=sent, duration_ms=12.5)
    assert (event.at, event.duration_ms) == ("2025-10-02T09:14:03.123", 12.5)
    assert history.events("p1", "o1") == [event]


def test_3ds_hops_keep_the_time_the_browser_asked(history: HistoryStore) -> None:
    from msp_desk.core.verification_trace import Hop

    first = Hop.from_url("POST", "http://127.0.0.1:5000/3ds2/sim/acs?session=s3cr3t", "loaded")
    later = Hop("GET", "shop.example", "/return", "intercepted, not loaded", at="2030-01-02T03:04:05.678")
    history.record_hops("p1", "o1", [first, later])
    events = history.events("p1", "o1")
    assert [(e.kind, e.path, e.at) for e in events] == [
        (EventKind.THREE_DS, "127.0.0.1:5000/3ds2/sim/acs", first.at),
        (EventKind.THREE_DS, "shop.example/return", "2030-01-02T03:04:05.678"),
    ]
    assert "s3cr3t" not in repr(events), "a hop never keeps its query"


def test_noted_calls_are_written_within_a_moment_and_seen_by_every_read_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    store, other = HistoryStore(path), HistoryStore(path)  # two app instances on one file
    try:
        store.note_call("p1", "o1", EventKind.LOOKUP, method="GET", http_status=200)
        assert [e.kind for e in store.events("p1", "o1")] == [EventKind.LOOKUP], "a read writes the queue"
        store.note_call("p1", "o1", EventKind.POLL, method="GET", http_status=200)
        store.record_call("p1", "o1", EventKind.STATUS, detail="initialized → completed")
        kinds = [e.kind for e in store.events("p1", "o1")]
        assert kinds == [EventKind.LOOKUP, EventKind.POLL, EventKind.STATUS], "a write puts the queue first"

        store.note_call("p1", "o2", EventKind.REFUND, method="POST", detail="refund of 1.00 EUR")
        deadline = time.monotonic() + 10
        while not other.events("p1", "o2"):  # nobody reads or writes through ``store``: its writer does
            assert time.monotonic() < deadline, "the queued call was never written"
            time.sleep(0.02)
        store.note_call("p1", "o3", EventKind.CANCEL, method="PATCH")
        store.close()
        assert [e.kind for e in other.events("p1", "o3")] == [EventKind.CANCEL], "closing writes the rest"
    finally:
        store.close()
        other.close()
