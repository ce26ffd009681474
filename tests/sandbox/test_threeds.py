"""The 3-D Secure browser flow and the hosted payment page, driven like a browser would."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import TIME_SCALE, assert_valid, direct_order, form_fields, run_3ds, wait_until


def test_acs_page_is_accessible_and_shows_the_payment(client: httpx.Client, order_id: str) -> None:
    data = client.post("orders", json=direct_order(order_id)).json()["data"]
    page = httpx.get(data["payment_url"], follow_redirects=True)
    assert page.status_code == 200
    assert urlsplit(str(page.url)).path == "/3ds2/sim/acs"
    assert '<html lang="en">' in page.text
    assert "<h1>3D Secure simulator</h1>" in page.text
    assert "EUR 10.00" in page.text
    assert "Sandbox website 1" in page.text
    assert "<legend>Authentication result</legend>" in page.text
    for label in ("Authenticated (Y)", "Not authenticated (N)", "Rejected (R)", "Attempted (A)", "Cancel"):
        assert f">{label}</button>" in page.text


@pytest.mark.parametrize(("choice", "eci"), [("Y", "05"), ("A", "06")])
def test_authenticated_completes_and_redirects_with_transactionid(
    client: httpx.Client, order_id: str, choice: str, eci: str
) -> None:
    done = run_3ds(client, order_id, "4111111111111111", choice)
    assert done.status_code in {302, 303}
    assert done.headers["location"] == f"https://shop.example/return?lang=nl&transactionid={order_id}"
    order = client.get(f"orders/{order_id}").json()
    assert_valid(order, "get_order_200")
    data = order["data"]
    assert data["status"] == data["financial_status"] == "completed"
    result = data["payment_details"]["card_authentication_result"]
    assert result["status"] == choice
    assert result["eci"] == eci
    assert result["version"] == "2.2.0"


@pytest.mark.parametrize("choice", ["N", "R"])
def test_not_authenticated_declines(client: httpx.Client, order_id: str, choice: str) -> None:
    done = run_3ds(client, order_id, "4111111111111111", choice)
    assert done.headers["location"].endswith(f"transactionid={order_id}")
    data = client.get(f"orders/{order_id}").json()["data"]
    assert data["status"] == "declined"
    assert data["reason"].startswith("3DS Authentication Failed")
    assert data["reason_code"] == "3001"
    assert data["payment_details"]["card_authentication_result"]["status"] == choice


def test_cancel_voids_and_goes_to_cancel_url(client: httpx.Client, order_id: str) -> None:
    done = run_3ds(client, order_id, "4111111111111111", "cancel")
    assert done.headers["location"] == f"https://shop.example/cancelled?transactionid={order_id}"
    data = client.get(f"orders/{order_id}").json()["data"]
    assert (data["status"], data["financial_status"]) == ("void", "cancelled")


def test_3ds_failure_card_declines_even_when_authenticated(client: httpx.Client, order_id: str) -> None:
    run_3ds(client, order_id, "374200000000004", "Y", gateway="AMEX")
    data = client.get(f"orders/{order_id}").json()["data"]
    assert data["status"] == "declined"
    assert data["reason_code"] == "3001"


def test_insufficient_funds_declines_after_3ds(client: httpx.Client, order_id: str) -> None:
    run_3ds(client, order_id, "4012001038488884", "Y")
    data = client.get(f"orders/{order_id}").json()["data"]
    assert data["payment_details"]["card_authentication_result"]["status"] == "Y"
    assert data["status"] == "declined"
    assert data["reason_code"] == "4002"


@pytest.mark.parametrize(("card", "final"), [("4917300000000008", "void"), ("4462000000000003", "completed")])
def test_uncleared_cards_resolve_after_the_scaled_delay(
    client: httpx.Client, order_id: str, card: str, final: str
) -> None:
    run_3ds(client, order_id, card, "Y")
    assert client.get(f"orders/{order_id}").json()["data"]["status"] == "uncleared"
    wait_until(
        lambda: client.get(f"orders/{order_id}").json()["data"]["status"] == final, 180 / TIME_SCALE + 5
    )


def test_completing_twice_does_not_change_the_outcome(client: httpx.Client, order_id: str) -> None:
    data = client.post("orders", json=direct_order(order_id)).json()["data"]
    fields = form_fields(data["customer_verification"]["html"])
    term = fields["TermUrl"].replace("&amp;", "&")
    httpx.post(term, data={"MD": fields["MD"], "PaRes": "Y"})
    again = httpx.post(term, data={"MD": fields["MD"], "PaRes": "N"})
    assert again.status_code == 303
    assert client.get(f"orders/{order_id}").json()["data"]["status"] == "completed"


def test_forged_session_is_refused(sandbox: SandboxServer) -> None:
    response = httpx.post(sandbox.root_url + "/direct/complete/?mspid=1", data={"MD": "forged", "PaRes": "Y"})
    assert response.status_code == 400
    assert "3D Secure session" in response.text


def test_without_redirect_url_the_flow_ends_on_the_sandbox_page(client: httpx.Client, order_id: str) -> None:
    done = run_3ds(client, order_id, "4111111111111111", "Y", payment_options={})
    location = done.headers["location"]
    assert urlsplit(location).path == "/sandbox/finished"
    assert parse_qs(urlsplit(location).query)["transactionid"] == [order_id]
    page = httpx.get(location)
    assert page.status_code == 200
    assert 'id="order-status">completed<' in page.text


def _redirect_order(client: httpx.Client, order_id: str) -> str:
    body = direct_order(order_id, type="redirect")
    body.pop("gateway_info")
    return str(client.post("orders", json=body).json()["data"]["payment_url"])


def test_payment_page_with_3ds_test_card(client: httpx.Client, order_id: str) -> None:
    page_url = _redirect_order(client, order_id)
    to_acs = httpx.post(page_url, data={"action": "pay", "card": "5500000000000004"})
    assert to_acs.status_code == 303
    acs = httpx.get(httpx.URL(page_url).join(to_acs.headers["location"]))
    md = re.search(r'name="MD" value="([^"]+)"', acs.text)
    term = re.search(r'<form method="post" action="([^"]+)"', acs.text)
    assert md is not None
    assert term is not None
    done = httpx.post(term.group(1).replace("&amp;", "&"), data={"MD": md.group(1), "PaRes": "Y"})
    assert done.headers["location"].endswith(f"transactionid={order_id}")
    data = client.get(f"orders/{order_id}").json()["data"]
    assert data["status"] == "completed"
    assert data["payment_details"]["last4"] == "0004"


def test_payment_page_typed_card_and_errors(client: httpx.Client, order_id: str) -> None:
    page_url = _redirect_order(client, order_id)
    bad = httpx.post(page_url, data={"action": "pay", "card_number": "4111111111111112"})
    assert bad.status_code == 400
    assert 'role="alert"' in bad.text
    assert "Luhn" in bad.text
    good = httpx.post(
        page_url,
        data={
            "action": "pay",
            "card_number": "4012001038443335",
            "card_expiry_date": "3912",
            "card_cvc": "123",
        },
    )
    assert good.status_code == 303
    assert client.get(f"orders/{order_id}").json()["data"]["status"] == "completed"


def test_payment_page_cancel(client: httpx.Client, order_id: str) -> None:
    page_url = _redirect_order(client, order_id)
    done = httpx.post(page_url, data={"action": "cancel"})
    assert done.headers["location"] == f"https://shop.example/cancelled?transactionid={order_id}"
    assert client.get(f"orders/{order_id}").json()["data"]["financial_status"] == "cancelled"
