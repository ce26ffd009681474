"""The client's observer against the sandbox over loopback: each exchange once, redacted, never in the way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.errors import RequestTimeout, ServerError
from msp_desk.api.exchanges import Exchange, Purpose
from msp_desk.api.follow import Backoff, follow_order
from msp_desk.api.http import make_http_client
from msp_desk.api.request_models import TransactionFilters
from msp_desk.api.retry import RetryPolicy
from msp_desk.sandbox.server import SandboxServer
from tests.api.test_client_against_sandbox import KEY, NO_3DS_CARD, card_order, site_fault

NO_WAIT = RetryPolicy(attempts=3, backoff=0.0, max_backoff=0.0, reconcile_delay=0.0)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(api_keys=[KEY], time_scale=1000) as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with make_http_client(connect_timeout=1.0, read_timeout=0.5) as client:
        yield client


@pytest.fixture
def heard() -> list[Exchange]:
    return []


@pytest.fixture
def client(http: httpx.Client, sandbox: SandboxServer, heard: list[Exchange]) -> MspClient:
    return MspClient(http, sandbox.base_url, KEY, retry=NO_WAIT, observer=heard.append)


def _fields(exchange: Exchange) -> tuple[Any, ...]:
    return exchange.method, exchange.path, exchange.purpose, exchange.order_id, exchange.http_status


def test_each_call_about_an_order_is_heard_once_with_what_it_was_for(
    client: MspClient, heard: list[Exchange]
) -> None:
    order = card_order("heard-1", NO_3DS_CARD, card_cvc="737")
    before = dt.datetime.now(dt.UTC)
    client.create_direct_card_order(order)
    client.get_order("heard-1")
    client.refund_partial("heard-1", 40, "EUR")
    follow_order(client, "heard-1", backoff=Backoff(first=0.01, limit=0.05), known=True)
    client.list_transactions(TransactionFilters(limit=5))
    client.me()

    base = "/v1/json/orders"
    assert [_fields(e) for e in heard[:4]] == [
        ("POST", base, Purpose.CREATE, "heard-1", 200),
        ("GET", f"{base}/heard-1", Purpose.LOOKUP, "heard-1", 200),
        ("POST", f"{base}/heard-1/refunds", Purpose.REFUND, "heard-1", 200),
        ("GET", f"{base}/heard-1", Purpose.POLL, "heard-1", 200),
    ]
    assert [_fields(e) for e in heard[-2:]] == [
        ("GET", "/v1/json/transactions", Purpose.OTHER, None, 200),
        ("GET", "/v1/json/me", Purpose.OTHER, None, 200),
    ]
    create, refund = heard[0], heard[2]
    assert create.detail == "order of 1.00 EUR, CREDITCARD ••••3335"  # the example order: 1.00 EUR
    assert refund.detail == "refund of 0.40 EUR"
    assert all(e.failure is None and e.duration_ms >= 0 for e in heard)
    assert before <= create.started <= heard[1].started <= dt.datetime.now(dt.UTC)
    assert create.started.tzinfo is dt.UTC
    heard_text = repr(heard)
    for secret in (KEY, NO_3DS_CARD, "4012 0010", "737"):
        assert secret not in heard_text


def test_a_failed_call_is_heard_with_its_status_and_what_went_wrong(
    client: MspClient, http: httpx.Client, sandbox: SandboxServer, heard: list[Exchange]
) -> None:
    client.create_direct_card_order(card_order("heard-2", NO_3DS_CARD))
    site_fault(http, sandbox, "status=503", paths="/orders/heard-2/refunds")
    with pytest.raises(ServerError):
        client.refund_partial("heard-2", 25, "EUR")
    refund = heard[-1]
    assert (refund.purpose, refund.http_status) == (Purpose.REFUND, 503)
    assert "503" in (refund.failure or "")
    assert refund.detail.startswith("refund of 0.25 EUR: ")

    # A GET that times out is tried three times: three exchanges, none with an answer.
    site_fault(http, sandbox, "slow-response=1500", paths="/orders/heard-2", count=3)
    heard.clear()
    with pytest.raises(RequestTimeout):
        client.get_order("heard-2")
    assert [(e.purpose, e.http_status) for e in heard] == [(Purpose.LOOKUP, None)] * 3
    assert all("did not answer in time" in (e.failure or "") for e in heard)
    assert all(e.duration_ms >= 400 for e in heard)


def test_an_observer_that_fails_never_fails_the_call(
    http: httpx.Client, sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(exchange: Exchange) -> None:
        raise RuntimeError(f"cannot note {KEY}")

    client = MspClient(http, sandbox.base_url, KEY, retry=NO_WAIT, observer=broken)
    created = client.create_direct_card_order(card_order("heard-3", NO_3DS_CARD))
    assert created.data.status == "completed"
    assert client.with_retry(NO_WAIT).observer is broken, "a copy with another retry policy keeps it"
    assert "could not be noted (RuntimeError)" in caplog.text
    assert KEY not in caplog.text
