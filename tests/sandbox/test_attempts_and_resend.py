"""The delivery attempt log (outcome, next retry, headers) and resending a notification on demand."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import time
from urllib.parse import quote

import httpx
import pytest

from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import TIME_SCALE, Receiver, direct_order, wait_until

COMPLETES = "4012001038443335"
INTERVAL = 900 / TIME_SCALE


def _order(client: httpx.Client, order_id: str, url: str | None) -> None:
    body = direct_order(order_id, COMPLETES)
    body["payment_options"] = {"notification_url": url} if url else {}
    assert client.post("orders", json=body).status_code == 200


def _log(client: httpx.Client, order_id: str) -> list[dict[str, object]]:
    data: list[dict[str, object]] = client.get(
        "_sandbox/notifications", params={"order_id": order_id}
    ).json()["data"]
    return data


def test_each_attempt_says_its_outcome_and_when_the_next_one_comes(
    client: httpx.Client, receiver: Receiver, order_id: str
) -> None:
    receiver.answers = [(503, "busy"), (302, ""), (200, "not now")]
    receiver.default = (200, "OK")
    _order(client, order_id, receiver.url)
    receiver.wait_for(4)
    wait_until(lambda: len(_log(client, order_id)) == 4)
    log = _log(client, order_id)
    assert [a["attempt"] for a in log] == [1, 2, 3, 4]
    assert [(a["response_status"], a["response_text"]) for a in log] == [
        (503, "busy"),
        (302, ""),
        (200, "not now"),
        (200, "OK"),
    ]
    assert [a["outcome"] for a in log] == ["retrying", "retrying", "retrying", "acknowledged"]
    assert [a["retries_left"] for a in log] == [3, 2, 1, 0]
    assert len({a["notification_id"] for a in log}) == 1
    assert {a["trigger"] for a in log} == {"status change"}
    for earlier, later in itertools.pairwise(log):
        planned = dt.datetime.fromisoformat(str(earlier["next_retry_at"]))
        sent = dt.datetime.fromisoformat(str(later["time"]))
        assert planned - dt.datetime.fromisoformat(str(earlier["time"])) == pytest.approx(
            dt.timedelta(seconds=INTERVAL), abs=dt.timedelta(milliseconds=2)
        )
        assert sent >= planned - dt.timedelta(milliseconds=5)
    assert log[-1]["next_retry_at"] is None
    headers = log[0]["request_headers"]
    assert isinstance(headers, dict)
    assert headers["Content-Type"] == "application/json"
    assert base64.b64decode(headers["Auth"]).decode().startswith(f"{log[0]['timestamp']}:")
    time.sleep(INTERVAL * 3)
    assert len(receiver.requests) == 4  # nothing after the acknowledgement


def test_a_delivery_that_never_gets_through_ends_failed(client: httpx.Client, order_id: str) -> None:
    _order(client, order_id, "http://127.0.0.1:9/closed")
    wait_until(lambda: len(_log(client, order_id)) == 4)
    time.sleep(INTERVAL * 2)
    log = _log(client, order_id)
    assert len(log) == 4
    last = log[-1]
    assert (last["outcome"], last["retries_left"], last["next_retry_at"], last["retry_scheduled"]) == (
        "failed",
        0,
        None,
        False,
    )
    assert str(last["error"]).startswith("ConnectError")


def test_resend_signs_afresh_and_is_logged_once(
    client: httpx.Client, receiver: Receiver, order_id: str
) -> None:
    _order(client, order_id, receiver.url)
    (first,) = receiver.wait_for(1)
    time.sleep(1.1)  # a new second, so the new timestamp differs
    receiver.default = (500, "still broken")
    resent = client.post(f"_sandbox/orders/{order_id}/notify")
    assert resent.status_code == 200, resent.text
    attempt = resent.json()["data"]
    assert (attempt["trigger"], attempt["attempt"], attempt["response_status"]) == ("resend", 1, 500)
    assert (attempt["outcome"], attempt["retries_left"], attempt["next_retry_at"]) == ("failed", 0, None)
    second = receiver.requests[1]
    assert second.query["timestamp"] != first.query["timestamp"]
    assert second.headers["Auth"] != first.headers["Auth"]
    assert json.loads(second.body) == json.loads(first.body)
    time.sleep(INTERVAL * 2)
    assert len(receiver.requests) == 2  # a resend is one attempt, without retries
    assert [a["trigger"] for a in _log(client, order_id)] == ["status change", "resend"]


def test_resend_elsewhere_by_get(client: httpx.Client, receiver: Receiver, order_id: str) -> None:
    _order(client, order_id, None)  # no notification URL anywhere
    missing = client.post(f"_sandbox/orders/{order_id}/notify", json={})
    assert missing.status_code == 400
    assert missing.json()["error_info"].startswith("Missing url:")
    resent = client.post(f"_sandbox/orders/{order_id}/notify", json={"url": receiver.url, "method": "get"})
    assert resent.json()["data"]["acknowledged"] is True
    (got,) = receiver.wait_for(1)
    assert (got.method, got.query["transactionid"], got.body) == ("GET", [order_id], b"")


def test_resend_to_the_receiver_shows_in_both_logs(
    client: httpx.Client, sandbox: SandboxServer, order_id: str
) -> None:
    _order(client, order_id, None)
    before = sandbox.engine.receiver.last_id()
    attempt = client.post(
        f"_sandbox/orders/{quote(order_id, safe='')}/notify", json={"url": sandbox.receiver_url()}
    ).json()["data"]
    (entry,) = [e for e in sandbox.engine.receiver.since(before) if e.transaction_id == order_id]
    assert entry.url == attempt["url"]
    assert entry.body == attempt["request_body"]
    assert entry.signature == "valid"
    assert attempt["outcome"] == "acknowledged"


def test_resend_from_python_returns_the_logged_attempt(
    client: httpx.Client, sandbox: SandboxServer, receiver: Receiver, order_id: str
) -> None:
    slashed = f"{order_id[-10:]}/a/b"
    _order(client, slashed, receiver.url)
    receiver.wait_for(1)
    site = sandbox.sites[0]
    attempt = sandbox.engine.resend_notification(site, slashed).result(timeout=10)
    assert attempt is not None
    assert (attempt.order_id, attempt.trigger, attempt.acknowledged) == (slashed, "resend", True)
    logged = sandbox.engine.store.notification_attempts(site.site_id, slashed)
    assert logged[-1] == attempt
    by_http = client.post(f"_sandbox/orders/{quote(slashed, safe='')}/notify").json()["data"]
    assert by_http["order_id"] == slashed


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"url": "ftp://example.com/x"}, 400, "Invalid url:"),
        ({"method": "PUT"}, 400, "Invalid method:"),
        ({"method": 1}, 400, "Invalid method:"),
    ],
)
def test_resend_refusals_name_the_field(
    client: httpx.Client, order_id: str, body: dict[str, object], status: int, message: str
) -> None:
    _order(client, order_id, "http://127.0.0.1:9/closed")
    response = client.post(f"_sandbox/orders/{order_id}/notify", json=body)
    assert response.status_code == status
    assert response.json()["error_info"].startswith(message)


def test_resend_of_an_unknown_or_foreign_order_is_1006(
    client: httpx.Client, client_b: httpx.Client, order_id: str
) -> None:
    assert client.post("_sandbox/orders/no-such-order/notify").json()["error_code"] == 1006
    assert client.get("_sandbox/orders/x/notify").status_code == 405
    assert client.post("_sandbox/orders/x/other").status_code == 404
    assert httpx.post(str(client.base_url) + "_sandbox/orders/x/notify").status_code == 401
    _order(client, order_id, "http://127.0.0.1:9/closed")
    foreign = client_b.post(f"_sandbox/orders/{order_id}/notify")
    assert (foreign.status_code, foreign.json()["error_code"]) == (404, 1006)


def test_the_attempt_log_pages_with_since(client: httpx.Client, order_id: str) -> None:
    for n in range(3):
        _order(client, f"{order_id}-{n}", "http://127.0.0.1:9/closed")
    wait_until(lambda: len(client.get("_sandbox/notifications").json()["data"]) >= 3)
    everything = client.get("_sandbox/notifications").json()["data"]
    ids = [a["id"] for a in everything]
    assert ids == sorted(ids)
    page = client.get("_sandbox/notifications", params={"since": ids[0], "limit": 2}).json()["data"]
    assert [a["id"] for a in page] == ids[1:3]
    assert client.get("_sandbox/notifications", params={"since": "-1"}).status_code == 400
