"""MultiSafepay's test cards and what each one does, as their testing docs list them.

The app offers them as one-click scenarios on Sandbox and Test profiles, and
the local sandbox makes them behave the same way. The docs describe the hosted
payment page; direct API orders are assumed to behave alike.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Behaviour(enum.Enum):
    THREEDS_SUCCESS = "3ds-success"
    THREEDS_FAILED = "3ds-failed"
    NOT_ENROLLED = "not-enrolled"
    INSUFFICIENT_FUNDS = "insufficient-funds"
    UNCLEARED_THEN_VOID = "uncleared-then-void"
    UNCLEARED_THEN_COMPLETED = "uncleared-then-completed"

    @property
    def needs_3ds(self) -> bool:
        return self is not Behaviour.NOT_ENROLLED

    @property
    def expected(self) -> str:
        """What a person should see at the end, in the words of the order status."""
        return {
            Behaviour.THREEDS_SUCCESS: "Completed after 3-D Secure",
            Behaviour.THREEDS_FAILED: "Declined: 3-D Secure failed",
            Behaviour.NOT_ENROLLED: "Completed at once, no 3-D Secure",
            Behaviour.INSUFFICIENT_FUNDS: "Declined: insufficient funds",
            Behaviour.UNCLEARED_THEN_VOID: "Uncleared, then void after 3 minutes",
            Behaviour.UNCLEARED_THEN_COMPLETED: "Uncleared, then completed after 3 minutes",
        }[self]


@dataclass(frozen=True)
class TestCard:
    number: str
    gateway: str  # VISA, MASTERCARD, AMEX or MAESTRO
    behaviour: Behaviour
    label: str


TEST_CARDS: tuple[TestCard, ...] = (
    TestCard("4111111111111111", "VISA", Behaviour.THREEDS_SUCCESS, "Visa: completed (3D Secure)"),
    TestCard("4761340000000019", "VISA", Behaviour.THREEDS_SUCCESS, "Visa: completed (3D Secure)"),
    TestCard("5500000000000004", "MASTERCARD", Behaviour.THREEDS_SUCCESS, "Mastercard: completed (3DS)"),
    TestCard("374500000000015", "AMEX", Behaviour.THREEDS_SUCCESS, "Amex: completed (3D Secure)"),
    TestCard("6799990000000000011", "MAESTRO", Behaviour.THREEDS_SUCCESS, "Maestro: completed (3DS)"),
    TestCard("4012001038443335", "VISA", Behaviour.NOT_ENROLLED, "Visa: completed, not 3DS-enrolled"),
    TestCard("4917300000000008", "VISA", Behaviour.UNCLEARED_THEN_VOID, "Visa: uncleared, then void"),
    TestCard("378734493671000", "AMEX", Behaviour.UNCLEARED_THEN_VOID, "Amex: uncleared, then void"),
    TestCard(
        "4462000000000003", "VISA", Behaviour.UNCLEARED_THEN_COMPLETED, "Visa: uncleared, then completed"
    ),
    TestCard("4012001037461114", "VISA", Behaviour.THREEDS_FAILED, "Visa: declined, 3DS failed"),
    TestCard("374200000000004", "AMEX", Behaviour.THREEDS_FAILED, "Amex: declined, 3DS failed"),
    TestCard("4012001038488884", "VISA", Behaviour.INSUFFICIENT_FUNDS, "Visa: declined, insufficient funds"),
)
