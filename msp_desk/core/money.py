"""Amounts as people type them and as MultiSafepay wants them (integer minor units)."""

from __future__ import annotations

import re
from decimal import Decimal

# ISO 4217 minor units where they are not 2; MultiSafepay sends amounts in these units.
_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip

COMMON_CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "JPY", "AUD", "CAD")


class AmountError(ValueError):
    pass


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


# ASCII digits only, with at most one decimal comma or point: no signs, exponents, thousands
# separators or other scripts' digits, which Decimal() and str.isdigit() would both accept.
_AMOUNT = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
AMOUNT_RULE = "Type the amount with the digits 0–9 and at most one decimal point or comma, like 10.00."
MAX_ORDER_MINOR = 10**9
"""The largest order msp-desk sends, in minor units: 10,000,000.00 for a two-decimal currency."""


def to_minor_units(text: str, currency: str) -> int:
    """``"10.00"`` EUR is 1000; ``"1500"`` JPY is 1500. Raises AmountError naming the rule broken."""
    cleaned = text.strip()
    if not cleaned:
        raise AmountError("Enter an amount.")
    if cleaned.startswith("-") and _AMOUNT.fullmatch(cleaned[1:]):
        raise AmountError("The amount must be more than zero.")
    if not _AMOUNT.fullmatch(cleaned):
        raise AmountError(f"“{cleaned[:20]}” is not an amount. {AMOUNT_RULE}")
    value = Decimal(cleaned.replace(",", "."))
    places = exponent(currency)
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        if places == 0:
            raise AmountError(f"{currency} has no decimals; enter a whole amount.")
        raise AmountError(f"{currency} has {places} decimals at most.")
    minor = int(scaled)
    if minor < 1:
        raise AmountError("The amount must be more than zero.")
    if minor > MAX_ORDER_MINOR:
        raise AmountError(f"msp-desk sends at most {format_minor(MAX_ORDER_MINOR, currency)} in one order.")
    return minor


def format_minor(amount: int, currency: str) -> str:
    """1000 EUR is ``"10.00 EUR"``."""
    places = exponent(currency)
    value = Decimal(amount).scaleb(-places)
    return f"{value:,.{places}f} {currency.upper()}"


def left_to_refund(amount: int | None, refunded: int | None) -> int:
    """What can still be refunded on an order, in minor units (never below zero)."""
    return max(0, (amount or 0) - (refunded or 0))


def refund_minor_units(text: str, currency: str, left: int) -> int:
    """A partial refund as typed (``"5.00"``) in minor units; raises AmountError unless 0 < it ≤ ``left``.

    The rules for the amount are the order's (``to_minor_units``: digits, one
    separator, the currency's decimals); the bound is what is left on the order.
    """
    if left < 1:
        raise AmountError("Nothing is left to refund on this order.")
    too_much = f"That is more than is left to refund: at most {format_minor(left, currency)}."
    try:
        minor = to_minor_units(text, currency)
    except AmountError:
        cleaned = text.strip()
        # Beyond msp-desk's largest order is also beyond what is left: say the bound that matters here.
        if (
            _AMOUNT.fullmatch(cleaned)
            and Decimal(cleaned.replace(",", ".")).scaleb(exponent(currency)) > left
        ):
            raise AmountError(too_much) from None
        raise
    if minor > left:
        raise AmountError(too_much)
    return minor
