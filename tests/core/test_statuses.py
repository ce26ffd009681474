"""What status pairs mean to a person, and which statuses end an order's story."""

from __future__ import annotations

import pytest

from msp_desk.core.statuses import (
    FINAL_STATUSES,
    FINANCIAL_STATUS_FILTERS,
    FINANCIAL_STATUSES,
    ORDER_STATUSES,
    can_cancel,
    can_refund,
    eci_words,
    is_final,
    is_pending,
    meaning,
    status_words,
    three_ds_words,
    tone,
)


@pytest.mark.parametrize(
    ("status", "financial", "words"),
    [
        ("completed", "completed", "Paid"),
        ("initialized", "initialized", "Started: waiting for the shopper to pay (or for 3-D Secure)"),
        (
            "uncleared",
            "uncleared",
            "Held by the fraud filter: awaiting the bank or a manual capture or decline",
        ),
        ("void", "cancelled", "Cancelled before it was paid"),
        ("void", "void", "Voided; for a card, a chargeback was requested"),
        ("shipped", "uncleared", "Shipped; funds still pending"),
        (
            "reserved",
            "initialized",
            "A refund is reserved: it waits for the nightly run or a sufficient balance",
        ),
        ("partial_refunded", "completed", "Partly refunded"),
        ("Declined", "DECLINED", "Declined by the card issuer or acquirer"),
        ("mystery", None, "Status mystery, financial status unknown"),
        (None, None, "No status yet"),
    ],
)
def test_each_pair_has_a_meaning_in_words(status: str | None, financial: str | None, words: str) -> None:
    assert meaning(status, financial) == words


def test_final_and_pending_statuses_do_not_overlap() -> None:
    assert is_final("completed")
    assert is_final("Declined")
    assert not is_final("initialized")
    assert not is_final(None)
    assert is_pending("uncleared")
    assert is_pending("reserved")
    assert not any(is_pending(status) for status in FINAL_STATUSES)


def test_void_cancelled_reads_as_cancelled() -> None:
    assert status_words("void", "cancelled") == "Cancelled (void)"
    assert status_words("partial_refunded") == "Partial refunded"
    assert status_words(None) == "Unknown"


def test_only_an_unpaid_order_can_be_cancelled() -> None:
    assert can_cancel("initialized")
    assert not any(can_cancel(status) for status in ORDER_STATUSES if status != "initialized")


@pytest.mark.parametrize(
    ("status", "left", "refundable"),
    [
        ("completed", 1000, True),
        ("shipped", 1, True),
        ("partial_refunded", 500, True),
        ("refunded", 0, False),
        ("completed", 0, False),
        ("uncleared", 1000, False),
        ("initialized", 1000, False),
        (None, 1000, False),
    ],
)
def test_a_paid_order_with_money_left_can_be_refunded(
    status: str | None, left: int, refundable: bool
) -> None:
    assert can_refund(status, left) is refundable


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("Y", "authenticated (Y)"),
        ("n", "not authenticated (N)"),
        ("A", "attempted (A)"),
        ("R", "rejected (R)"),
        ("U", "unavailable (U)"),
        ("", "not performed"),
        (None, "not performed"),
        ("Q", "status Q"),
    ],
)
def test_three_d_secure_outcomes_in_words(status: str | None, words: str) -> None:
    assert three_ds_words(status) == words


@pytest.mark.parametrize(
    ("eci", "brand", "words"),
    [
        ("05", "VISA", "05 (fully authenticated)"),
        ("06", "AMEX", "06 (attempted)"),
        ("07", None, "07 (not authenticated)"),
        ("02", "MASTERCARD", "02 (fully authenticated)"),
        ("1", "maestro", "1 (attempted)"),
        ("05", "MASTERCARD", "05"),
        (None, "VISA", "—"),
    ],
)
def test_eci_in_words_per_scheme(eci: str | None, brand: str | None, words: str) -> None:
    assert eci_words(eci, brand) == words


def test_every_status_has_a_tone_and_the_filters_know_every_status() -> None:
    assert {tone(status) for status in ORDER_STATUSES} == {"good", "bad", "waiting", "returned", "stopped"}
    assert tone("mystery") == "unknown"
    assert set(FINANCIAL_STATUSES) <= set(FINANCIAL_STATUS_FILTERS)
    assert set(ORDER_STATUSES) >= FINAL_STATUSES
