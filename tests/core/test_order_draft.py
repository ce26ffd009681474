from __future__ import annotations

import json
import shlex
from datetime import date

import pytest

from msp_desk.core.order_draft import OrderDraft, curl_command, new_order_id, preview, preview_json

NEXT_YEAR = f"12/{(date.today().year + 1) % 100:02d}"


def _draft(**changes: object) -> OrderDraft:
    draft = OrderDraft(
        order_id="order-1",
        amount="10.00",
        currency="EUR",
        description="Test order",
        card_number="4111 1111 1111 1111",
        card_holder="Test Holder",
        card_expiry=NEXT_YEAR,
        card_cvc="123",
        email="shopper@example.com",
        browser_user_agent="Mozilla/5.0 QtWebEngine",
        browser_language="en-US",
        browser_screen_width="1920",
        browser_screen_height="1080",
        browser_time_zone="-60",
        notification_url="https://shop.example/webhook",
        redirect_url="https://msp-desk.localhost/return",
        cancel_url="https://msp-desk.localhost/cancel",
    )
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft


def test_valid_draft_becomes_the_documented_direct_card_body() -> None:
    body = _draft().payload()
    assert body["type"] == "direct"
    assert body["gateway"] == "VISA"
    assert body["amount"] == 1000
    assert body["gateway_info"]["card_number"] == "4111111111111111"
    assert body["gateway_info"]["card_expiry_date"] == NEXT_YEAR[3:] + "12"
    assert body["gateway_info"]["card_cvc"] == "123"
    assert body["payment_options"] == {
        "notification_url": "https://shop.example/webhook",
        "notification_method": "POST",
        "redirect_url": "https://msp-desk.localhost/return",
        "cancel_url": "https://msp-desk.localhost/cancel",
    }
    assert body["customer"]["browser"]["screen_width"] == "1920"
    assert body["customer"]["country"] == "NL"


def test_yen_has_no_minor_units_and_maestro_needs_no_cvc() -> None:
    body = _draft(currency="JPY", amount="1500", card_number="6799990000000000011", card_cvc="").payload()
    assert body["amount"] == 1500
    assert body["gateway"] == "MAESTRO"
    assert "card_cvc" not in body["gateway_info"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"order_id": ""}, "order_id", "Enter an order ID."),
        ({"amount": "10.005"}, "amount", "EUR has 2 decimals at most."),
        ({"card_number": "4111111111111112"}, "card_number", "Luhn"),
        ({"card_expiry": "01/20"}, "card_expiry", "expired"),
        ({"card_cvc": "12"}, "card_cvc", "3 digits"),
        ({"email": "nope"}, "email", "not an email"),
        ({"ip_address": "300.1.1.1"}, "ip_address", "IP address"),
        ({"redirect_url": "shop.example"}, "redirect_url", "http://"),
        ({"country": "Netherlands"}, "country", "two-letter"),
    ],
)
def test_each_bad_field_gets_its_own_message(change: dict[str, str], field: str, message: str) -> None:
    problems = _draft(**change).problems()
    assert list(problems) == [field]
    assert message in problems[field]
    with pytest.raises(ValueError, match=r"\w"):
        _draft(**change).payload()


def test_preview_masks_the_card_and_drops_the_cvc() -> None:
    body = _draft().payload()
    shown = preview(body)
    assert shown["gateway_info"]["card_number"] == "••••1111"
    assert "card_cvc" not in shown["gateway_info"]
    assert body["gateway_info"]["card_cvc"] == "123", "the real body is left alone"
    text = preview_json(body)
    assert "4111111111111111" not in text
    assert '"123"' not in text


def test_curl_uses_a_key_placeholder_and_the_masked_body() -> None:
    command = curl_command("http://127.0.0.1:9999/v1/json/", _draft().payload())
    assert "http://127.0.0.1:9999/v1/json/orders" in command
    assert 'api_key: $MSP_API_KEY"' in command
    assert "4111111111111111" not in command
    body = shlex.split(command.replace("\\\n", " "))[-1]
    assert json.loads(body)["amount"] == 1000


def test_clear_card_forgets_number_expiry_and_cvc() -> None:
    draft = _draft()
    draft.clear_card()
    assert (draft.card_number, draft.card_expiry, draft.card_cvc) == ("", "", "")
    assert "4111" not in repr(_draft())


def test_order_ids_are_unique_and_short_enough() -> None:
    ids = {new_order_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) <= 50 for i in ids)


def test_return_pages_are_required_because_they_end_the_challenge() -> None:
    problems = _draft(redirect_url="", cancel_url=" ").problems()
    assert set(problems) == {"redirect_url", "cancel_url"}
    assert "stops the browser there" in problems["redirect_url"]
