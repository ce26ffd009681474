"""Whether a notification's ``Auth`` header signs its body, and if not, why.

A merchant who says "your signature is wrong" has almost always hashed other
bytes than MultiSafepay sent: JSON their framework re-encoded (MultiSafepay's own
python-sdk does this), a trailing newline from saving the body to a file, or a
byte-order mark. So when the exact bytes do not verify, the checker tries those
changes and names the one that makes the signature match.

Only the first 12 hex digits of each signature are shown: enough to compare by
eye, and the key never appears in anything this module returns.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from msp_desk.webhooks.body_changes import CHANGES, reserialisation_warnings
from msp_desk.webhooks.signature import (
    DEFAULT_TOLERANCE_SECONDS,
    AuthHeaderError,
    decode_auth,
    signature_hex,
    signature_matches,
)

PREFIX_LENGTH = 12
_HEX = frozenset("0123456789abcdef")


class SignatureCheckError(Exception):
    """Input the checker cannot work with: no key, a body that is not bytes, a bad window."""


class Verdict(StrEnum):
    VALID = "valid"
    VALID_AFTER_CHANGE = "valid only after a change to the body"
    INVALID = "invalid"


@dataclass(frozen=True)
class SignatureReport:
    verdict: Verdict
    reason: str
    timestamp: int | None = None
    age_seconds: float | None = None
    window_seconds: float | None = None
    expected_prefix: str | None = None
    received_prefix: str | None = None
    matched_change: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.VALID

    def lines(self) -> list[str]:
        """The report as text for a terminal, a ticket or a label."""
        lines = [
            f"Signature: {self.verdict.value.upper()}",
            f"Why: {self.reason}",
        ]
        if self.timestamp is not None:
            window = "no age check" if self.window_seconds is None else f"window {self.window_seconds:g} s"
            age = "" if self.age_seconds is None else f", {describe_age(self.age_seconds)}"
            lines.append(f"Timestamp: {self.timestamp} ({_utc(self.timestamp)}){age}; {window}")
        if self.expected_prefix is not None:
            lines.append(f"Expected signature: {self.expected_prefix}…")
        if self.received_prefix is not None:
            lines.append(f"Received signature: {self.received_prefix}…")
        if self.matched_change is not None:
            lines.append(f"Matches after: {self.matched_change}")
        lines += [f"Warning: {warning}" for warning in self.warnings]
        return lines


def check_signature(
    body: bytes,
    auth: str | None,
    api_key: str,
    *,
    now: float,
    window: float | None = DEFAULT_TOLERANCE_SECONDS,
) -> SignatureReport:
    """Check ``auth`` against the raw ``body`` with the site's ``api_key`` (trimmed).

    ``window`` is the largest age (either way) in seconds; None turns the age check off,
    e.g. for a body saved from a ticket days ago. Raises only :class:`SignatureCheckError`.
    """
    key = _usable_key(api_key)
    _check_arguments(body, auth, now, window)
    if auth is None or not auth.strip():
        return SignatureReport(
            Verdict.INVALID,
            "There is no Auth header. MultiSafepay signs every POST notification; "
            "GET notifications carry no body and no signature.",
            window_seconds=window,
        )
    try:
        timestamp, received = decode_auth(auth)
    except AuthHeaderError as error:
        return SignatureReport(Verdict.INVALID, str(error), window_seconds=window)

    age = now - timestamp
    in_window = window is None or abs(age) <= window
    facts: dict[str, Any] = {
        "timestamp": timestamp,
        "age_seconds": age,
        "window_seconds": window,
        "expected_prefix": signature_hex(key, timestamp, body)[:PREFIX_LENGTH],
        "received_prefix": _shown_prefix(received),
    }
    warnings = _input_warnings(api_key, received)
    age_problem = "" if in_window else _age_problem(age, window)

    if signature_matches(key, timestamp, body, received):
        if not in_window:
            return SignatureReport(
                Verdict.INVALID,
                f"The signature matches the body, but {age_problem}",
                **facts,
                warnings=warnings,
            )
        fragile = reserialisation_warnings(body)
        return SignatureReport(
            Verdict.VALID,
            "The signature matches the body's exact bytes and the timestamp is within the window.",
            **facts,
            warnings=(*warnings, *fragile),
        )

    for change in CHANGES:
        changed = change.apply(body)
        if changed is None or changed == body:
            continue
        if signature_matches(key, timestamp, changed, received):
            reason = (
                f"The signature matches only after {change.name}: these are not the bytes "
                f"MultiSafepay signed. {change.cause} Verify the raw request body exactly as received."
            )
            if not in_window:
                return SignatureReport(
                    Verdict.INVALID,
                    f"{reason} Also, {age_problem}",
                    **facts,
                    matched_change=change.name,
                    warnings=warnings,
                )
            return SignatureReport(
                Verdict.VALID_AFTER_CHANGE, reason, **facts, matched_change=change.name, warnings=warnings
            )

    reason = (
        "The signature does not match the body. Either the key is not this website's API key "
        "(each site has its own), or the body is not the one that was signed."
    )
    if not in_window:
        reason += f" Also, {age_problem}"
    return SignatureReport(Verdict.INVALID, reason, **facts, warnings=warnings)


def _usable_key(api_key: object) -> str:
    if not isinstance(api_key, str) or not api_key.strip():
        raise SignatureCheckError("No API key: the signature can only be checked with the website's key.")
    key = api_key.strip()
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        raise SignatureCheckError("The API key contains characters no key can have.") from None
    return key


def _check_arguments(body: object, auth: object, now: object, window: object) -> None:
    if not isinstance(body, bytes):
        raise SignatureCheckError("The body must be the raw bytes of the request.")
    if auth is not None and not isinstance(auth, str):
        raise SignatureCheckError("The Auth header must be text.")
    if not isinstance(now, int | float) or not math.isfinite(now):
        raise SignatureCheckError("The current time must be a finite number of Unix seconds.")
    if window is not None and (
        not isinstance(window, int | float) or not math.isfinite(window) or window < 0
    ):
        raise SignatureCheckError("The age window must be a number of seconds, 0 or more.")


def _shown_prefix(received: str) -> str:
    shown = received.strip()[:PREFIX_LENGTH]
    return "".join(c if c.isprintable() else "?" for c in shown)


def _input_warnings(api_key: str, received: str) -> tuple[str, ...]:
    warnings = []
    if api_key != api_key.strip():
        warnings.append(
            "The key had spaces or line breaks around it; they were ignored, as MultiSafepay does."
        )
    sig = received.strip().lower()
    if len(sig) != 128 or not set(sig) <= _HEX:
        warnings.append(
            f"The received signature is {len(sig)} characters long; "
            "MultiSafepay sends 128 hexadecimal digits."
        )
    return tuple(warnings)


def _age_problem(age: float, window: float | None) -> str:
    when = describe_age(age)
    return (
        f"the timestamp is {when}, outside the {window:g} s window. MultiSafepay sends each retry "
        "with a fresh timestamp, so this is a replayed or long-stored notification, or a clock is wrong."
    )


def describe_age(seconds: float) -> str:
    """``"42 s ago"``, ``"3 min 5 s ago"``, ``"2 days ago"`` or ``"… in the future"``."""
    amount = abs(seconds)
    if amount < 60:
        text = f"{amount:.0f} s"
    elif amount < 3600:
        text = f"{int(amount // 60)} min {int(amount % 60)} s"
    elif amount < 86400:
        text = f"{int(amount // 3600)} h {int(amount % 3600 // 60)} min"
    else:
        text = f"{int(amount // 86400)} days"
    return f"{text} in the future" if seconds < 0 else f"{text} old"


def _utc(timestamp: int) -> str:
    try:
        return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (ValueError, OverflowError, OSError):
        return "not a date"
