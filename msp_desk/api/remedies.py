"""From a failure to what a person can do about it: one line to show and one remedy to offer.

Every screen and command turns errors into words the same way. The remedy
matters most for writes: a request that provably never reached MultiSafepay
can be sent again; one whose fate is unknown must be looked up first, so an
order or a refund is never made twice.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def explain_lookup(error: BaseException, order_id: str, *, seen_under: Sequence[str] = ()) -> Explanation:
    """Why looking ``order_id`` up failed; ``seen_under`` names other profiles whose history has it.

    MultiSafepay answers 1006 both for an order that does not exist and for one
    of another website (an API key belongs to one website), so the message says both.
    """
    if isinstance(error, NotFound):
        elsewhere = (
            f" The order history has it under {_names(seen_under)}: switch to that profile to look it up."
            if seen_under
            else " If the ID is right, the order may belong to another profile's website: "
            "a key sees only its own website's orders."
        )
        return Explanation(
            f"No order “{order_id}” on this profile's website (error {error.code}).{elsewhere}", Remedy.FIX
        )
    if isinstance(error, InvalidApiKey):
        return Explanation(f"{error.message} Check the profile's key on the Profiles screen.", Remedy.KEY)
    if isinstance(error, NetworkUnreachable):
        return Explanation(
            f"{error.message} Check the network connection (or the proxy or firewall) and retry.",
            Remedy.RETRY,
        )
    if isinstance(error, RequestTimeout):
        tries = f" after {error.attempts} tries" if error.attempts > 1 else ""
        return Explanation(f"{error.message.rstrip('.')}{tries}; the order was not looked up.", Remedy.RETRY)
    if isinstance(error, MalformedResponse):
        return Explanation(
            f"{error.message} The order could not be read from it: perhaps a proxy or an outage page "
            "answered instead of MultiSafepay.",
            Remedy.RETRY,
        )
    return explain(error)


def _names(names: Sequence[str]) -> str:
    quoted = [f"“{name}”" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
