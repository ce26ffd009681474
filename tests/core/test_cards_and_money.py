from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msp_desk.core import cards
from msp_desk.core.money import (
    AMOUNT_RULE,
    MAX_ORDER_MINOR,
    AmountError,
    format_minor,
    left_to_refund,
    refund_minor_units,
    to_minor_units,
)


@pytest.mark.parametrize(
    ("number", "gateway"),
    [
        ("4111111111111111", "VISA"),
        ("5500000000000004", "MASTERCARD"),
        ("2221000000000009", "MASTERCARD"),
        ("374500000000015", "AMEX"),
        ("6799990000000000011", "MAESTRO"),
    ],
)
def test_brand_and_luhn_of_msp_test_cards(number: str, gateway: str) -> None:
    brand = cards.brand_of(number)
    assert brand is not None
    assert brand.gateway == gateway
    assert cards.card_number_problem(number) is None


def test_grouping_follows_the_brand() -> None:
    assert cards.group("4111111111111111") == "4111 1111 1111 1111"
    assert cards.group("374500000000015") == "3745 000000 00015"
    assert cards.group("41111") == "4111 1"


def test_number_problems_say_what_is_wrong() -> None:
    assert cards.card_number_problem("") == "Enter the card number."
    assert "Luhn" in (cards.card_number_problem("4111111111111112") or "")
    assert "has 5" in (cards.card_number_problem("41111") or "")
    assert "only the digits 0–9" in (cards.card_number_problem("4111a") or "")


def test_expiry_is_sent_as_yymm_and_must_not_be_past() -> None:
    today = dt.date(2026, 11, 22)
    assert cards.parse_expiry("12/27", today) == ("2712", None)
    assert cards.parse_expiry("11/26", today) == ("2611", None)
    assert cards.parse_expiry("10/26", today) == (None, "This card expired in 10/26.")
    assert cards.parse_expiry("13/27", today)[1] == "The expiry month must be 01 to 12."
    assert cards.parse_expiry("1227", today)[1] == "Enter the expiry date as MM/YY."


def test_cvc_rules() -> None:
    assert cards.cvc_problem("123", cards.VISA) is None
    assert cards.cvc_problem("", cards.MAESTRO) is None
    assert cards.cvc_problem("", cards.VISA) == "Enter the CVC from the back of the card."
    assert cards.cvc_problem("123", cards.AMEX) == "The CVC for American Express has 4 digits."


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("10.00", "EUR", 1000),
        ("10", "EUR", 1000),
        ("0,99", "EUR", 99),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
    ],
)
def test_amounts_in_minor_units(text: str, currency: str, minor: int) -> None:
    assert to_minor_units(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("", "EUR", "Enter an amount."),
        ("ten", "EUR", f"“ten” is not an amount. {AMOUNT_RULE}"),
        ("1e9", "EUR", f"“1e9” is not an amount. {AMOUNT_RULE}"),
        ("1e-2", "EUR", f"“1e-2” is not an amount. {AMOUNT_RULE}"),
        ("1e999999", "EUR", f"“1e999999” is not an amount. {AMOUNT_RULE}"),
        ("1_000", "EUR", f"“1_000” is not an amount. {AMOUNT_RULE}"),
        ("1,000.00", "EUR", f"“1,000.00” is not an amount. {AMOUNT_RULE}"),
        ("+5", "EUR", f"“+5” is not an amount. {AMOUNT_RULE}"),
        ("１０", "EUR", f"“１０” is not an amount. {AMOUNT_RULE}"),
        ("١٠", "EUR", f"“١٠” is not an amount. {AMOUNT_RULE}"),
        ("NaN", "EUR", f"“NaN” is not an amount. {AMOUNT_RULE}"),
        ("10 000", "EUR", f"“10 000” is not an amount. {AMOUNT_RULE}"),
        ("10000001", "EUR", "msp-desk sends at most 10,000,000.00 EUR in one order."),
        ("1000000001", "JPY", "msp-desk sends at most 1,000,000,000 JPY in one order."),
        ("10.001", "EUR", "EUR has 2 decimals at most."),
        ("10.5", "JPY", "JPY has no decimals; enter a whole amount."),
        ("0", "EUR", "The amount must be more than zero."),
        ("-5", "EUR", "The amount must be more than zero."),
    ],
)
def test_bad_amounts_say_why(text: str, currency: str, message: str) -> None:
    with pytest.raises(AmountError) as error:
        to_minor_units(text, currency)
    assert str(error.value) == message


@given(st.integers(min_value=1, max_value=MAX_ORDER_MINOR), st.sampled_from(["EUR", "JPY", "KWD"]))
def test_format_and_parse_round_trip(minor: int, currency: str) -> None:
    text = format_minor(minor, currency).split()[0].replace(",", "")
    assert to_minor_units(text, currency) == minor


@given(st.text(max_size=30))
def test_any_text_is_an_amount_or_a_message(text: str) -> None:
    try:
        minor = to_minor_units(text, "EUR")
    except AmountError as error:
        message = str(error)
    else:
        message = ""
        assert 1 <= minor <= MAX_ORDER_MINOR
        assert text.strip().replace(",", "").replace(".", "").isdigit()
        assert text.strip().isascii()
    assert message or minor


def test_what_is_left_to_refund() -> None:
    assert left_to_refund(1000, 250) == 750
    assert left_to_refund(1000, None) == 1000
    assert left_to_refund(None, None) == 0
    assert left_to_refund(1000, 1200) == 0


@pytest.mark.parametrize(
    ("text", "currency", "left", "minor"),
    [
        ("5.00", "EUR", 1000, 500),
        ("10", "EUR", 1000, 1000),
        ("2,5", "EUR", 1000, 250),
        ("1500", "JPY", 1500, 1500),
    ],
)
def test_a_partial_refund_in_major_units(text: str, currency: str, left: int, minor: int) -> None:
    assert refund_minor_units(text, currency, left) == minor


@pytest.mark.parametrize(
    ("text", "currency", "left", "message"),
    [
        ("10.01", "EUR", 1000, "That is more than is left to refund: at most 10.00 EUR."),
        ("99999999999", "EUR", 1000, "That is more than is left to refund: at most 10.00 EUR."),
        ("1.234", "EUR", 1000, "EUR has 2 decimals at most."),
        ("1.5", "JPY", 1000, "JPY has no decimals; enter a whole amount."),
        ("", "EUR", 1000, "Enter an amount."),
        ("0", "EUR", 1000, "The amount must be more than zero."),
        ("-1", "EUR", 1000, "The amount must be more than zero."),
        ("5", "EUR", 0, "Nothing is left to refund on this order."),
    ],
)
def test_a_partial_refund_names_the_rule_it_breaks(text: str, currency: str, left: int, message: str) -> None:
    with pytest.raises(AmountError) as raised:
        refund_minor_units(text, currency, left)
    assert str(raised.value) == message
