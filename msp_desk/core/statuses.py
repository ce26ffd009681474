"""What MultiSafepay's order statuses mean to a person, and which of them are final.

An order has a ``status`` (the order) and a ``financial_status`` (the money);
the pair tells the story (MultiSafepay's payment-statuses page). The words
here are what support staff say on the phone: "paid", "awaiting the bank".
"""

from __future__ import annotations

# Statuses after which nothing more happens to a card order without someone acting.
FINAL_STATUSES = frozenset(
    {"completed", "declined", "cancelled", "void", "expired", "refunded", "partial_refunded", "chargeback"}
)
# Still moving: worth asking again (MultiSafepay or the bank decides later).
PENDING_STATUSES = frozenset({"initialized", "uncleared", "reserved"})

# (status, financial_status) → meaning; a None financial status matches any.
_MEANINGS: tuple[tuple[str, str | None, str], ...] = (
    ("initialized", "initialized", "Started: waiting for the shopper to pay (or for 3-D Secure)"),
    ("completed", "completed", "Paid"),
    ("void", "cancelled", "Cancelled before it was paid"),
    ("void", "void", "Voided; for a card, a chargeback was requested"),
    ("cancelled", None, "Cancelled"),
    ("expired", None, "Expired unpaid (card orders expire after an hour)"),
    ("declined", None, "Declined by the card issuer or acquirer"),
    ("uncleared", None, "Held by the fraud filter: awaiting the bank or a manual capture or decline"),
    ("shipped", "uncleared", "Shipped; funds still pending"),
    ("shipped", None, "Shipped"),
    ("reserved", None, "A refund is reserved: it waits for the nightly run or a sufficient balance"),
    ("refunded", None, "Refunded in full"),
    ("partial_refunded", None, "Partly refunded"),
    ("chargeback", None, "The shopper's bank took the money back (chargeback)"),
)


def is_final(status: str | None) -> bool:
    return (status or "").lower() in FINAL_STATUSES


def is_pending(status: str | None) -> bool:
    return (status or "").lower() in PENDING_STATUSES


def status_words(status: str | None, financial_status: str | None = None) -> str:
    """``void/cancelled`` reads better as "Cancelled (void)" for a person at a glance."""
    status = (status or "unknown").lower()
    if status == "void" and (financial_status or "").lower() == "cancelled":
        return "Cancelled (void)"
    return status.replace("_", " ").capitalize()


def meaning(status: str | None, financial_status: str | None) -> str:
    """One line saying what the pair means, e.g. completed/completed → "Paid"."""
    status = (status or "").lower()
    financial = (financial_status or "").lower()
    for known_status, known_financial, words in _MEANINGS:
        if status == known_status and known_financial in (None, financial):
            return words
    if not status:
        return "No status yet"
    return f"Status {status}, financial status {financial or 'unknown'}"
