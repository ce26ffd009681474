"""POST and GET /orders: MultiSafepay's shapes, validation and error codes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import FIXTURES, assert_valid, direct_order, future_expiry


def test_direct_3ds_order_is_initialized_with_form_and_payment_url(
    client: httpx.Client, order_id: str
) -> None:
    response = client.post("orders", json=direct_order(order_id, "5500000000000004"))
    assert response.status_code == 200
    body = response.json()
    assert_valid(body, "post_orders_200")
    assert_valid({"success": True, "data": body["data"]}, "get_order_200")
    data = body["data"]
    assert data["status"] == data["financial_status"] == "initialized"
    assert isinstance(data["transaction_id"], int)
    assert len(str(data["transaction_id"])) == 16
    assert data["transaction_id"] < 2**53
    assert data["customer_verification"]["type"] == "form"
    html = data["customer_verification"]["html"]
    for needle in (
        'name="PaReq"',
        'name="MD"',
        'name="TermUrl"',
        "/3ds2/sim/acs",
        "/direct/complete/?mspid=",
    ):
        assert needle in html
    assert str(data["transaction_id"]) in html
    assert data["payment_url"].startswith(client.base_url.scheme + "://")
    details = data["payment_details"]
    assert details["type"] == "MASTERCARD"
    assert details["last4"] == "0004"
    assert details["card_expiry_date"] == future_expiry()
    assert data["payment_methods"][0]["status"] == "initialized"
    assert data["amount"] == 1000
    assert data["amount_refunded"] == 0
    assert data["created"][10] == "T"
    assert len(data["created"]) == 19


def test_get_order_returns_the_stored_order_without_verification_extras(
    client: httpx.Client, order_id: str
) -> None:
    created = client.post("orders", json=direct_order(order_id)).json()["data"]
    response = client.get(f"orders/{order_id}")
    assert response.status_code == 200
    body = response.json()
    assert_valid(body, "get_order_200")
    assert body["data"]["transaction_id"] == created["transaction_id"]
    assert "customer_verification" not in body["data"]
    assert "payment_url" not in body["data"]
    assert body["data"]["customer"]["country_name"] == "Netherlands"
    assert body["data"]["customer"]["locale"] == "nl_NL"


def test_not_enrolled_card_completes_at_once(client: httpx.Client, order_id: str) -> None:
    data = client.post("orders", json=direct_order(order_id, "4012001038443335")).json()["data"]
    assert data["status"] == data["financial_status"] == "completed"
    assert "customer_verification" not in data
    assert data["payment_url"] == f"https://shop.example/return?lang=nl&transactionid={order_id}"
    assert data["completed"] is not None
    assert all(isinstance(c["amount"], float) for c in data["costs"])
    assert data["costs"][0]["amount"] == 0.03
    assert_valid({"success": True, "data": data}, "get_order_200")


def test_flexible_3d_false_skips_3ds(client: httpx.Client, order_id: str) -> None:
    body = direct_order(order_id)
    body["gateway_info"]["flexible_3d"] = False
    data = client.post("orders", json=body).json()["data"]
    assert data["status"] == "completed"
    assert "customer_verification" not in data


@pytest.mark.parametrize(
    ("card", "status", "reason_code"),
    [
        ("4012001038488884", "declined", "4002"),
        ("4012001037461114", "declined", "3001"),
        ("4462000000000003", "uncleared", ""),
    ],
)
def test_flexible_3d_false_applies_the_card_outcome(
    client: httpx.Client, order_id: str, card: str, status: str, reason_code: str
) -> None:
    body = direct_order(order_id, card)
    body["gateway_info"]["flexible_3d"] = False
    data = client.post("orders", json=body).json()["data"]
    assert data["status"] == status
    assert data["reason_code"] == reason_code


def test_docs_example_request_is_accepted(client: httpx.Client, order_id: str) -> None:
    body = json.loads((FIXTURES / "examples" / "credit-card-direct.json").read_text())
    body["order_id"] = order_id
    body["gateway_info"]["card_expiry_date"] = int(future_expiry())
    response = client.post("orders", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["payment_details"]["type"] == "MAESTRO"


def test_cvc_field_and_expiry_variants(client: httpx.Client, order_id: str) -> None:
    body = direct_order(order_id)
    info = body["gateway_info"]
    info.pop("card_cvc")
    info["cvc"] = 123
    info["card_expiry_date"] = int(future_expiry())
    response = client.post("orders", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["payment_details"]["card_expiry_date"] == future_expiry()


def test_maestro_needs_no_cvc(client: httpx.Client, order_id: str) -> None:
    body = direct_order(order_id, "6799990000000000011", gateway="MAESTRO")
    body["gateway_info"].pop("card_cvc")
    response = client.post("orders", json=body)
    assert response.status_code == 200, response.text


def test_duplicate_order_id_is_1006(client: httpx.Client, order_id: str) -> None:
    assert client.post("orders", json=direct_order(order_id)).status_code == 200
    response = client.post("orders", json=direct_order(order_id))
    assert response.status_code == 400
    assert response.json()["error_code"] == 1006
    assert "order_id" in response.json()["error_info"]


def test_unknown_order_is_1006_404(client: httpx.Client) -> None:
    response = client.get("orders/no-such-order")
    assert response.status_code == 404
    assert_valid(response.json(), "Error1006")
    assert response.json()["error_info"] == "Invalid transaction ID"


def _without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    target = body
    for key in path[:-1]:
        target = target[key]
    target.pop(path[-1])
    return body


def _with(body: dict[str, Any], value: Any, *path: str) -> dict[str, Any]:
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


INVALID_CASES = [
    ("amount-zero", lambda b: _with(b, 0, "amount"), 1001, "amount"),
    ("amount-string", lambda b: _with(b, "10", "amount"), 1001, "amount"),
    ("amount-float", lambda b: _with(b, 10.5, "amount"), 1001, "amount"),
    ("amount-missing", lambda b: _without(b, "amount"), 1001, "amount"),
    ("currency-bad", lambda b: _with(b, "EURO", "currency"), 1002, "currency"),
    ("currency-missing", lambda b: _without(b, "currency"), 1002, "currency"),
    ("order-id-missing", lambda b: _without(b, "order_id"), 1006, "order_id"),
    ("order-id-long", lambda b: _with(b, "x" * 51, "order_id"), 1006, "order_id"),
    ("description-missing", lambda b: _without(b, "description"), 1008, "description"),
    ("gateway-unknown", lambda b: _with(b, "IDEAL", "gateway"), 1023, "gateway"),
    ("gateway-missing", lambda b: _without(b, "gateway"), 1023, "gateway"),
    ("luhn", lambda b: _with(b, "4111111111111112", "gateway_info", "card_number"), 1000, "card_number"),
    (
        "number-letters",
        lambda b: _with(b, "4111abcd11111111", "gateway_info", "card_number"),
        1000,
        "card_number",
    ),
    (
        "brand-mismatch",
        lambda b: _with(b, "VISA", "gateway") and _with(b, "5500000000000004", "gateway_info", "card_number"),
        1000,
        "card_number",
    ),
    ("expired", lambda b: _with(b, "2001", "gateway_info", "card_expiry_date"), 1000, "card_expiry_date"),
    ("month-13", lambda b: _with(b, "3013", "gateway_info", "card_expiry_date"), 1000, "card_expiry_date"),
    ("expiry-missing", lambda b: _without(b, "gateway_info", "card_expiry_date"), 1000, "card_expiry_date"),
    ("cvc-missing", lambda b: _without(b, "gateway_info", "card_cvc"), 1000, "card_cvc"),
    ("cvc-short", lambda b: _with(b, "12", "gateway_info", "card_cvc"), 1000, "card_cvc"),
    ("gateway-info-missing", lambda b: _without(b, "gateway_info"), 1000, "gateway_info"),
    ("ip", lambda b: _with(b, "999.1.1.1", "customer", "ip_address"), 1007, "ip_address"),
    ("country", lambda b: _with(b, "NLD", "customer", "country"), 1018, "country"),
    (
        "notification-url",
        lambda b: _with(b, "ftp://x", "payment_options", "notification_url"),
        1000,
        "notification_url",
    ),
    (
        "notification-method",
        lambda b: _with(b, "PUT", "payment_options", "notification_method"),
        1000,
        "notification_method",
    ),
    ("type", lambda b: _with(b, "banana", "type"), 1000, "type"),
    ("var1", lambda b: _with(b, "x" * 501, "var1"), 1010, "var1"),
]


@pytest.mark.parametrize(
    ("name", "mutate", "code", "field_name"), INVALID_CASES, ids=[c[0] for c in INVALID_CASES]
)
def test_invalid_fields_name_the_field(
    client: httpx.Client, order_id: str, name: str, mutate: Any, code: int, field_name: str
) -> None:
    response = client.post("orders", json=mutate(direct_order(order_id)))
    assert 400 <= response.status_code < 500
    body = response.json()
    assert body["success"] is False
    assert body["data"] == {}
    assert body["error_code"] == code
    assert field_name in body["error_info"]
    # Refused orders are not stored.
    assert client.get(f"orders/{order_id}").status_code == 404


@pytest.mark.parametrize("raw", [b"", b"{", b"[1, 2]", b'"text"', b"\xff\xfe", b"[" * 100000, b"null"])
def test_malformed_bodies_are_1000(client: httpx.Client, raw: bytes) -> None:
    response = client.post("orders", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error_code"] == 1000
    assert response.json()["error_info"].startswith("Invalid request")


def test_card_data_is_never_stored(sandbox: Any, client: httpx.Client, order_id: str) -> None:
    client.post("orders", json=direct_order(order_id, "4012001038443335"))
    dump = "\n".join(sandbox.engine.store._conn.iterdump())
    assert "4012001038443335" not in dump
    assert order_id in dump
    assert '"card_cvc"' not in dump
    assert '"cvc"' not in dump


def test_redirect_order_returns_payment_page(client: httpx.Client, order_id: str) -> None:
    body = direct_order(order_id, type="redirect")
    body.pop("gateway_info")
    body.pop("gateway")
    response = client.post("orders", json=body)
    assert response.status_code == 200
    assert_valid(response.json(), "post_orders_200")
    data = response.json()["data"]
    assert set(data) == {"order_id", "payment_url", "session_id"}
    assert data["session_id"] in data["payment_url"]
    page = httpx.get(data["payment_url"])
    assert page.status_code == 200
    assert 'lang="en"' in page.text
    assert 'id="pay"' in page.text
    assert "EUR 10.00" in page.text
    order = client.get(f"orders/{order_id}").json()["data"]
    assert order["status"] == "initialized"
