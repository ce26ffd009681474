"""When MultiSafepay counts a notification as received.

The docs: HTTP 200 with ``OK`` in the first 100 characters of the body, or
``MULTISAFEPAY_OK`` there. The Magento plugin answers a lowercase ``ok`` and
merchants expect that to work, but MultiSafepay has not confirmed that its check
ignores case. So :func:`classify` tells the two apart (the endpoint doctor warns
about the second), while :func:`is_acknowledged` accepts both, as the sandbox
does; note that it then also accepts any body starting with e.g. "Token broken",
just as a case-sensitive "OK" would match "BROKEN".
"""

from __future__ import annotations

from enum import Enum

ACK_WINDOW = 100


class Acknowledgement(Enum):
    ACCEPTED = "accepted"
    """200 with ``OK`` (``MULTISAFEPAY_OK`` contains it) in the first 100 characters."""
    CASE_DIFFERS = "case differs"
    """200 with ``ok`` only in another case, e.g. lowercase: believed to work, unconfirmed."""
    REFUSED = "refused"


def classify(status_code: int, body_text: str) -> Acknowledgement:
    window = body_text[:ACK_WINDOW]
    if status_code != 200:
        return Acknowledgement.REFUSED
    if "OK" in window:
        return Acknowledgement.ACCEPTED
    if "ok" in window.lower():
        return Acknowledgement.CASE_DIFFERS
    return Acknowledgement.REFUSED


def is_acknowledged(status_code: int, body_text: str) -> bool:
    """True when a notification answer stops further retries."""
    return classify(status_code, body_text) is not Acknowledgement.REFUSED
