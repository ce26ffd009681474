"""GET /transactions as MultiSafepay documents it: every filter value, repeated payment methods,
Unix or ISO times, and cursor paging newest first under filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import assert_valid, direct_order

# paths/listtransactions.yaml, the enums of the status, financial_status and type parameters.
LISTED_STATUSES = [
    "cancelled",
    "chargeback",
    "completed",
    "declined",
    "expired",
    "initialized",
    "partial_refunded",
    "refunded",
    "reserved",
    "shipped",
    "uncleared",
    "void",
]
LISTED_FINANCIAL_STATUSES = [
    "completed",
    "created",
    "declined",
    "error",
    "expired",
    "initialized",
    "manual",
    "new",
    "refunded",
    "reserved",
    "uncleared",
    "void",
    "cancelled",  # schemas/FinancialStatus.yaml: what an order's financial_status can be
]
LISTED_TYPES = [
    "admin_fee",
    "affiliate_payout",
    "automatic_payout",
    "chargeback",
    "coupon",
    "currency_conversion",
    "deposit",
    "fastcheckout",
    "monthly_fee",
    "payment",
    "refund",
    "reserve_chargeback",
    "signup_fee",
]
KEY = "c" * 36 + "0003"
COMPLETES = {"VISA": "4012001038443335", "MASTERCARD": "5500000000000004", "AMEX": "374500000000015"}


@pytest.fixture(scope="module")
def own_site() -> Iterator[httpx.Client]:
    """A website of its own, so these lists hold exactly the orders made here."""
    with (
        SandboxServer(api_keys=[KEY], time_scale=2000.0) as server,
        httpx.Client(base_url=server.base_url, headers={"api_key": KEY}, timeout=10) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def made(own_site: httpx.Client) -> dict[str, dict[str, Any]]:
    """One completed order per brand (no 3-D Secure), one declined Visa, one refunded Mastercard."""
    orders: dict[str, dict[str, Any]] = {}
    for brand, card in COMPLETES.items():
        body = direct_order(f"paid-{brand}", card, gateway_info=_no_3ds(card))
        orders[brand] = own_site.post("orders", json=body).json()["data"]
    card = "4012001038488884"  # 3-D Secure OK, then declined: insufficient funds
    body = direct_order("declined-VISA", card, gateway_info=_no_3ds(card))
    orders["declined"] = own_site.post("orders", json=body).json()["data"]
    refund = own_site.post("orders/paid-MASTERCARD/refunds", json={"currency": "EUR", "amount": 100})
    assert refund.status_code == 200, refund.text
    return orders


def _no_3ds(card: str) -> dict[str, Any]:
    info: dict[str, Any] = direct_order("x", card)["gateway_info"]
    return {**info, "flexible_3d": False}


def _ids(client: httpx.Client, params: Any) -> list[str]:
    response = client.get("transactions", params=params)
    assert response.status_code == 200, response.text
    assert_valid(response.json(), "list_transactions_200")
    return [f"{t['type']}:{t['order_id']}" for t in response.json()["data"]]


@pytest.mark.parametrize("status", LISTED_STATUSES)
def test_every_documented_status_is_accepted(own_site: httpx.Client, status: str) -> None:
    response = own_site.get("transactions", params={"status": status})
    assert response.status_code == 200, response.text
    assert all(t["status"] == status for t in response.json()["data"])


@pytest.mark.parametrize("status", LISTED_FINANCIAL_STATUSES)
def test_every_documented_financial_status_is_accepted(own_site: httpx.Client, status: str) -> None:
    response = own_site.get("transactions", params={"financial_status": status})
    assert response.status_code == 200, response.text
    assert all(t["financial_status"] == status for t in response.json()["data"])


@pytest.mark.parametrize("kind", LISTED_TYPES)
def test_every_documented_type_is_accepted(own_site: httpx.Client, kind: str) -> None:
    response = own_site.get("transactions", params={"type": kind})
    assert response.status_code == 200, response.text
    assert all(t["type"] == kind for t in response.json()["data"])


def test_statuses_select_what_they_name(own_site: httpx.Client, made: dict[str, dict[str, Any]]) -> None:
    assert set(_ids(own_site, {"status": "completed"})) == {
        "payment:paid-VISA",
        "payment:paid-AMEX",
        "refund:paid-MASTERCARD",  # the refund itself completed
    }
    assert _ids(own_site, {"status": "partial_refunded"}) == ["payment:paid-MASTERCARD"]
    assert _ids(own_site, {"financial_status": "declined"}) == ["payment:declined-VISA"]
    assert _ids(own_site, {"type": "refund"}) == ["refund:paid-MASTERCARD"]


def test_repeated_payment_methods_match_any(own_site: httpx.Client, made: dict[str, dict[str, Any]]) -> None:
    visa_or_amex = _ids(
        own_site, [("payment_method", "VISA"), ("payment_method", "AMEX"), ("type", "payment")]
    )
    assert set(visa_or_amex) == {"payment:paid-VISA", "payment:declined-VISA", "payment:paid-AMEX"}
    assert set(_ids(own_site, [("payment_method", "amex")])) == {"payment:paid-AMEX"}  # any case
    assert set(_ids(own_site, {"payment_method": "VISA,AMEX"})) == set(visa_or_amex)
    cards = _ids(own_site, [("payment_method", "CREDITCARD"), ("type", "payment")])
    assert len(cards) == 4  # CREDITCARD stands for every card brand
    assert _ids(own_site, {"payment_method": "IDEAL"}) == []  # documented, just not in the sandbox


def test_times_as_iso_dates_or_unix_seconds(own_site: httpx.Client, made: dict[str, dict[str, Any]]) -> None:
    created = dt.datetime.fromisoformat(made["VISA"]["created"]).replace(tzinfo=dt.UTC)
    unix = int(created.timestamp())

    def found(**params: str) -> bool:
        return "payment:paid-VISA" in _ids(own_site, params)

    assert found(created_from=str(unix), created_until=str(unix + 1))
    assert not found(created_from=str(unix + 1))
    assert not found(created_until=str(unix))  # _until is "before but not on"
    assert found(created_from=created.isoformat())  # with a zone: +00:00
    assert found(created_from=created.replace(tzinfo=None).isoformat())  # without: UTC
    assert found(created_until=(created + dt.timedelta(milliseconds=500)).isoformat())
    tomorrow = (created.date() + dt.timedelta(days=1)).isoformat()
    assert found(created_from=created.date().isoformat(), created_until=tomorrow)
    assert found(completed_from=str(unix), completed_until=tomorrow)
    assert not found(completed_until=str(unix))


def test_cursor_paging_under_filters_is_newest_first_and_ends(
    own_site: httpx.Client, made: dict[str, dict[str, Any]]
) -> None:
    filters = [("payment_method", "VISA"), ("payment_method", "MASTERCARD"), ("payment_method", "AMEX")]
    everything = own_site.get("transactions", params=[*filters, ("limit", "1000")]).json()["data"]
    assert len(everything) == 5
    seen: list[int] = []
    params: list[tuple[str, str]] = [*filters, ("limit", "2")]
    for _ in range(10):
        page = own_site.get("transactions", params=params).json()
        seen += [t["transaction_id"] for t in page["data"]]
        after = page["pager"]["cursor"]["after"]
        if after is None:
            assert page["pager"]["after"] is None
            break
        # The next page's URL keeps every filter, repeats included.
        assert page["pager"]["after"].count("payment_method=") == 3
        params = [*filters, ("limit", "2"), ("after", after)]
    assert seen == [t["transaction_id"] for t in everything]
    assert seen == sorted(seen, reverse=True)
    last_page = own_site.get("transactions", params=params).json()
    back = own_site.get(
        "transactions", params=[*filters, ("limit", "2"), ("before", last_page["pager"]["cursor"]["before"])]
    ).json()
    assert [t["transaction_id"] for t in back["data"]] == seen[-3:-1]


def test_a_filter_given_twice_differently_is_refused(own_site: httpx.Client) -> None:
    response = own_site.get("transactions", params=[("status", "completed"), ("status", "void")])
    assert response.status_code == 400
    assert response.json()["error_info"].startswith("Invalid status: given more than once")
    same = own_site.get("transactions", params=[("status", "completed"), ("status", "completed")])
    assert same.status_code == 200
