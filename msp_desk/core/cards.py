"""Card number facts the order form needs: Luhn, brand, grouping, expiry and CVC rules."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Brand:
    gateway: str  # MultiSafepay's gateway id for this brand
    name: str
    groups: tuple[int, ...]
    lengths: tuple[int, ...]
    cvc_length: int
    cvc_required: bool = True


VISA = Brand("VISA", "Visa", (4, 4, 4, 4, 3), (13, 16, 19), 3)
MASTERCARD = Brand("MASTERCARD", "Mastercard", (4, 4, 4, 4), (16,), 3)
AMEX = Brand("AMEX", "American Express", (4, 6, 5), (15,), 4)
# Maestro cards may have no CVC at all; MultiSafepay does not require one.
MAESTRO = Brand("MAESTRO", "Maestro", (4, 4, 4, 4, 3), tuple(range(12, 20)), 3, cvc_required=False)

_PREFIXES: tuple[tuple[re.Pattern[str], Brand], ...] = (
    (re.compile(r"^3[47]"), AMEX),
    (re.compile(r"^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)"), MASTERCARD),
    (re.compile(r"^(50|5[6-9]|6[0-9])"), MAESTRO),
    (re.compile(r"^4"), VISA),
)


def digits_only(text: str) -> str:
    # 0-9 only: other scripts' digits pass str.isdigit() and the regex \d, but no card network takes them.
    return re.sub(r"[^0-9]", "", text)


def luhn_valid(digits: str) -> bool:
    if not (digits.isascii() and digits.isdigit()) or not 12 <= len(digits) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def brand_of(number: str) -> Brand | None:
    digits = digits_only(number)
    for pattern, brand in _PREFIXES:
        if pattern.match(digits):
            return brand
    return None


def group(number: str) -> str:
    """``"4111111111111111"`` becomes ``"4111 1111 1111 1111"`` (Amex as 4-6-5)."""
    digits = digits_only(number)
    brand = brand_of(digits) or VISA
    parts, start = [], 0
    for size in brand.groups:
        if start >= len(digits):
            break
        parts.append(digits[start : start + size])
        start += size
    if start < len(digits):
        parts.append(digits[start:])
    return " ".join(parts)


def card_number_problem(number: str) -> str | None:
    """A sentence saying what is wrong with the number, or None when it is usable."""
    digits = digits_only(number)
    if not digits:
        return "Enter the card number."
    if re.search(r"[^0-9\s-]", number):
        return "A card number has only the digits 0–9."
    if not 12 <= len(digits) <= 19:
        return f"A card number has 12 to 19 digits; this one has {len(digits)}."
    if not luhn_valid(digits):
        return "This card number is mistyped: its check digit does not match (Luhn)."
    return None


def parse_expiry(text: str, today: dt.date | None = None) -> tuple[str | None, str | None]:
    """``"12/27"`` gives ``("2712", None)``; a problem gives ``(None, "why")``."""
    match = re.fullmatch(r"\s*([0-9]{1,2})\s*/\s*([0-9]{2}|[0-9]{4})\s*", text)
    if not match:
        return None, "Enter the expiry date as MM/YY."
    month, year = int(match.group(1)), int(match.group(2)) % 100
    if not 1 <= month <= 12:
        return None, "The expiry month must be 01 to 12."
    today = today or dt.date.today()
    if (2000 + year, month) < (today.year, today.month):
        return None, f"This card expired in {month:02d}/{year:02d}."
    return f"{year:02d}{month:02d}", None


def cvc_problem(cvc: str, brand: Brand | None) -> str | None:
    expected = brand.cvc_length if brand else 3
    if not cvc:
        if brand is not None and not brand.cvc_required:
            return None
        return "Enter the CVC from the back of the card."
    if not (cvc.isascii() and cvc.isdigit()):
        return "The CVC has only the digits 0–9."
    allowed = {expected} if brand else {3, 4}
    if len(cvc) not in allowed:
        return f"The CVC for {brand.name if brand else 'this card'} has {expected} digits."
    return None
