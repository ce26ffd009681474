"""Masking of secrets in free text and in JSON documents: API keys, card numbers and CVCs.

Used by the log filter, by the API client's error messages and by anything
else that turns data into text a person or a file will see. Masks keep the
last four characters so support staff can still tell two keys or cards apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

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


# Fields whose value is a secret whatever it looks like (a CVC is only three digits).
_SECRET_FIELDS = frozenset(
    {
        "card_number",
        "cardnumber",
        "card_cvc",
        "cvc",
        "cvc2",
        "cvv",
        "cvv2",
        "security_code",
        "api_key",
        "apikey",
    }
)


def _is_id_field(name: str) -> bool:
    """PSP, refund, site and account ids: 16-digit ones pass the card checksum one time in ten."""
    name = name.lower()
    return name in {"id", "transactionid", "psp_id"} or name.endswith("_id")


def redact_json(value: Any, field: str = "") -> Any:
    """A copy of a JSON document with its secrets masked by where they are, not only by their shape.

    Masking the document's text instead would hide every id that happens to pass
    the card checksum (``"transaction_id": 1796160041877000``). Here a value is
    masked when its field is a secret (``card_number``, ``cvc``, ``api_key``, ...)
    whatever its shape; a whole number or a string of digits in an id field
    (``transaction_id``, ``refund_id``, ...) is left alone; any other string is
    redacted like free text, so a card number or key typed into a description
    is still caught, and so is a card-shaped number in a field that is not an id.
    """
    if isinstance(value, dict):
        return {key: redact_json(item, str(key)) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_json(item, field) for item in value]
    if value is None or isinstance(value, bool):
        return value
    if field.lower() in _SECRET_FIELDS:
        return mask(str(value)) if str(value) else value
    if isinstance(value, int):
        if _is_id_field(field) or not luhn_valid(str(abs(value))):
            return value
        return mask(str(value))
    if isinstance(value, str):
        if _is_id_field(field) and value.isascii() and value.isdigit():
            return value
        return redact(value)
    return value


def masked_json(document: Any, *, indent: int | None = 2) -> str:
    """``document`` as JSON text for a screen or a clipboard, its secrets masked (see ``redact_json``)."""
    return json.dumps(redact_json(document), indent=indent, ensure_ascii=False)
