"""What status pairs mean to a person, and which statuses end an order's story."""

from __future__ import annotations

import pytest

from msp_desk.core.statuses import FINAL_STATUSES, is_final, is_pending, meaning, status_words


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
