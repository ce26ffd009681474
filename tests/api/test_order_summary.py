"""An order in words, from MultiSafepay's own example answers: money, times, card, 3-D Secure, costs."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from msp_desk.api.models import Order
from msp_desk.api.order_summary import NONE, summarise
from tests.api.fake_msp import fixture_json

UTC = ZoneInfo("UTC")


def _order(name: str, **changes: object) -> Order:
    data = fixture_json(name)["data"]
    data.update(changes)
    return Order.model_validate(data)


def test_a_3ds_paid_order_in_words() -> None:
    summary = summarise(_order("getOrder3DS.json"), "live", zone=UTC)
    values = summary.values
    assert (summary.order_id, summary.transaction_id) == ("ORDER-12345", "123456789")
    assert (summary.status_words, summary.financial_words) == ("Refunded", "Completed")
    assert summary.meaning == "Refunded in full"
    assert values["amount"] == "2.00 EUR"
    assert values["refunded"] == "2.00 EUR"
    assert values["left"] == "0.00 EUR"
    assert values["description"] == "Test order description"
    assert values["created"] == "2019-03-01 15:12:47 UTC"  # 16:12:47 Amsterdam time (CET)
    assert values["modified"] == "2019-03-01 15:13:14 UTC"
    assert values["completed"] == NONE
    assert summary.tooltips["created"] == "2019-03-01T16:12:47 as sent, read as Amsterdam time"
    assert values["customer"] == "Simon Smit"
    assert values["email"] == "simonsmit@example.com"
    assert values["country"] == "NL (The Netherlands)"
    assert values["card"] == "VISA ••••1111"
    assert values["expiry"] == "07/38"
    assert values["holder"] == "Simon Smit"
    assert values["authorization_code"] == "123566"
    assert values["threeds"] == "authenticated (Y)"
    assert values["eci"] == "05 (fully authenticated)"
    assert values["threeds_version"] == "2.1.0"
    assert values["threeds_flow"] == "frictionless"
    # Costs are euros in MultiSafepay's answer, not cents.
    assert values["costs"].splitlines() == [
        "0.05 EUR in all",
        "0.03 EUR: 0.03 EUR For Visa Transactions",
        "0.02 EUR: 0.20 % For Visa Transactions",
    ]
    assert (values["var1"], values["custom_info"]) == (NONE, NONE)
    assert summary.related == ()


def test_related_refunds_and_a_sandbox_order_read_as_utc() -> None:
    order = _order(
        "getOrder3DS.json",
        status="partial_refunded",
        amount_refunded=50,
        var1="campaign-7",
        custom_info={"custom_1": "gift", "custom_2": None},
        customer={"first_name": "Ana", "company_name": "Shop BV", "ip_address": "89.20.162.110"},
        related_transactions=[
            {
                "amount": 50,
                "currency": "EUR",
                "created": "2024-07-01T10:00:00",
                "description": "Refund for order ORDER-12345",
                "status": "completed",
                "transaction_id": 1796160041877000,
                "type": "refund",
            },
            {"type": "reverse-chargeback", "amount": 5, "status": "completed"},
        ],
    )
    summary = summarise(order, "sandbox", zone=ZoneInfo("Europe/Amsterdam"))
    assert summary.meaning == "Partly refunded"
    assert summary.values["left"] == "1.50 EUR"
    assert summary.values["customer"] == "Ana (Shop BV)"
    assert summary.values["ip_address"] == "89.20.162.110"
    assert summary.values["var1"] == "campaign-7"
    assert summary.values["custom_info"] == "custom_1: gift"
    refund, reverse = summary.related
    assert (refund.type, refund.status) == ("Refund", "Completed")
    assert refund.amount == "0.50 EUR"
    assert refund.created == "2024-07-01 12:00:00 CEST"
    assert refund.transaction_id == "1796160041877000"
    assert reverse.type == "Reverse chargeback"
    assert reverse.amount == "0.05 EUR"  # the order's currency when the row names none


def test_an_order_without_3ds_or_card_details() -> None:
    summary = summarise(_order("getOrder.json"), "test", zone=UTC)
    assert summary.values["threeds"] == "not performed"
    assert summary.values["eci"] == NONE
    assert summary.values["card"] == "IDEAL"
    assert summary.values["reason"] == "SUCCESS"
    assert summary.values["costs"].splitlines()[0] == "0.01 EUR in all"
