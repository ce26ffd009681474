from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from msp_desk.sandbox.server import SandboxServer

FIXTURES = Path(__file__).parent / "fixtures"
KEY_A = "a" * 36 + "0001"
KEY_B = "b" * 36 + "0002"
TIME_SCALE = 2000.0


def schema(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / "schemas" / f"{name}.json").read_text())


def assert_valid(instance: Any, schema_name: str) -> None:
    validator = jsonschema.Draft7Validator(schema(schema_name))
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def future_expiry() -> str:
    return f"{(time.gmtime().tm_year + 3) % 100:02d}12"


def direct_order(order_id: str, card: str = "4111111111111111", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "direct",
        "order_id": order_id,
        "currency": "EUR",
        "amount": 1000,
        "gateway": "CREDITCARD",
        "description": "Sandbox test order",
        "payment_options": {
            "redirect_url": "https://shop.example/return?lang=nl",
            "cancel_url": "https://shop.example/cancelled",
        },
        "customer": {
            "locale": "nl_NL",
            "ip_address": "89.20.162.110",
            "country": "NL",
            "email": "a@example.com",
        },
        "gateway_info": {
            "card_number": card,
            "card_holder_name": "Test Holder",
            "card_expiry_date": future_expiry(),
            "card_cvc": "1234" if card.startswith("3") else "123",
        },
    }
    body.update(overrides)
    return body


def form_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def run_3ds(
    client: httpx.Client, order_id: str, card: str, choice: str, **overrides: object
) -> httpx.Response:
    """Submit the auto-posting form to the ACS, then click a button: what a browser does."""
    data = client.post("orders", json=direct_order(order_id, card, **overrides)).json()["data"]
    html = data["customer_verification"]["html"]
    action = re.search(r'action="([^"]+)"', html)
    assert action is not None
    fields = form_fields(html)
    acs = httpx.post(action.group(1), data=fields)
    assert acs.status_code == 200
    for element_id in ("auth-Y", "auth-N", "auth-R", "auth-A", "auth-cancel"):
        assert f'id="{element_id}"' in acs.text
    term = re.search(r'<form method="post" action="([^"]+)"', acs.text)
    assert term is not None
    assert term.group(1) == fields["TermUrl"].replace("&amp;", "&")
    return httpx.post(term.group(1), data={"MD": fields["MD"], "PaRes": choice})


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(api_keys=[KEY_A, KEY_B], time_scale=TIME_SCALE) as server:
        yield server


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url, headers={"api_key": KEY_A}, timeout=10) as c:
        yield c


@pytest.fixture
def client_b(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url, headers={"api_key": KEY_B}, timeout=10) as c:
        yield c


_counter = iter(range(1, 10**9))


@pytest.fixture
def order_id(request: pytest.FixtureRequest) -> str:
    """Unique per test, since the session-wide sandbox keeps every order."""
    return f"{request.node.name[:30]}-{next(_counter)}-{time.monotonic_ns() % 10**6}"


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """A tiny merchant webhook endpoint on loopback whose answers a test can script."""

    url: str
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, str]] = field(default_factory=list)
    default: tuple[int, str] = (200, "OK")
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.01)
        raise AssertionError(f"expected {count} notifications, got {len(self.requests)}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    from urllib.parse import parse_qs, urlsplit

    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            rec = state["r"]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            with rec.lock:
                rec.requests.append(
                    Received(
                        self.command,
                        parts.path,
                        parse_qs(parts.query),
                        {k: v for k, v in self.headers.items()},
                        body,
                        time.monotonic(),
                    )
                )
                status, text = rec.answers.pop(0) if rec.answers else rec.default
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = _handle
        do_POST = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook?shop=1")
    state["r"] = rec
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A refused request is the client's mistake: nothing may reach the log as an error or traceback."""
    caplog.set_level(logging.WARNING)
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, [r.getMessage() for r in errors]


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.01)
    raise AssertionError("condition not reached in time")
