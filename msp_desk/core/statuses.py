"""What MultiSafepay's order statuses mean to a person, and which of them are final.

An order has a ``status`` (the order) and a ``financial_status`` (the money);
the pair tells the story (MultiSafepay's payment-statuses page). The words
here are what support staff say on the phone: "paid", "awaiting the bank".
"""

from __future__ import annotations

# Every order ``status`` MultiSafepay documents (schemas/Status.yaml), in the order of an order's life.
ORDER_STATUSES = (
    "initialized",
    "uncleared",
    "completed",
    "shipped",
    "reserved",
    "partial_refunded",
    "refunded",
    "declined",
    "cancelled",
    "expired",
    "void",
    "chargeback",
)
# What an order's ``financial_status`` can be (schemas/FinancialStatus.yaml).
FINANCIAL_STATUSES = ("initialized", "uncleared", "completed", "declined", "cancelled", "expired", "void")
# GET /transactions also filters on ledger states an order never shows (paths/listtransactions.yaml).
FINANCIAL_STATUS_FILTERS = (*FINANCIAL_STATUSES, "created", "error", "manual", "new", "refunded", "reserved")

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


# Paid (and not all given back yet): what MultiSafepay refunds.
_REFUNDABLE = frozenset({"completed", "shipped", "partial_refunded"})
# Paid, refused, given back, waiting, or stopped: the colour a status is shown in.
_TONES = {
    "completed": "good",
    "shipped": "good",
    "declined": "bad",
    "chargeback": "bad",
    "initialized": "waiting",
    "uncleared": "waiting",
    "reserved": "waiting",
    "refunded": "returned",
    "partial_refunded": "returned",
    "void": "stopped",
    "cancelled": "stopped",
    "expired": "stopped",
}


def tone(status: str | None) -> str:
    """How a status reads at a glance: good, bad, waiting, returned, stopped (or unknown)."""
    return _TONES.get((status or "").lower(), "unknown")


def can_cancel(status: str | None) -> bool:
    """Only an order nobody has paid yet can be cancelled (PATCH status ``cancelled``)."""
    return (status or "").lower() == "initialized"


def can_refund(status: str | None, left_minor: int) -> bool:
    """A paid order with money left on it can be refunded, all or part of what is left."""
    return (status or "").lower() in _REFUNDABLE and left_minor > 0


_THREE_DS_RESULTS = {
    "Y": "authenticated",
    "N": "not authenticated",
    "A": "attempted",
    "R": "rejected",
    "U": "unavailable",
    "C": "challenge required",
    "I": "informational only",
}
# ECI values as the schemes set them: Mastercard and Maestro count 02/01/00, the others 05/06/07.
_ECI_MASTERCARD = {"02": "fully authenticated", "01": "attempted", "00": "not authenticated"}
_ECI_OTHERS = {"05": "fully authenticated", "06": "attempted", "07": "not authenticated"}


def three_ds_words(status: str | None) -> str:
    """The 3-D Secure outcome ``Y``/``N``/``A``/``R``/... in words, with the letter: "authenticated (Y)"."""
    code = (status or "").strip().upper()
    if not code:
        return "not performed"
    words = _THREE_DS_RESULTS.get(code)
    return f"{words} ({code})" if words else f"status {status}"


def eci_words(eci: str | None, brand: str | None = None) -> str:
    """The Electronic Commerce Indicator and its meaning for the scheme: "05 (fully authenticated)"."""
    value = (eci or "").strip()
    if not value:
        return "—"
    table = _ECI_MASTERCARD if (brand or "").upper() in {"MASTERCARD", "MAESTRO"} else _ECI_OTHERS
    words = table.get(value.zfill(2))
    return f"{value} ({words})" if words else value
