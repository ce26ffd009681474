"""The one ``httpx.Client`` the app shares between all MultiSafepay calls."""

from __future__ import annotations

import httpx

from msp_desk import __version__

USER_AGENT = f"msp-desk/{__version__} (+python-httpx)"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0


def make_http_client(
    *, connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT
) -> httpx.Client:
    """Create the shared client; the caller owns it and closes it on exit.

    Timeouts are explicit because httpx's default (5 s for everything) is too
    short for a card authorisation and would wrongly report timeouts.
    """
    return httpx.Client(
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        headers={"User-Agent": USER_AGENT},
        # An API that answers with a redirect is misconfigured; following it
        # could resend the key to another host.
        follow_redirects=False,
    )
