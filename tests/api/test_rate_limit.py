"""HTTP 429: the client waits what Retry-After asks (within a cap) and tries again, against the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.errors import RateLimited, ServerError
from msp_desk.api.http import make_http_client
from msp_desk.api.retry import RetryPolicy, retry_after_seconds
from msp_desk.sandbox.server import SandboxServer

KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(api_keys=[KEY]) as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with make_http_client(connect_timeout=1.0, read_timeout=2.0) as client:
        yield client


def client_for(http: httpx.Client, sandbox: SandboxServer, waits: list[float], **policy: Any) -> MspClient:
    retry = RetryPolicy(backoff=0.25, max_backoff=1.0, sleep=waits.append, **policy)
    return MspClient(http, sandbox.base_url, KEY, retry=retry)


def test_a_429_is_waited_out_then_retried(http: httpx.Client, sandbox: SandboxServer) -> None:
    http.post(
        sandbox.base_url + "_sandbox/faults",
        headers={"api_key": KEY},
        json={"fault": "status=429,retry-after=2", "count": 1, "paths": "/me"},
    ).raise_for_status()
    waits: list[float] = []
    assert client_for(http, sandbox, waits).me().data.site_id is not None
    assert waits == [2.0]


def test_a_lasting_429_is_a_typed_error_carrying_the_wait(http: httpx.Client, sandbox: SandboxServer) -> None:
    http.headers["X-Sandbox-Fault"] = "status=429,retry-after=3"
    waits: list[float] = []
    with pytest.raises(RateLimited) as caught:
        client_for(http, sandbox, waits).get_order("any")
    assert caught.value.retry_after == 3.0
    assert caught.value.attempts == 3
    assert caught.value.http_status == 429
    assert "HTTP 429" in caught.value.message
    assert "wait 3 s" in caught.value.message
    assert waits == [3.0, 3.0]


def test_the_wait_is_capped_and_falls_back_to_backoff(http: httpx.Client, sandbox: SandboxServer) -> None:
    waits: list[float] = []
    http.headers["X-Sandbox-Fault"] = "status=429,retry-after=3600"
    with pytest.raises(RateLimited):
        client_for(http, sandbox, waits, max_retry_after=5.0).me()
    assert waits == [5.0, 5.0]
    waits.clear()
    http.headers["X-Sandbox-Fault"] = "status=429"
    with pytest.raises(RateLimited) as caught:
        client_for(http, sandbox, waits).me()
    assert caught.value.retry_after is None
    assert waits == [0.25, 0.5]


def test_a_rate_limit_hook_does_the_waiting(http: httpx.Client, sandbox: SandboxServer) -> None:
    waits: list[float] = []
    held: list[float] = []
    http.headers["X-Sandbox-Fault"] = "status=429,retry-after=1"
    with pytest.raises(RateLimited):
        client_for(http, sandbox, waits, attempts=2, rate_limit_wait=held.append).me()
    assert (held, waits) == ([1.0], [])


def test_a_429_on_create_is_looked_up_and_never_sent_again(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    from msp_desk.api.errors import OrderNotCreated
    from msp_desk.api.request_models import DirectCardOrder
    from tests.sandbox.conftest import direct_order

    order_id = f"limited-{datetime.now(UTC).timestamp()}"
    http.post(
        sandbox.base_url + "_sandbox/faults",
        headers={"api_key": KEY},
        json={"fault": "status=429,retry-after=1", "count": 1, "paths": "/orders", "method": "POST"},
    ).raise_for_status()
    order = DirectCardOrder.model_validate(direct_order(order_id, "4012001038443335"))
    with pytest.raises(OrderNotCreated) as caught:
        client_for(http, sandbox, [], reconcile_delay=0.0).create_direct_card_order(order)
    assert caught.value.message == (
        f"Order {order_id} was not created (127.0.0.1:{sandbox.port} is limiting the request rate "
        "(HTTP 429); it asks to wait 1 s); it is safe to try again with the same order ID."
    )


def test_other_errors_count_their_attempts(http: httpx.Client, sandbox: SandboxServer) -> None:
    http.headers["X-Sandbox-Fault"] = "status=503"
    with pytest.raises(ServerError) as caught:
        client_for(http, sandbox, []).me()
    assert caught.value.attempts == 3


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        (" 120 ", 120.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        (None, None),
    ],
)
def test_retry_after_header_forms(header: str | None, seconds: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert retry_after_seconds(header, now) == seconds
