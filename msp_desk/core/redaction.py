"""Masking of secrets in free text: API keys, card numbers and CVCs.

Used by the log filter and by anything that turns data into a message a person
or a file will see. Masks keep the last four characters so support staff can
still tell two keys or cards apart.
"""

from __future__ import annotations

import re

from msp_desk.core.cards import luhn_valid

MASK = "•"

_API_KEY_HEX = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{40}(?![0-9A-Fa-f])")
# api_key=..., "api_key": "...", api_key: ... ; also Bearer tokens.
_API_KEY_FIELD = re.compile(
    r"""(?P<lead>(?:api[_-]?key|apikey)["']?\s*[:=]\s*["']?|Bearer\s+)(?P<value>[^\s"'&,;}]+)""",
    re.IGNORECASE,
)
# Digit runs of 13-19, allowing the single spaces or dashes people type between groups.
_CARD_CANDIDATE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_CVC_FIELD = re.compile(
    r"""(?P<lead>(?:card_cvc|cvc|cvv|cvc2|cvv2|security_code)["']?\s*[:=]\s*["']?)(?P<value>\d{3,4})""",
    re.IGNORECASE,
)


def mask(value: str, keep: int = 4) -> str:
    """``"abcdef1234"`` becomes ``"••••1234"``; short values are hidden whole."""
    value = value.strip()
    if len(value) <= keep:
        return MASK * 4
    return MASK * 4 + value[-keep:]


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return mask(digits) if luhn_valid(digits) else match.group(0)


def redact(text: str) -> str:
    """Return ``text`` with every API key, Luhn-valid card number and CVC field masked."""
    text = _API_KEY_FIELD.sub(lambda m: m.group("lead") + mask(m.group("value")), text)
    text = _API_KEY_HEX.sub(lambda m: mask(m.group(0)), text)
    text = _CVC_FIELD.sub(lambda m: m.group("lead") + MASK * 3, text)
    return _CARD_CANDIDATE.sub(_mask_card, text)
