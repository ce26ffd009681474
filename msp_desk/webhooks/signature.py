"""The ``Auth`` header MultiSafepay puts on POST notifications.

``Auth`` is ``base64(timestamp + ":" + hex(HMAC-SHA512(key=api_key, msg=timestamp + ":" + raw_body)))``.

The HMAC covers the body exactly as it travelled: re-serialising parsed JSON
changes spacing or escaping and breaks the comparison (the docs' own example
payload has a stray space in it), so every function here takes raw bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

DEFAULT_TOLERANCE_SECONDS = 600
"""How old a notification may be; the PHP SDK's default window."""


def signature_hex(api_key: str, timestamp: int | str, raw_body: bytes) -> str:
    """Hex HMAC-SHA512 of ``timestamp:raw_body`` keyed with the trimmed API key."""
    message = str(timestamp).encode("ascii") + b":" + raw_body
    # The PHP SDK trims the key because keys pasted from the dashboard often
    # carry a trailing newline or space.
    return hmac.new(api_key.strip().encode("utf-8"), message, hashlib.sha512).hexdigest()


def sign(api_key: str, timestamp: int | str, raw_body: bytes) -> str:
    """The ``Auth`` header value for a notification body sent at ``timestamp`` (Unix seconds)."""
    plain = f"{timestamp}:{signature_hex(api_key, timestamp, raw_body)}"
    return base64.b64encode(plain.encode("ascii")).decode("ascii")


class AuthHeaderError(ValueError):
    """Why a text is not an ``Auth`` header; the message is one sentence for a person."""


# MultiSafepay's timestamps are Unix seconds (10 digits until the year 2286); the cap keeps
# a hostile header from turning into a number too large to compare with the clock.
_MAX_TIMESTAMP_DIGITS = 12


def decode_auth(header: str) -> tuple[int, str]:
    """(timestamp, hex signature) from an ``Auth`` header; :class:`AuthHeaderError` says what is wrong."""
    text = header.strip()
    if not text:
        raise AuthHeaderError("The Auth header is empty.")
    try:
        decoded = base64.b64decode(text, validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        raise AuthHeaderError(
            "The Auth header is not base64 text that decodes to “timestamp:signature”."
        ) from None
    timestamp_text, sep, sig = decoded.partition(":")
    if not sep:
        raise AuthHeaderError("The decoded Auth header has no “:” between timestamp and signature.")
    if (
        not (timestamp_text.isdigit() and timestamp_text.isascii())
        or len(timestamp_text) > _MAX_TIMESTAMP_DIGITS
    ):
        raise AuthHeaderError("The decoded Auth header does not start with a Unix timestamp.")
    if not sig:
        raise AuthHeaderError("The decoded Auth header has no signature after the timestamp.")
    return int(timestamp_text), sig


def parse(header: str) -> tuple[int, str] | None:
    """Split an ``Auth`` header into (timestamp, hex signature), or None if it is not one."""
    try:
        return decode_auth(header)
    except AuthHeaderError:
        return None


def signature_matches(api_key: str, timestamp: int, raw_body: bytes, received_hex: str) -> bool:
    """Constant-time comparison of ``received_hex`` with the signature of ``raw_body``."""
    expected = signature_hex(api_key, timestamp, raw_body)
    received = received_hex.strip().lower().encode("ascii", "replace")
    return hmac.compare_digest(expected.encode("ascii"), received)


def verify(
    api_key: str,
    header: str | None,
    raw_body: bytes,
    now: float,
    tolerance: float = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """True when ``header`` signs ``raw_body`` with ``api_key`` and is at most ``tolerance`` seconds old.

    ``now`` is Unix seconds, passed in so callers (and tests) control the clock.
    Timestamps more than ``tolerance`` in the future are rejected as well, so a
    captured header cannot be replayed later by forging a far-future time.
    """
    if not header or not api_key.strip():
        return False
    parsed = parse(header)
    if parsed is None:
        return False
    timestamp, sig = parsed
    if abs(now - timestamp) > tolerance:
        return False
    return signature_matches(api_key, timestamp, raw_body, sig)
