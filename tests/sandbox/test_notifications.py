"""Webhook notifications: GET and POST deliveries, signatures, retries and the attempt log."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time

import httpx

from tests.sandbox.conftest import KEY_A, TIME_SCALE, Receiver, direct_order, wait_until

COMPLETES = "4012001038443335"


def independent_verify(key: str, header: str, body: bytes) -> bool:
    """MultiSafepay's documented check, written here without msp_desk.webhooks."""
    timestamp, _, signature = base64.b64decode(header).decode().partition(":")
    expected = hmac.new(key.encode(), timestamp.encode() + b":" + body, hashlib.sha512).hexdigest()
    return hmac.compare_digest(expected, signature) and abs(time.time() - int(timestamp)) < 600


def _with_hook(order_id: str, url: str, method: str | None = None) -> dict[str, object]:
    body = direct_order(order_id, COMPLETES)
    options = {"notification_url": url}
    if method:
        options["notification_method"] = method
    body["payment_options"] = options
    return body


def test_post_notification_is_signed_bare_order_json(
    client: httpx.Client, receiver: Receiver, order_id: str
) -> None:
    client.post("orders", json=_with_hook(order_id, receiver.url, "POST"))
    (got,) = receiver.wait_for(1)
    assert got.method == "POST"
    assert got.path == "/hook"
    assert got.query["shop"] == ["1"]
    assert got.query["transactionid"] == [order_id]
    timestamp = got.query["timestamp"][0]
    assert timestamp.isdigit()
    assert got.headers["Content-Type"] == "application/json"
    assert independent_verify(KEY_A, got.headers["Auth"], got.body)
    assert base64.b64decode(got.headers["Auth"]).decode().startswith(timestamp + ":")
    order = json.loads(got.body)
    assert "success" not in order
    assert order["order_id"] == order_id
    assert order["status"] == "completed"


def test_get_notification_has_no_body(client: httpx.Client, receiver: Receiver, order_id: str) -> None:
    client.post("orders", json=_with_hook(order_id, receiver.url, "GET"))
    (got,) = receiver.wait_for(1)
    assert got.method == "GET"
    assert got.body == b""
    assert got.query["transactionid"] == [order_id]
    assert "timestamp" in got.query


def test_retries_three_times_at_the_scaled_interval(
    client: httpx.Client, receiver: Receiver, order_id: str
) -> None:
    receiver.default = (500, "OK")  # OK in the body, but not a 200: still a failure
    client.post("orders", json=_with_hook(order_id, receiver.url))
    got = receiver.wait_for(4)
    time.sleep(900 / TIME_SCALE * 2)
    assert len(receiver.requests) == 4
    gaps = [b.at - a.at for a, b in itertools.pairwise(got)]
    assert all(gap >= 900 / TIME_SCALE * 0.9 for gap in gaps)
    log = client.get("_sandbox/notifications", params={"order_id": order_id}).json()["data"]
    assert [a["attempt"] for a in log] == [1, 2, 3, 4]
    assert [a["retry_scheduled"] for a in log] == [True, True, True, False]
    assert all(a["response_status"] == 500 and not a["acknowledged"] for a in log)
    assert log[0]["method"] == "POST"
    assert log[0]["url"].startswith(receiver.url + "&transactionid=")
    assert "Auth" in log[0]["request_headers"]
    assert json.loads(log[0]["request_body"])["order_id"] == order_id


def test_ok_answer_stops_retries(client: httpx.Client, receiver: Receiver, order_id: str) -> None:
    receiver.answers = [(200, "not yet"), (200, "ok, thanks")]
    client.post("orders", json=_with_hook(order_id, receiver.url))
    receiver.wait_for(2)
    time.sleep(900 / TIME_SCALE * 3)
    assert len(receiver.requests) == 2
    log = client.get("_sandbox/notifications", params={"order_id": order_id}).json()["data"]
    assert [(a["response_text"], a["acknowledged"]) for a in log] == [
        ("not yet", False),
        ("ok, thanks", True),
    ]


def test_unreachable_url_records_the_error(client: httpx.Client, order_id: str) -> None:
    client.post("orders", json=_with_hook(order_id, "http://127.0.0.1:9/closed"))
    wait_until(
        lambda: len(client.get("_sandbox/notifications", params={"order_id": order_id}).json()["data"]) >= 1
    )
    first = client.get("_sandbox/notifications", params={"order_id": order_id}).json()["data"][0]
    assert first["response_status"] is None
    assert "Connect" in first["error"]


def test_every_status_change_notifies_and_falls_back_to_the_site_url(
    client_b: httpx.Client, receiver: Receiver, order_id: str, sandbox: object
) -> None:
    site_id = client_b.get("me").json()["data"]["site_id"]
    client_b.patch(f"sites/{site_id}", json={"notification_url": receiver.url, "notification_method": "GET"})
    try:
        client_b.post("orders", json=direct_order(order_id, COMPLETES))
        client_b.patch(f"orders/{order_id}", json={"status": "shipped"})
        client_b.post(f"orders/{order_id}/refunds", json={"currency": "EUR", "amount": 100})
        got = receiver.wait_for(3)
    finally:
        client_b.patch(f"sites/{site_id}", json={"notification_url": None, "notification_method": "POST"})
    assert [r.method for r in got] == ["GET", "GET", "GET"]
    log = client_b.get("_sandbox/notifications", params={"order_id": order_id}).json()["data"]
    assert [a["event"] for a in log] == [
        "completed/completed",
        "shipped/completed",
        "partial_refunded/completed",
    ]


def test_notification_log_is_site_scoped(client: httpx.Client, client_b: httpx.Client, order_id: str) -> None:
    client.post("orders", json=_with_hook(order_id, "http://127.0.0.1:9/closed"))
    wait_until(
        lambda: client.get("_sandbox/notifications", params={"order_id": order_id}).json()["data"] != []
    )
    assert client_b.get("_sandbox/notifications", params={"order_id": order_id}).json()["data"] == []
    assert httpx.get(str(client.base_url) + "_sandbox/notifications").status_code == 401
