"""Masking of secrets in free text: API keys, card numbers and CVCs.

Used by the log filter, by the API client's error messages and by anything
else that turns data into text a person or a file will see. Masks keep the
last four characters so support staff can still tell two keys or cards apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from msp_desk.core.cards import luhn_valid

MASK = "••••"

# api_key=..., "api_key": "...", api_key: ... ; also Bearer tokens, whatever their shape.
_API_KEY_FIELD = re.compile(
    r"""(?P<lead>(?:api[_-]?key|apikey)["']?\s*[:=]\s*["']?|Bearer\s+)(?P<value>[^\s"'&,;}]+)""",
    re.IGNORECASE,
)
# A MultiSafepay API key is 40 characters; sandbox keys are hex, real ones need not be.
_KEY_LIKE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{32,64}(?![A-Za-z0-9])")
# Card numbers are 12-19 digits, sometimes grouped with spaces or dashes.
_CARD_LIKE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d-])")
# A CVC only looks like a CVC next to its name; bare 3-4 digit numbers are too common to hide.
_CVC_FIELD = re.compile(
    r"""(?P<lead>\b(?:card_cvc|cvc2?|cvv2?|security_code)\b["']?\s*[:=]\s*["']?)(?P<value>\d{3,4})""",
    re.IGNORECASE,
)


def mask(value: str) -> str:
    """``"abcdef1234"`` becomes ``"••••1234"``; short values are hidden whole, empty stays empty."""
    value = value.strip()
    if not value:
        return ""
    return MASK + value[-4:] if len(value) > 4 else MASK


# The name callers use for API keys.
mask_key = mask


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    # PSP ids are long digit runs too; only numbers that pass the card checksum are hidden.
    return mask(digits) if luhn_valid(digits) else match.group(0)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Mask known ``secrets`` exactly, then anything shaped like a key, card number or CVC."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            if len(secret) <= 4:
                # A CVC: only as a whole number, so it does not eat parts of other numbers.
                text = re.sub(rf"(?<!\d){re.escape(secret)}(?!\d)", MASK, text)
            else:
                text = text.replace(secret, mask(secret))
    text = _API_KEY_FIELD.sub(lambda m: m.group("lead") + mask(m.group("value")), text)
    text = _CVC_FIELD.sub(lambda m: m.group("lead") + MASK, text)
    text = _KEY_LIKE.sub(lambda m: mask(m.group(0)), text)
    return _CARD_LIKE.sub(_mask_card, text)
