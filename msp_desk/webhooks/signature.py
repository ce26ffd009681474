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


def parse(header: str) -> tuple[int, str] | None:
    """Split an ``Auth`` header into (timestamp, hex signature), or None if it is not one."""
    try:
        decoded = base64.b64decode(header.strip(), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    timestamp_text, sep, sig = decoded.partition(":")
    if not sep or not timestamp_text.isdigit() or not sig:
        return None
    return int(timestamp_text), sig


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
    expected = signature_hex(api_key, timestamp, raw_body)
    return hmac.compare_digest(expected.encode("ascii"), sig.strip().lower().encode("ascii", "replace"))
