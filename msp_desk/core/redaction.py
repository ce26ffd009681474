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
# Card numbers are 12-19 digits, sometimes grouped with spaces or dashes. A run is
# taken whole, however long, and searched for cards group by group in _mask_card.
_DIGIT_RUN = re.compile(r"(?<![\d-])\d(?:[ -]?\d){11,}(?![\d-])")
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
    run = match.group(0)
    digits = re.sub(r"\D", "", run)
    # PSP ids are long digit runs too; only numbers that pass the card checksum are hidden.
    if luhn_valid(digits):
        return mask(digits)
    # A grouped card can sit right next to other numbers ("amount 1000 4111 1111 1111 1111"),
    # so look for cards among consecutive groups, longest first.
    tokens = re.split(r"[ -]", run)
    separators = re.findall(r"[ -]", run)
    return _mask_groups(tokens, separators)


def _mask_groups(tokens: list[str], separators: list[str]) -> str:
    best: tuple[int, int] | None = None
    best_length = 0
    for start in range(len(tokens)):
        for end in range(start + 1, len(tokens) + 1):
            candidate = "".join(tokens[start:end])
            if best_length < len(candidate) <= 19 and len(candidate) >= 12 and luhn_valid(candidate):
                best, best_length = (start, end), len(candidate)
    if best is None:
        return "".join(t + (separators[i] if i < len(separators) else "") for i, t in enumerate(tokens))
    start, end = best
    left = _mask_groups(tokens[:start], separators[: start - 1]) + separators[start - 1] if start else ""
    right = separators[end - 1] + _mask_groups(tokens[end:], separators[end:]) if end < len(tokens) else ""
    return left + mask("".join(tokens[start:end])) + right


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
    return _DIGIT_RUN.sub(_mask_card, text)
