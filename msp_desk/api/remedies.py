"""From a failure to what a person can do about it: one line to show and one remedy to offer.

Every screen and command turns errors into words the same way. The remedy
matters most for writes: a request that provably never reached MultiSafepay
can be sent again; one whose fate is unknown must be looked up first, so an
order or a refund is never made twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from msp_desk.api.errors import (
    ConnectionDropped,
    InvalidApiKey,
    MalformedResponse,
    MspError,
    NetworkUnreachable,
    NotFound,
    OrderNotCreated,
    OrderStateUnknown,
    RateLimited,
    RequestRejected,
    RequestTimeout,
    ServerError,
    ValidationFailed,
)
from msp_desk.core.redaction import redact


class Remedy(StrEnum):
    RETRY = "retry"  # nothing happened: sending again is safe
    CHECK = "check"  # unknown whether it happened: look it up before anything else
    FIX = "fix"  # MultiSafepay refused what was asked: change the input
    KEY = "key"  # the profile's key is missing, refused or unreadable: fix it on the Profiles screen


@dataclass(frozen=True)
class Explanation:
    message: str
    remedy: Remedy
    # True for anything the app did not expect (a bug, not a network or MultiSafepay answer).
    unexpected: bool = False


# Failures in transit: for a read, asking again is harmless.
_IN_TRANSIT = (RequestTimeout, ConnectionDropped, ServerError, MalformedResponse, RateLimited)


def explain(error: BaseException, *, writing: bool = False) -> Explanation:
    """The one-line message and remedy for ``error``; ``writing`` for requests that change something."""
    # Imported here: credentials pulls in keyring, which a read-only command may never need.
    from msp_desk.credentials.access import MissingApiKey
    from msp_desk.credentials.secrets import SecretStorageUnavailable

    if isinstance(error, MissingApiKey):
        return Explanation(str(error), Remedy.KEY)
    if isinstance(error, SecretStorageUnavailable):
        return Explanation(error.status.explanation, Remedy.KEY)
    if isinstance(error, InvalidApiKey):
        return Explanation(error.message, Remedy.KEY)
    if isinstance(error, OrderNotCreated):
        return Explanation(error.message, Remedy.RETRY)
    if isinstance(error, OrderStateUnknown):
        return Explanation(error.message, Remedy.CHECK)
    if isinstance(error, NetworkUnreachable):
        # The connection never opened, so nothing was sent.
        return Explanation(f"{error.message} Nothing was sent.", Remedy.RETRY)
    if isinstance(error, _IN_TRANSIT):
        return Explanation(error.message, Remedy.CHECK if writing else Remedy.RETRY)
    if isinstance(error, ValidationFailed | NotFound | RequestRejected):
        return Explanation(error.message, Remedy.FIX)
    if isinstance(error, MspError):
        return Explanation(error.message, Remedy.CHECK if writing else Remedy.RETRY)
    text = str(error).strip()
    described = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return Explanation(
        redact(f"Unexpected error ({described})."),
        Remedy.CHECK if writing else Remedy.RETRY,
        unexpected=True,
    )
