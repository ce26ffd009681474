"""The sandbox's own notification receiver: what it records, how it answers, and how a reader keeps up."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from msp_desk.sandbox.embedded import EmbeddedSandbox
from msp_desk.sandbox.receiver import AnswerMode, ReceivedNotification
from msp_desk.sandbox.server import SandboxServer
from msp_desk.webhooks.signature import sign
from tests.sandbox.conftest import direct_order, wait_until

KEY_R = "d" * 36 + "0004"
KEY_S = "e" * 36 + "0005"
COMPLETES = "4012001038443335"
SENDER_PATIENCE = 0.5


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(
        api_keys=[KEY_R, KEY_S], time_scale=20_000.0, notification_timeout=SENDER_PATIENCE
    ) as sandbox:
        yield sandbox


@pytest.fixture
def api(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers={"api_key": KEY_R}, timeout=10) as client:
        yield client


@pytest.fixture(autouse=True)
def answers_ok_again(server: SandboxServer) -> Iterator[None]:
    yield
    for site in server.sites:
        server.engine.receiver.set_mode(site.site_id, AnswerMode.OK)


def _order_to_receiver(api: httpx.Client, server: SandboxServer, order_id: str, method: str = "POST") -> None:
    body = direct_order(order_id, COMPLETES)
    body["payment_options"] = {"notification_url": server.receiver_url(), "notification_method": method}
    assert api.post("orders", json=body).status_code == 200


def _entries_for(server: SandboxServer, order_id: str) -> list[ReceivedNotification]:
    return [e for e in server.engine.receiver.since(0, 100_000) if e.transaction_id == order_id]


def test_a_sandbox_notification_is_recorded_whole_and_acknowledged(
    api: httpx.Client, server: SandboxServer, order_id: str
) -> None:
    _order_to_receiver(api, server, order_id)
    wait_until(lambda: len(_entries_for(server, order_id)) == 1)
    (entry,) = _entries_for(server, order_id)
    assert entry.site_id == server.sites[0].site_id
    assert entry.method == "POST"
    assert entry.url.startswith(f"{server.receiver_url()}?transactionid={order_id}&timestamp=")
    headers = dict(entry.headers)
    assert headers["content-type"] == "application/json"
    assert base64.b64decode(headers["auth"]).decode().split(":")[0] == entry.url.rsplit("=", 1)[1]
    order = json.loads(entry.body)
    assert (order["order_id"], order["status"]) == (order_id, "completed")
    assert entry.body_bytes == len(entry.body.encode())
    assert (entry.signature, entry.signature_detail) == (
        "valid",
        f"signed with website {server.sites[0].site_id}'s key",
    )
    assert (entry.mode, entry.answer_status, entry.answer_body) == ("ok", 200, "OK")
    # What the receiver got is exactly what the sender logged.
    wait_until(lambda: api.get("_sandbox/notifications", params={"order_id": order_id}).json()["data"] != [])
    (attempt,) = api.get("_sandbox/notifications", params={"order_id": order_id}).json()["data"]
    assert attempt["request_body"] == entry.body
    assert attempt["url"] == entry.url
    assert (attempt["acknowledged"], attempt["outcome"], attempt["response_text"]) == (
        True,
        "acknowledged",
        "OK",
    )


def test_get_notifications_carry_no_signature(
    api: httpx.Client, server: SandboxServer, order_id: str
) -> None:
    _order_to_receiver(api, server, order_id, method="GET")
    wait_until(lambda: len(_entries_for(server, order_id)) == 1)
    (entry,) = _entries_for(server, order_id)
    assert (entry.method, entry.body, entry.signature) == ("GET", "", "absent")


def test_signatures_are_checked_against_every_known_key(server: SandboxServer) -> None:
    url = server.receiver_url()
    body = b'{"order_id":"signed elsewhere","status":"completed"}'
    now = int(time.time())
    other_site = server.sites[1]
    cases = {
        "by the other site": (sign(KEY_S, now, body), "valid", f"website {other_site.site_id}'s key"),
        "by an unknown key": (sign("f" * 40, now, body), "invalid", "no sandbox website's key"),
        "too long ago": (sign(KEY_R, now - 3600, body), "invalid", "more than 600 s"),
        "not a header at all": ("garbage!", "invalid", "not base64"),
    }
    last = server.engine.receiver.last_id()
    for header, _, _ in cases.values():
        response = httpx.post(f"{url}?transactionid=signed", content=body, headers={"Auth": header})
        assert (response.status_code, response.text) == (200, "OK")
    entries = server.engine.receiver.since(last)
    assert len(entries) == len(cases)
    for entry, (name, (_, check, detail)) in zip(entries, cases.items(), strict=True):
        assert entry.signature == check, name
        assert detail in entry.signature_detail, name
    body_changed = httpx.post(url, content=body + b" ", headers={"Auth": sign(KEY_R, now, body)})
    assert body_changed.status_code == 200
    assert server.engine.receiver.since(entries[-1].id)[0].signature == "invalid"


@pytest.mark.parametrize(
    ("mode", "status", "text", "acknowledged"),
    [
        ("ok", 200, "OK", True),
        ("lowercase-ok", 200, "ok", True),
        ("http-500", 500, "Internal Server Error", False),
        ("redirect", 302, "", False),
        ("no-answer", None, "", False),
    ],
)
def test_each_answer_mode_as_the_sender_sees_it(
    api: httpx.Client,
    server: SandboxServer,
    order_id: str,
    mode: str,
    status: int | None,
    text: str,
    acknowledged: bool,
) -> None:
    _order_to_receiver(api, server, order_id)
    wait_until(lambda: len(_entries_for(server, order_id)) == 1)
    switched = api.put("_sandbox/receiver", json={"mode": mode}).json()["data"]
    assert switched["mode"] == mode
    resent = api.post(f"_sandbox/orders/{order_id}/notify", json={})
    assert resent.status_code == 200, resent.text
    attempt = resent.json()["data"]
    assert (attempt["response_status"], attempt["response_text"]) == (status, text)
    assert attempt["acknowledged"] is acknowledged
    if mode == "no-answer":
        assert attempt["error"].startswith("ReadTimeout")
        assert attempt["duration_ms"] >= SENDER_PATIENCE * 1000 * 0.9
    entry = _entries_for(server, order_id)[-1]
    assert (entry.mode, entry.answer_status) == (mode, status)
    if mode == "redirect":
        direct = httpx.get(server.receiver_url())
        assert (direct.status_code, direct.headers["location"]) == (302, "/")


def test_a_held_connection_is_recorded_at_once_and_released_when_the_sender_leaves(
    server: SandboxServer,
) -> None:
    site_id = server.sites[1].site_id
    server.engine.receiver.set_mode(site_id, "no-answer")
    last = server.engine.receiver.last_id()
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(server.receiver_url(site_id), content=b"{}", timeout=0.3)
    (entry,) = server.engine.receiver.since(last)
    assert (entry.site_id, entry.answer_status, entry.answer_body) == (site_id, None, None)
    # The other website still answers as usual: modes are per website.
    assert httpx.post(server.receiver_url(), content=b"{}").text == "OK"


def test_the_json_api_is_per_website(server: SandboxServer, api: httpx.Client) -> None:
    with httpx.Client(base_url=server.base_url, headers={"api_key": KEY_S}, timeout=10) as other:
        other.delete("_sandbox/receiver/notifications")
        settings = other.get("_sandbox/receiver").json()["data"]
        assert settings["url"] == server.receiver_url(server.sites[1].site_id)
        assert settings["mode"] == "ok"
        assert settings["modes"] == ["ok", "lowercase-ok", "http-500", "redirect", "no-answer"]
        for number in range(5):
            httpx.post(settings["url"], content=f'{{"n":{number}}}'.encode())
        mine = other.get("_sandbox/receiver/notifications").json()["data"]
        assert [json.loads(e["body"])["n"] for e in mine] == [0, 1, 2, 3, 4]
        page = other.get("_sandbox/receiver/notifications", params={"since": mine[1]["id"], "limit": 2})
        assert [e["id"] for e in page.json()["data"]] == [mine[2]["id"], mine[3]["id"]]
        assert mine[0]["headers"][0][0] == "host"
        theirs = api.get("_sandbox/receiver/notifications", params={"since": mine[0]["id"] - 1}).json()
        assert all(e["site_id"] == server.sites[0].site_id for e in theirs["data"])
        assert other.delete("_sandbox/receiver/notifications").json()["data"] == {"cleared": 5}
        assert other.get("_sandbox/receiver/notifications").json()["data"] == []
    bad = api.put("_sandbox/receiver", json={"mode": "sometimes"})
    assert bad.status_code == 400
    assert bad.json()["error_info"].startswith("Invalid mode: 'sometimes' is not one of ok,")
    assert api.get("_sandbox/receiver/notifications", params={"limit": "0"}).status_code == 400
    assert httpx.get(server.base_url + "_sandbox/receiver").status_code == 401


def test_the_receiver_refuses_what_is_no_notification(server: SandboxServer) -> None:
    unknown = httpx.post(f"{server.root_url}/_sandbox/receiver/1", content=b"{}")
    assert (unknown.status_code, unknown.text) == (404, "No sandbox website 1")
    wrong = httpx.put(server.receiver_url(), content=b"{}")
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "GET, POST")
    huge = httpx.post(server.receiver_url(), content=b"x" * 1_000_001)
    assert huge.status_code == 413


def test_a_burst_of_a_thousand_is_kept_whole_for_pollers_and_subscribers(server: SandboxServer) -> None:
    receiver = server.engine.receiver
    pushed: list[ReceivedNotification] = []
    lock = threading.Lock()

    def collect(entry: ReceivedNotification) -> None:
        with lock:
            pushed.append(entry)

    start = receiver.last_id()
    unsubscribe = receiver.subscribe(collect)
    url = server.receiver_url()
    timestamp = int(time.time())

    clients = threading.local()

    def one(number: int) -> int:
        if not hasattr(clients, "http"):
            clients.http = httpx.Client(timeout=30)
            opened.append(clients.http)
        body = json.dumps({"order_id": f"burst-{number}", "n": number}).encode()
        headers = {"Auth": sign(KEY_R, timestamp, body), "Content-Type": "application/json"}
        answer = clients.http.post(f"{url}?transactionid=burst-{number}", content=body, headers=headers)
        return answer.status_code

    opened: list[httpx.Client] = []
    try:
        # 1,000 requests from 32 connections at once: the burst arrives faster than one at a time.
        with ThreadPoolExecutor(max_workers=32) as pool:
            assert set(pool.map(one, range(1000))) == {200}
    finally:
        unsubscribe()
        for http in opened:
            http.close()
    polled: list[ReceivedNotification] = []
    last = start
    for _ in range(20):  # pages of 100, as a screen would poll
        page = receiver.since(last, 100)
        if not page:
            break
        polled += page
        last = page[-1].id
    numbers = sorted(json.loads(e.body)["n"] for e in polled)
    assert numbers == list(range(1000))
    assert [e.id for e in polled] == sorted({e.id for e in polled})
    assert all(e.signature == "valid" for e in polled)
    assert sorted(e.id for e in pushed) == [e.id for e in polled]
    receiver.subscribe(collect)()  # subscribe and unsubscribe at once: no more pushes
    httpx.post(url, content=b"{}")
    assert len(pushed) == 1000


def test_an_embedder_gets_the_receiver_and_its_url(tmp_path: Path) -> None:
    embedded = EmbeddedSandbox(state_path=tmp_path / "sandbox.sqlite3")
    try:
        url = embedded.receiver_url()
        assert embedded.running
        server = embedded.server
        assert server is not None
        assert url == f"{server.root_url}/_sandbox/receiver/{server.sites[0].site_id}"
        assert len(url) <= 150  # fits MultiSafepay's notification_url limit
        assert httpx.get(url + "?transactionid=x&timestamp=1").text == "OK"
        (entry,) = embedded.receiver().since(0)
        assert (entry.transaction_id, entry.signature) == ("x", "absent")
    finally:
        embedded.stop()
