"""PATCH /orders (cancel, ship) and POST /orders/{id}/refunds."""

from __future__ import annotations

import httpx

from tests.sandbox.conftest import assert_valid, direct_order

COMPLETES = "4012001038443335"


def test_cancel_initialized_order(client: httpx.Client, order_id: str) -> None:
    client.post("orders", json=direct_order(order_id))
    response = client.patch(f"orders/{order_id}", json={"status": "cancelled", "exclude_order": True})
    assert response.json() == {"success": True, "data": {}}
    assert_valid(response.json(), "patch_order_200")
    data = client.get(f"orders/{order_id}").json()["data"]
    assert (data["status"], data["financial_status"]) == ("void", "cancelled")


def test_cannot_cancel_completed_order(client: httpx.Client, order_id: str) -> None:
    client.post("orders", json=direct_order(order_id, COMPLETES))
    response = client.patch(f"orders/{order_id}", json={"status": "cancelled"})
    assert response.status_code == 410
    assert response.json()["error_code"] == 1000
    assert "completed" in response.json()["error_info"]


def test_ship_completed_order(client: httpx.Client, order_id: str) -> None:
    client.post("orders", json=direct_order(order_id, COMPLETES))
    response = client.patch(
        f"orders/{order_id}", json={"status": "shipped", "tracktrace_code": "3S123", "carrier": "PostNL"}
    )
    assert response.json() == {"success": True, "data": {}}
    data = client.get(f"orders/{order_id}").json()["data"]
    assert (data["status"], data["financial_status"]) == ("shipped", "completed")


def test_patch_with_bad_status_names_the_field(client: httpx.Client, order_id: str) -> None:
    client.post("orders", json=direct_order(order_id))
    response = client.patch(f"orders/{order_id}", json={"status": "paid"})
    assert 400 <= response.status_code < 500
    assert "status" in response.json()["error_info"]


def test_partial_then_full_refund(client: httpx.Client, order_id: str) -> None:
    created = client.post("orders", json=direct_order(order_id, COMPLETES)).json()["data"]
    first = client.post(
        f"orders/{order_id}/refunds", json={"currency": "EUR", "amount": 300, "description": "p"}
    )
    assert first.status_code == 200
    assert_valid(first.json(), "refund_200")
    assert first.json()["data"]["transaction_id"] == created["transaction_id"]
    refund_id = first.json()["data"]["refund_id"]
    assert isinstance(refund_id, int)
    assert refund_id != created["transaction_id"]
    data = client.get(f"orders/{order_id}").json()["data"]
    assert data["status"] == "partial_refunded"
    assert data["amount_refunded"] == 300
    assert data["related_transactions"][0]["transaction_id"] == refund_id
    assert data["related_transactions"][0]["type"] == "refund"
    assert_valid({"success": True, "data": data}, "get_order_200")

    rest = client.post(f"orders/{order_id}/refunds", json={"currency": "EUR"})
    assert rest.status_code == 200
    data = client.get(f"orders/{order_id}").json()["data"]
    assert data["status"] == "refunded"
    assert data["amount_refunded"] == 1000
    assert [r["amount"] for r in data["related_transactions"]] == [300, 700]


def test_refund_errors(client: httpx.Client, order_id: str) -> None:
    client.post("orders", json=direct_order(order_id, COMPLETES))
    too_much = client.post(f"orders/{order_id}/refunds", json={"currency": "EUR", "amount": 1001})
    assert too_much.json()["error_code"] == 1034
    wrong_currency = client.post(f"orders/{order_id}/refunds", json={"currency": "USD", "amount": 10})
    assert wrong_currency.json()["error_code"] == 1002
    bad_amount = client.post(f"orders/{order_id}/refunds", json={"currency": "EUR", "amount": -5})
    assert bad_amount.json()["error_code"] == 1001
    assert (
        client.post(f"orders/{order_id}/refunds", json={"currency": "EUR", "amount": 10}).status_code == 200
    )
    duplicate = client.post(f"orders/{order_id}/refunds", json={"currency": "EUR", "amount": 10})
    assert duplicate.json()["error_code"] == 1034


def test_cannot_refund_unpaid_order(client: httpx.Client, order_id: str) -> None:
    client.post("orders", json=direct_order(order_id))
    response = client.post(f"orders/{order_id}/refunds", json={"currency": "EUR", "amount": 10})
    assert response.status_code == 400
    assert response.json()["error_code"] == 1034
