"""Card brands, the Luhn check and MultiSafepay's test-card table.

The outcomes follow the test-card table in MultiSafepay's testing docs. Those
tables describe the hosted payment page; the sandbox applies the same outcome
to direct API orders, since nothing documents a different behaviour there.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


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


class Behaviour(enum.Enum):
    """What happens to a payment with a given card number."""

    THREEDS_SUCCESS = "3ds-success"
    THREEDS_FAILED = "3ds-failed"
    NOT_ENROLLED = "not-enrolled"
    INSUFFICIENT_FUNDS = "insufficient-funds"
    UNCLEARED_THEN_VOID = "uncleared-then-void"
    UNCLEARED_THEN_COMPLETED = "uncleared-then-completed"

    @property
    def needs_3ds(self) -> bool:
        return self is not Behaviour.NOT_ENROLLED


@dataclass(frozen=True)
class TestCard:
    number: str
    brand: Brand
    behaviour: Behaviour
    label: str


TEST_CARDS: tuple[TestCard, ...] = (
    TestCard("4111111111111111", Brand.VISA, Behaviour.THREEDS_SUCCESS, "Visa: completed (3D Secure)"),
    TestCard("4761340000000019", Brand.VISA, Behaviour.THREEDS_SUCCESS, "Visa: completed (3D Secure)"),
    TestCard("5500000000000004", Brand.MASTERCARD, Behaviour.THREEDS_SUCCESS, "Mastercard: completed (3DS)"),
    TestCard("374500000000015", Brand.AMEX, Behaviour.THREEDS_SUCCESS, "Amex: completed (3D Secure)"),
    TestCard("6799990000000000011", Brand.MAESTRO, Behaviour.THREEDS_SUCCESS, "Maestro: completed (3DS)"),
    TestCard("4012001038443335", Brand.VISA, Behaviour.NOT_ENROLLED, "Visa: completed, not 3DS-enrolled"),
    TestCard("4917300000000008", Brand.VISA, Behaviour.UNCLEARED_THEN_VOID, "Visa: uncleared, then void"),
    TestCard("378734493671000", Brand.AMEX, Behaviour.UNCLEARED_THEN_VOID, "Amex: uncleared, then void"),
    TestCard(
        "4462000000000003", Brand.VISA, Behaviour.UNCLEARED_THEN_COMPLETED, "Visa: uncleared, then completed"
    ),
    TestCard("4012001037461114", Brand.VISA, Behaviour.THREEDS_FAILED, "Visa: declined, 3DS failed"),
    TestCard("374200000000004", Brand.AMEX, Behaviour.THREEDS_FAILED, "Amex: declined, 3DS failed"),
    TestCard(
        "4012001038488884", Brand.VISA, Behaviour.INSUFFICIENT_FUNDS, "Visa: declined, insufficient funds"
    ),
)

_BY_NUMBER = {card.number: card for card in TEST_CARDS}


def luhn_valid(number: str) -> bool:
    """The mod-10 check digit every real card number carries."""
    if not number.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def brand_of(number: str) -> Brand | None:
    """The card scheme from the number's prefix (IIN ranges), or None if unsupported."""
    if number.startswith("4"):
        return Brand.VISA
    if number[:2] in {"34", "37"}:
        return Brand.AMEX
    prefix2 = int(number[:2]) if number[:2].isdigit() else -1
    prefix4 = int(number[:4]) if number[:4].isdigit() else -1
    if 51 <= prefix2 <= 55 or 2221 <= prefix4 <= 2720:
        return Brand.MASTERCARD
    if prefix2 == 50 or 56 <= prefix2 <= 69:
        return Brand.MAESTRO
    return None


def behaviour_of(number: str) -> Behaviour:
    """Unknown (Luhn-valid) numbers behave like the plain 3DS-success cards."""
    card = _BY_NUMBER.get(number)
    return card.behaviour if card else Behaviour.THREEDS_SUCCESS


def expected_cvc_lengths(brand: Brand) -> tuple[int, ...]:
    return (4,) if brand is Brand.AMEX else (3,)
