"""Card brands as the sandbox names them, and how each test card behaves here.

The test-card table itself lives in :mod:`msp_desk.core.test_cards`, shared
with the app's scenarios; the Luhn check and prefix rules in
:mod:`msp_desk.core.cards`.
"""

from __future__ import annotations

import enum

from msp_desk.core import cards
from msp_desk.core.cards import luhn_valid
from msp_desk.core.test_cards import TEST_CARDS, Behaviour, TestCard

__all__ = [
    "BRAND_NAMES",
    "CARD_GATEWAYS",
    "TEST_CARDS",
    "Behaviour",
    "Brand",
    "TestCard",
    "behaviour_of",
    "brand_of",
    "expected_cvc_lengths",
    "luhn_valid",
]


class Brand(enum.StrEnum):
    VISA = "VISA"
    MASTERCARD = "MASTERCARD"
    AMEX = "AMEX"
    MAESTRO = "MAESTRO"


BRAND_NAMES: dict[Brand, str] = {
    Brand.VISA: "Visa",
    Brand.MASTERCARD: "Mastercard",
    Brand.AMEX: "American Express",
    Brand.MAESTRO: "Maestro",
}

CARD_GATEWAYS: frozenset[str] = frozenset({"CREDITCARD", *(b.value for b in Brand)})
"""Gateways the sandbox accepts. CREDITCARD takes any supported brand."""


_BY_NUMBER = {card.number: card for card in TEST_CARDS}


def brand_of(number: str) -> Brand | None:
    """The card scheme from the number's prefix (IIN ranges), or None if unsupported."""
    brand = cards.brand_of(number)
    return Brand(brand.gateway) if brand else None


def behaviour_of(number: str) -> Behaviour:
    """Unknown (Luhn-valid) numbers behave like the plain 3DS-success cards."""
    card = _BY_NUMBER.get(number)
    return card.behaviour if card else Behaviour.THREEDS_SUCCESS


def expected_cvc_lengths(brand: Brand) -> tuple[int, ...]:
    return (4,) if brand is Brand.AMEX else (3,)
