"""Keeping API keys, card numbers and CVCs out of anything a person or a log can read."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "••••"

# A MultiSafepay API key is 40 characters; sandbox keys are hex, real ones need not be.
_KEY_LIKE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{32,64}(?![A-Za-z0-9])")
# Card numbers are 12-19 digits, sometimes grouped with spaces or dashes.
_CARD_LIKE = re.compile(r"(?<!\d)\d(?:[ -]?\d){11,18}(?!\d)")
# A CVC only looks like a CVC next to its name; bare 3-4 digit numbers are too common to hide.
_CVC_NEAR_NAME = re.compile(r"(?i)(\b(?:card_)?cv[cv]2?\b[\"']?\s*[:=]\s*[\"']?)(\d{3,4})")


def mask_key(key: str) -> str:
    """Show only the last four characters, e.g. ``••••d0fa``."""
    key = key.strip()
    if not key:
        return ""
    return MASK + key[-4:] if len(key) > 4 else MASK


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    # PSP ids are 16-17 digits too; only numbers that pass the card checksum are
    # hidden, so most ids stay readable in messages.
    if _luhn_ok(digits):
        return MASK + digits[-4:]
    return match.group(0)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Mask known secrets exactly, then anything shaped like a key, card number or CVC."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            if len(secret) <= 4:
                # A CVC: only as a whole number, so it does not eat parts of other numbers.
                text = re.sub(rf"(?<!\d){re.escape(secret)}(?!\d)", MASK, text)
            else:
                text = text.replace(secret, MASK + secret[-4:])
    text = _CVC_NEAR_NAME.sub(lambda m: m.group(1) + MASK, text)
    text = _KEY_LIKE.sub(lambda m: MASK + m.group(0)[-4:], text)
    return _CARD_LIKE.sub(_mask_card, text)
