"""Amounts as people type them and as MultiSafepay wants them (integer minor units)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

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


def to_minor_units(text: str, currency: str) -> int:
    """``"10.00"`` EUR is 1000; ``"1500"`` JPY is 1500. Raises AmountError saying why not."""
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # a Dutch or German decimal comma
    if not cleaned:
        raise AmountError("Enter an amount.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError(f"“{text.strip()}” is not an amount; type it like 10.00.") from None
    if not value.is_finite():
        raise AmountError("Enter an amount like 10.00.")
    places = exponent(currency)
    minor = value.scaleb(places)
    if minor != minor.to_integral_value():
        if places == 0:
            raise AmountError(f"{currency} has no decimals; enter a whole amount.")
        raise AmountError(f"{currency} has {places} decimals at most.")
    if minor < 1:
        raise AmountError("The amount must be more than zero.")
    if minor > 10**11:
        raise AmountError("This amount is larger than MultiSafepay accepts.")
    return int(minor)


def format_minor(amount: int, currency: str) -> str:
    """1000 EUR is ``"10.00 EUR"``."""
    places = exponent(currency)
    value = Decimal(amount).scaleb(-places)
    return f"{value:,.{places}f} {currency.upper()}"
