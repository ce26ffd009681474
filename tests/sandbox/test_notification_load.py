"""10,000 status changes notified to a merchant that fails 30% of the time: every one ends
acknowledged or failed after its last retry, none is lost, none is sent after an acknowledgement.

Retries are time-scaled (15 minutes become 0.1 s); the count is not. Deliveries go to a
loopback server only.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from msp_desk.sandbox.attempts import NotificationAttempt
from msp_desk.sandbox.engine import RETRY_INTERVAL
from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import direct_order

ORDERS = 10_000
FAILURE_RATE = 0.3
KEY = "9" * 36 + "0010"
TIME_SCALE = 9000.0  # the 15-minute retry interval becomes 0.1 s
CREATORS = 4
RETRY_SECONDS = RETRY_INTERVAL / TIME_SCALE


@dataclass
class FlakyMerchant:
    """Answers 500 to a random 30% of notifications and OK to the rest, remembering each answer."""

    url: str = ""
    answers: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    after_ok: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    rng: random.Random = field(default_factory=lambda: random.Random(20240601))

    def answer(self, order_id: str) -> bool:
        with self.lock:
            if any(self.answers[order_id]):
                self.after_ok.append(order_id)
            ok = self.rng.random() >= FAILURE_RATE
            self.answers[order_id].append(ok)
            return ok


@pytest.fixture
def merchant() -> Iterator[FlakyMerchant]:
    state = FlakyMerchant()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real merchant server would
        disable_nagle_algorithm = True  # headers and body go out in two writes

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            order_id = parse_qs(urlsplit(self.path).query)["transactionid"][0]
            ok = state.answer(order_id)
            payload = b"OK" if ok else b"Internal Server Error"
            self.send_response(200 if ok else 500)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/notify"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.mark.timeout(300)
def test_ten_thousand_notifications_to_a_flaky_merchant_all_end_accounted_for(
    merchant: FlakyMerchant,
) -> None:
    started = time.monotonic()
    with SandboxServer(api_keys=[KEY], time_scale=TIME_SCALE) as sandbox:
        clients = threading.local()
        opened: list[httpx.Client] = []

        def create(number: int) -> int:
            if not hasattr(clients, "http"):
                clients.http = httpx.Client(base_url=sandbox.base_url, headers={"api_key": KEY}, timeout=30)
                opened.append(clients.http)
            body = direct_order(f"load-{number}", "4012001038443335")  # completes at once: one change
            body["payment_options"] = {"notification_url": merchant.url}
            return int(clients.http.post("orders", json=body).status_code)

        try:
            with ThreadPoolExecutor(max_workers=CREATORS) as pool:
                assert set(pool.map(create, range(ORDERS))) == {200}
        finally:
            for http in opened:
                http.close()
        notifier = sandbox.engine.notifier
        assert notifier.wait_idle(timeout=300), f"{notifier.pending} deliveries still open"
        took = time.monotonic() - started
        site_id = sandbox.sites[0].site_id
        attempts = sandbox.engine.store.notification_attempts(site_id)

    by_order: dict[str, list[NotificationAttempt]] = defaultdict(list)
    for attempt in attempts:
        by_order[attempt.order_id].append(attempt)
    assert set(by_order) == {f"load-{number}" for number in range(ORDERS)}
    outcomes: dict[str, int] = defaultdict(int)
    for order_id, log in by_order.items():
        assert [a.attempt for a in log] == list(range(1, len(log) + 1)), order_id
        assert len({a.notification_id for a in log}) == 1, order_id
        *earlier, last = log
        assert all(a.outcome == "retrying" and not a.acknowledged for a in earlier), order_id
        # Each retry waits its (scaled) 15 minutes: never sent before the time its attempt named.
        for before, after in itertools.pairwise(log):
            assert before.next_retry_at is not None
            planned = _moment(before.next_retry_at) - _moment(before.time)
            assert abs(planned - RETRY_SECONDS) < 0.002, (order_id, planned)
            assert _moment(after.time) >= _moment(before.next_retry_at), order_id
        if last.acknowledged:
            assert last.outcome == "acknowledged"
        else:
            # Given up only after the first attempt and all 3 retries.
            assert (last.outcome, last.attempt, last.retries_left) == ("failed", 4, 0), order_id
        outcomes[last.outcome] += 1
        # None lost: the merchant saw exactly the attempts the sandbox logged, with the same answers.
        assert merchant.answers[order_id] == [a.response_status == 200 for a in log], order_id
    assert merchant.after_ok == []  # nothing sent after an acknowledgement
    assert set(merchant.answers) == set(by_order)
    # With 30% failures, about 0.3**4 = 0.8% give up; the rest get through.
    assert outcomes["acknowledged"] + outcomes["failed"] == ORDERS
    assert 0 < outcomes["failed"] < ORDERS * 0.03
    retried = sum(len(log) > 1 for log in by_order.values())
    assert ORDERS * 0.25 < retried < ORDERS * 0.35
    # The figures docs/reliability.md quotes (visible with -s).
    print(
        f"\nnotification load: {ORDERS} orders, {len(attempts)} attempts, "
        f"{outcomes['acknowledged']} acknowledged, {outcomes['failed']} failed after 4 attempts, "
        f"{retried} retried at least once, {took:.1f} s from first order to last outcome"
    )


def _moment(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).replace(tzinfo=dt.UTC).timestamp()
