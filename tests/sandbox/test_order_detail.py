"""GET /orders/{id} looks like MultiSafepay's own answers, field for field."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from tests.sandbox.conftest import FIXTURES, assert_valid, direct_order, run_3ds


def _example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "examples" / f"{name}.json").read_text())["data"]
    return data


def _missing(example: dict[str, Any], actual: dict[str, Any], where: str = "") -> list[str]:
    """Keys of the example (recursively, into objects and the first item of lists) absent in ``actual``."""
    missing = []
    for key, value in example.items():
        if key not in actual:
            missing.append(f"{where}{key}")
        elif isinstance(value, dict) and isinstance(actual[key], dict):
            missing += _missing(value, actual[key], f"{where}{key}.")
        elif value and isinstance(value, list) and isinstance(value[0], dict) and actual[key]:
            missing += _missing(value[0], actual[key][0], f"{where}{key}[0].")
    return missing


def test_a_paid_3ds_card_order_has_every_field_of_getorder3ds(client: httpx.Client, order_id: str) -> None:
    run_3ds(client, order_id, "4111111111111111", "Y")
    order = client.get(f"orders/{order_id}").json()
    assert_valid(order, "get_order_200")
    data = order["data"]
    example = _example("getOrder3DS")
    # The example is a refunded order; related_transactions is null in it and filled in here later.
    assert _missing(example, data) == []
    details = data["payment_details"]
    assert details["response_code"] == "00"
    assert len(details["authorization_code"]) == 6
    assert details["authorization_code"].isdigit()
    assert details["card_funding"] in {"C", "D", "P", "R", "H"}
    assert details["card_product"]
    assert details["external_transaction_id"].isdigit()
    assert details["scheme_reference_id"].isdigit()
    assert details["card_authentication_details"] == {"flow": "challenge"}
    result = details["card_authentication_result"]
    assert (result["status"], result["eci"]) == ("Y", "05")
    assert result["cavv"]
    assert result["acs_transaction_id"] != result["ds_transaction_id"]
    assert details["card_additional_response_data"] == {"cavv_results_code": "2"}
    assert data["payment_methods"][0]["external_transaction_id"] == details["external_transaction_id"]
    assert (details["last4"], details["type"]) == ("1111", "VISA")
    # No trace of the card number or CVC anywhere in the order.
    text = json.dumps(data)
    assert "4111111111111111" not in text
    assert '"123"' not in text


def test_a_declined_3ds_order_is_shaped_like_getorderfailed3ds(client: httpx.Client, order_id: str) -> None:
    run_3ds(client, order_id, "4111111111111111", "N")
    data = client.get(f"orders/{order_id}").json()["data"]
    assert _missing(_example("getOrderFailed3DS"), data) == []
    details = data["payment_details"]
    assert details["response_code"] == "08"
    assert details["card_authentication_result"]["transaction_status_reason"] == "01"
    assert "authorization_code" not in details  # the issuer was never asked


def test_customer_and_costs_as_multisafepay_returns_them(client: httpx.Client, order_id: str) -> None:
    body = direct_order(order_id, "4012001038443335")
    body["customer"].update({"first_name": "Simon", "last_name": "Smit"})
    client.post("orders", json=body)
    data = client.get(f"orders/{order_id}").json()["data"]
    customer = data["customer"]
    assert (customer["first_name"], customer["last_name"], customer["email"]) == (
        "Simon",
        "Smit",
        "a@example.com",
    )
    assert (customer["country"], customer["country_name"]) == ("NL", "Netherlands")
    assert customer["ip_address"] == "89.20.162.110"
    assert _missing(_example("getOrder3DS")["customer"], customer) == []
    # Fees in decimal euros (the amount is in cents): 0.03 fixed plus 0.20 % of EUR 10.00.
    assert [Decimal(str(c["amount"])) for c in data["costs"]] == [Decimal("0.03"), Decimal("0.02")]
    assert all(isinstance(c["amount"], float) for c in data["costs"])


def test_refunds_are_listed_with_multisafepay_field_names_and_add_up(
    client: httpx.Client, order_id: str
) -> None:
    client.post("orders", json=direct_order(order_id, "4012001038443335"))
    refunds = []
    for amount, description in ((250, "first part"), (300, "second part")):
        answer = client.post(
            f"orders/{order_id}/refunds",
            json={"currency": "EUR", "amount": amount, "description": description},
        )
        assert answer.status_code == 200, answer.text
        refunds.append(answer.json()["data"]["refund_id"])
        data = client.get(f"orders/{order_id}").json()["data"]
        assert data["status"] == "partial_refunded"
    rest = client.post(f"orders/{order_id}/refunds", json={"currency": "EUR"})  # the remainder
    refunds.append(rest.json()["data"]["refund_id"])
    order = client.get(f"orders/{order_id}").json()
    assert_valid(order, "get_order_200")
    data = order["data"]
    assert data["status"] == "refunded"
    assert data["financial_status"] == "completed"  # as in getOrder3DS.json's refunded order
    related = data["related_transactions"]
    assert [r["transaction_id"] for r in related] == refunds
    for entry in related:
        assert {"amount", "costs", "created", "currency", "description", "status", "transaction_id"} <= set(
            entry
        )
        assert (entry["type"], entry["currency"], entry["status"]) == ("refund", "EUR", "completed")
    assert [r["amount"] for r in related] == [250, 300, 450]
    assert [r["description"] for r in related][:2] == ["first part", "second part"]
    assert sum(r["amount"] for r in related) == data["amount_refunded"] == data["amount"]
