"""Fault injection per request (X-Sandbox-Fault) and per site (/_sandbox/faults)."""

from __future__ import annotations

import contextlib
import json
import logging
import time

import httpx
import pytest

from tests.sandbox.conftest import direct_order


def test_status_fault_answers_without_handling(client: httpx.Client, order_id: str) -> None:
    response = client.post("orders", json=direct_order(order_id), headers={"X-Sandbox-Fault": "status=503"})
    assert response.status_code == 503
    body = response.json()
    assert body["success"] is False
    assert body["data"] == {}
    assert isinstance(body["error_code"], int)
    assert client.get(f"orders/{order_id}").status_code == 404


def test_html_fault(client: httpx.Client) -> None:
    response = client.get("me", headers={"X-Sandbox-Fault": "html"})
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>502 Bad Gateway</h1>" in response.text


def test_malformed_fault(client: httpx.Client) -> None:
    response = client.get("me", headers={"X-Sandbox-Fault": "malformed"})
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_truncated_fault_handles_then_cuts_the_body(client: httpx.Client, order_id: str) -> None:
    response = client.post("orders", json=direct_order(order_id), headers={"X-Sandbox-Fault": "truncated"})
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    assert response.text.startswith('{"success":true')
    assert client.get(f"orders/{order_id}").status_code == 200


def test_drop_fault_closes_without_response(client: httpx.Client) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("me", headers={"X-Sandbox-Fault": "drop"})
    assert client.get("me").status_code == 200


def test_reset_fault_resets_the_connection_without_handling(client: httpx.Client, order_id: str) -> None:
    # A RST, not the orderly close of ``drop``: the client reads "connection reset by peer".
    with pytest.raises(httpx.ReadError, match="reset"):
        client.get("me", headers={"X-Sandbox-Fault": "reset"})
    # With a body on its way the RST may meet the client's write first; then its read sees only the end.
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        client.post("orders", json=direct_order(order_id), headers={"X-Sandbox-Fault": "reset"})
    assert client.get(f"orders/{order_id}").status_code == 404
    assert client.get("me").status_code == 200


@pytest.mark.parametrize(
    ("status", "code", "info"),
    [(401, 1032, "Invalid API key"), (404, 1006, "Invalid transaction ID")],
)
def test_401_and_404_faults_carry_multisafepays_codes(
    client: httpx.Client, status: int, code: int, info: str
) -> None:
    response = client.get("orders/x", headers={"X-Sandbox-Fault": f"status={status}"})
    assert response.status_code == status
    assert response.json() == {"success": False, "data": {}, "error_code": code, "error_info": info}


def test_a_field_fault_refuses_that_field_as_validation_does(client: httpx.Client) -> None:
    response = client.get("me", headers={"X-Sandbox-Fault": "status=422,field=notification_url"})
    assert response.status_code == 422
    body = response.json()
    assert body["error_code"] == 1000
    assert body["errors"][0]["attribute"] == "notification_url"
    assert "notification_url" in body["message"]
    plain = client.get("me", headers={"X-Sandbox-Fault": "status=400,field=amount"}).json()
    assert plain["error_info"].startswith("Invalid amount")
    assert "errors" not in plain


@pytest.mark.parametrize(
    ("fault", "named"),
    [
        ("field=url", "goes with status="),
        ("status=422,field", "field"),
        ("status=422,field=Bad Name", "field"),
    ],
)
def test_invalid_field_fault_is_refused_by_name(client: httpx.Client, fault: str, named: str) -> None:
    bad = client.get("me", headers={"X-Sandbox-Fault": fault})
    assert bad.status_code == 400
    assert named in bad.json()["error_info"]


def test_a_site_rule_can_be_limited_to_one_method(client: httpx.Client, sandbox) -> None:
    site_id = sandbox.sites[0].site_id
    added = client.post("_sandbox/faults", json={"fault": "status=503", "paths": "/sites", "method": "patch"})
    assert added.json()["data"]["method"] == "PATCH"
    assert client.get(f"sites/{site_id}").status_code == 200  # a GET of the same path passes
    assert client.patch(f"sites/{site_id}", json={"name": "Shop"}).status_code == 503
    assert client.get("_sandbox/faults").json()["data"] == []
    bad = client.post("_sandbox/faults", json={"fault": "status=503", "method": "FETCH"})
    assert bad.status_code == 400
    assert "Invalid method" in bad.json()["error_info"]


def test_latency_fault_delays(client: httpx.Client) -> None:
    started = time.monotonic()
    response = client.get("me", headers={"X-Sandbox-Fault": "latency=300"})
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200


def test_slow_response_creates_the_order_before_the_client_gives_up(
    client: httpx.Client, order_id: str
) -> None:
    with pytest.raises(httpx.ReadTimeout):
        client.post(
            "orders",
            json=direct_order(order_id),
            headers={"X-Sandbox-Fault": "slow-response=1500"},
            timeout=0.3,
        )
    assert client.get(f"orders/{order_id}").json()["data"]["order_id"] == order_id


def test_combined_and_invalid_fault_header(client: httpx.Client) -> None:
    assert client.get("me", headers={"X-Sandbox-Fault": "latency=10, status=500"}).status_code == 500
    bad = client.get("me", headers={"X-Sandbox-Fault": "explode"})
    assert bad.status_code == 400
    assert "explode" in bad.json()["error_info"]


def test_site_faults_hit_the_next_matching_requests_only(
    client: httpx.Client, client_b: httpx.Client
) -> None:
    added = client.post("_sandbox/faults", json={"fault": "status=502", "count": 2, "paths": "/orders"})
    assert added.status_code == 200
    assert added.json()["data"]["remaining"] == 2
    assert client.get("_sandbox/faults").json()["data"][0]["fault"] == "status=502"
    assert client.get("me").status_code == 200  # path does not match
    assert client_b.get("orders/x").status_code == 404  # other site unaffected
    assert client.get("orders/x").status_code == 502
    assert client.get("orders/x").status_code == 502
    assert client.get("orders/x").status_code == 404
    assert client.get("_sandbox/faults").json()["data"] == []


def test_site_faults_can_be_cleared_and_are_validated(client: httpx.Client) -> None:
    client.post("_sandbox/faults", json={"fault": "drop", "count": 100})
    assert client.delete("_sandbox/faults").json()["data"]["cleared"] == 1
    assert client.get("me").status_code == 200
    bad = client.post("_sandbox/faults", json={"fault": "status=200"})
    assert bad.status_code == 400
    assert "status" in bad.json()["error_info"]
    assert client.post("_sandbox/faults", json={"fault": "html", "count": 0}).status_code == 400


def test_faults_leave_no_traceback_in_the_log(client: httpx.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for fault in (
        "drop",
        "reset",
        "status=500",
        "status=422,field=url",
        "status=429,retry-after=1",
        "html",
        "malformed",
        "truncated",
        "latency=1",
        "slow-response=1",
    ):
        with contextlib.suppress(httpx.HTTPError):
            client.get("me", headers={"X-Sandbox-Fault": fault})
    assert client.get("me").status_code == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_rate_limit_fault_sends_retry_after(client: httpx.Client) -> None:
    response = client.get("me", headers={"X-Sandbox-Fault": "status=429,retry-after=2"})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.json()["success"] is False
    assert "Too many requests" in response.json()["error_info"]
    assert "retry-after" not in client.get("me", headers={"X-Sandbox-Fault": "status=429"}).headers


def test_rate_limit_fault_as_a_site_rule(client: httpx.Client) -> None:
    added = client.post("_sandbox/faults", json={"fault": "status=429, retry-after=7", "count": 1})
    assert added.json()["data"]["fault"] == "status=429,retry-after=7"
    limited = client.get("me")
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "7")
    assert client.get("me").status_code == 200


@pytest.mark.parametrize(
    ("fault", "named"),
    [("retry-after=2", "goes with status="), ("status=429,retry-after=-1", "retry-after"),
     ("status=429,retry-after=3601", "0..3600"), ("status=429,retry-after", "retry-after")],
)  # fmt: skip
def test_invalid_retry_after_is_refused_by_name(client: httpx.Client, fault: str, named: str) -> None:
    bad = client.get("me", headers={"X-Sandbox-Fault": fault})
    assert bad.status_code == 400
    assert named in bad.json()["error_info"]
