"""MspClient against msp-desk's own MultiSafepay sandbox, including its injected faults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.errors import (
    ConnectionDropped,
    InvalidApiKey,
    MalformedResponse,
    NetworkUnreachable,
    NotFound,
    OrderNotCreated,
    RequestTimeout,
    ServerError,
    ValidationFailed,
)
from msp_desk.api.http import make_http_client
from msp_desk.api.request_models import DirectCardOrder, SiteUpdate, TransactionFilters
from msp_desk.api.retry import RetryPolicy
from tests.api.fake_msp import fixture_json

sandbox_server = pytest.importorskip("msp_desk.sandbox.server")

KEY = "0123456789abcdef0123456789abcdef01234567"
THREE_DS_CARD = "4111111111111111"
NO_3DS_CARD = "4012001038443335"
NO_WAIT = RetryPolicy(attempts=3, backoff=0.0, max_backoff=0.0, reconcile_delay=0.0)


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with sandbox_server.SandboxServer(api_keys=[KEY], time_scale=1000) as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with make_http_client(connect_timeout=1.0, read_timeout=0.5) as client:
        yield client


@pytest.fixture
def client(http: httpx.Client, sandbox: Any) -> MspClient:
    return MspClient(http, sandbox.base_url, KEY, retry=NO_WAIT)


def card_order(order_id: str, card: str = THREE_DS_CARD, **gateway_info: Any) -> DirectCardOrder:
    example = fixture_json("request-credit-card-direct.json")
    example["order_id"] = order_id
    example["gateway_info"].update(card_number=card, card_expiry_date="3012", **gateway_info)
    return DirectCardOrder.model_validate(example)


def site_fault(http: httpx.Client, sandbox: Any, fault: str, paths: str = "/orders", count: int = 1) -> None:
    answer = http.post(
        sandbox.base_url + "_sandbox/faults",
        headers={"api_key": KEY},
        json={"fault": fault, "count": count, "paths": paths},
    )
    assert answer.status_code == 200, answer.text


def client_with_fault(sandbox: Any, fault: str) -> tuple[MspClient, httpx.Client]:
    http = make_http_client(connect_timeout=1.0, read_timeout=0.5)
    http.headers["X-Sandbox-Fault"] = fault
    return MspClient(http, sandbox.base_url, KEY, retry=NO_WAIT), http


def orders_named(client: MspClient, order_id: str) -> list[Any]:
    page = client.list_transactions(TransactionFilters(type="payment", limit=1000)).data
    return [t for t in page.transactions if t.order_id == order_id]


def test_identity_site_and_site_update(client: MspClient) -> None:
    me = client.me().data
    assert isinstance(me.site_id, int)
    site = client.get_site(me.site_id).data
    assert site.id == me.site_id
    updated = client.update_site(me.site_id, SiteUpdate(notification_url="https://example.com/hook"))
    assert updated.data.notification_url == "https://example.com/hook"
    assert client.get_site(me.site_id).data.notification_url == "https://example.com/hook"


def test_3ds_order_lookup_and_cancel(client: MspClient) -> None:
    created = client.create_direct_card_order(card_order("sb-3ds-1")).data
    assert created.needs_3ds
    assert created.status == "initialized"
    looked_up = client.get_order("sb-3ds-1")
    assert looked_up.data.transaction_id == created.transaction_id
    assert str(looked_up.data.transaction_id) in looked_up.text  # exact, not rounded
    client.cancel_order("sb-3ds-1")
    assert client.get_order("sb-3ds-1").data.financial_status == "cancelled"


def test_completed_order_partial_then_full_refund(client: MspClient) -> None:
    created = client.create_direct_card_order(card_order("sb-paid-1", NO_3DS_CARD, flexible_3d=False)).data
    assert created.status == "completed"
    partial = client.refund_partial("sb-paid-1", 40, "EUR").data
    assert partial.transaction_id == created.transaction_id
    assert partial.refund_id is not None
    assert client.get_order("sb-paid-1").data.amount_refunded == 40
    client.refund_full("sb-paid-1", "EUR")
    assert client.get_order("sb-paid-1").data.amount_refunded == 100


def test_wrong_key_and_unknown_order(http: httpx.Client, sandbox: Any, client: MspClient) -> None:
    stranger = MspClient(http, sandbox.base_url, "f" * 40, retry=NO_WAIT)
    with pytest.raises(InvalidApiKey):
        stranger.me()
    with pytest.raises(NotFound) as caught:
        client.get_order("does-not-exist")
    assert caught.value.code == 1006


@pytest.mark.parametrize(
    ("fault", "error", "attribute", "expected"),
    [
        ("html", ServerError, "http_status", 502),
        ("status=503", ServerError, "http_status", 503),
        ("malformed", MalformedResponse, "code", "not_json"),
        ("truncated", MalformedResponse, "code", "truncated"),
        ("drop", ConnectionDropped, "code", "connection_dropped"),
        ("latency=1500", RequestTimeout, "code", "timeout"),
    ],
)
def test_faults_on_every_request_become_typed_errors(
    sandbox: Any, fault: str, error: type[Exception], attribute: str, expected: object
) -> None:
    client, http = client_with_fault(sandbox, fault)
    with http, pytest.raises(error) as caught:
        client.me()
    assert getattr(caught.value, attribute) == expected


def test_latency_within_the_timeout_is_just_slow(sandbox: Any) -> None:
    client, http = client_with_fault(sandbox, "latency=100")
    with http:
        assert client.me().data.site_id is not None


def test_one_failing_get_is_retried(client: MspClient, http: httpx.Client, sandbox: Any) -> None:
    client.create_direct_card_order(card_order("sb-retry-1"))
    site_fault(http, sandbox, "status=503", paths="/orders/sb-retry-1")
    assert client.get_order("sb-retry-1").data.order_id == "sb-retry-1"


def test_timeout_after_create_leaves_exactly_one_order(
    client: MspClient, http: httpx.Client, sandbox: Any
) -> None:
    site_fault(http, sandbox, "slow-response=2000")
    result = client.create_direct_card_order(card_order("sb-slow-1"))
    assert result.reconciled
    assert result.data.order_id == "sb-slow-1"
    assert len(orders_named(client, "sb-slow-1")) == 1
    # Sending it again cannot make a second one: the order id is taken.
    with pytest.raises(ValidationFailed) as caught:
        client.create_direct_card_order(card_order("sb-slow-1"))
    assert caught.value.field == "order_id"
    assert len(orders_named(client, "sb-slow-1")) == 1


def test_truncated_create_answer_is_reconciled(client: MspClient, http: httpx.Client, sandbox: Any) -> None:
    site_fault(http, sandbox, "truncated")
    result = client.create_direct_card_order(card_order("sb-cut-1"))
    assert result.reconciled
    assert len(orders_named(client, "sb-cut-1")) == 1


def test_dropped_create_reports_not_created_and_retry_makes_one(
    client: MspClient, http: httpx.Client, sandbox: Any
) -> None:
    site_fault(http, sandbox, "drop")
    with pytest.raises(OrderNotCreated) as caught:
        client.create_direct_card_order(card_order("sb-drop-1"))
    assert "safe to try again" in caught.value.message
    assert orders_named(client, "sb-drop-1") == []
    assert not client.create_direct_card_order(card_order("sb-drop-1")).reconciled
    assert len(orders_named(client, "sb-drop-1")) == 1


def test_a_sandbox_that_is_gone_is_unreachable(http: httpx.Client) -> None:
    with sandbox_server.SandboxServer(api_keys=[KEY]) as server:
        base_url = server.base_url
    client = MspClient(http, base_url, KEY, retry=NO_WAIT)
    with pytest.raises(NetworkUnreachable) as caught:
        client.me()
    assert "Cannot reach 127.0.0.1" in caught.value.message


def test_a_refused_order_names_the_field(client: MspClient) -> None:
    order = card_order("sb-bad-amount").model_copy(update={"currency": "XXX"})
    with pytest.raises(ValidationFailed) as caught:
        client.create_direct_card_order(order)
    assert caught.value.code == 1002
    assert caught.value.field == "currency"
    assert KEY not in str(caught.value)
