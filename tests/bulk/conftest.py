"""A sandbox on loopback with orders to look up, per-id faults, and a log of the requests sent."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

import httpx
import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.http import make_http_client
from msp_desk.api.retry import RetryPolicy
from msp_desk.sandbox.server import SandboxServer

KEY = "b0b0b0b0" * 5
# No backoff between retries; a 429's Retry-After is still waited out.
QUICK = RetryPolicy(attempts=3, backoff=0.0, max_backoff=0.0, reconcile_delay=0.0)


@dataclass
class Sandbox:
    server: SandboxServer
    admin: httpx.Client

    def create_orders(self, ids: list[str], *, currency: str = "EUR", amount: int = 1230) -> None:
        for order_id in ids:
            body = {
                "type": "redirect",
                "order_id": order_id,
                "currency": currency,
                "amount": amount,
                "description": f"Bulk test order {order_id}",
            }
            answer = self.admin.post("orders", json=body)
            assert answer.status_code == 200, answer.text

    def fault(self, fault: str, *, paths: str = "/orders", count: int = 1) -> None:
        answer = self.admin.post("_sandbox/faults", json={"fault": fault, "count": count, "paths": paths})
        assert answer.status_code == 200, answer.text

    def clear_faults(self) -> None:
        self.admin.delete("_sandbox/faults").raise_for_status()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with (
        SandboxServer(api_keys=[KEY]) as server,
        httpx.Client(base_url=server.base_url, headers={"api_key": KEY}, timeout=10) as admin,
    ):
        yield Sandbox(server, admin)


@pytest.fixture(autouse=True)
def _no_faults_left(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").clear_faults()


@dataclass
class RequestLog:
    """Every GET /orders/{id} the engine sends (ids decoded), when, and how many were in flight at most."""

    sent: list[tuple[float, str]] = field(default_factory=list)
    answered: list[tuple[float, str, int]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_request(self, request: httpx.Request) -> None:
        with self.lock:
            self.sent.append((time.monotonic(), _order_id(request)))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def on_response(self, response: httpx.Response) -> None:
        with self.lock:
            self.in_flight -= 1
            self.answered.append((time.monotonic(), _order_id(response.request), response.status_code))

    def per_id(self) -> Counter[str]:
        with self.lock:
            return Counter(order_id for _, order_id in self.sent)


def _order_id(request: httpx.Request) -> str:
    return unquote(request.url.path.rsplit("/orders/", 1)[-1])


@pytest.fixture
def requests_seen() -> RequestLog:
    return RequestLog()


@pytest.fixture
def http(requests_seen: RequestLog) -> Iterator[httpx.Client]:
    with make_http_client(connect_timeout=2.0, read_timeout=10.0) as client:
        client.event_hooks = {"request": [requests_seen.on_request], "response": [requests_seen.on_response]}
        yield client


@pytest.fixture
def client(http: httpx.Client, sandbox: Sandbox) -> MspClient:
    return MspClient(http, sandbox.server.base_url, KEY, retry=QUICK)
