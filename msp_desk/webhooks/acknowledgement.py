"""When MultiSafepay counts a notification as received.

The docs: HTTP 200 with ``OK`` in the first 100 characters of the body, or
``MULTISAFEPAY_OK`` there. The check here is case-insensitive because the
Magento plugin answers a lowercase ``ok`` and merchants expect that to work;
note that it also means any body starting with e.g. "Token broken" counts,
just as a case-sensitive "OK" would match "BROKEN".
"""

from __future__ import annotations

ACK_WINDOW = 100


def is_acknowledged(status_code: int, body_text: str) -> bool:
    """True when a notification answer stops further retries."""
    # MULTISAFEPAY_OK contains OK, so one search covers both documented forms.
    return status_code == 200 and "ok" in body_text[:ACK_WINDOW].lower()
