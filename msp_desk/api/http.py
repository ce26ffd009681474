"""The one ``httpx.Client`` the app shares between all MultiSafepay calls."""

from __future__ import annotations

import httpx

from msp_desk import __version__

USER_AGENT = f"msp-desk/{__version__} (+python-httpx)"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
KEPT_CONNECTIONS = 40
"""Idle connections kept open for the next request: more than the bulk lookup's 32 at a time.

httpx keeps 20 by default, and its pool closes any idle connection while it holds more than that
many in all, busy or not: at 32 lookups at a time nearly every lookup opened a new connection (765
to 831 of 1,000 in ``benchmarks/bulk_lookup.py``), each a handshake for both sides and the pool's
set-up on the interpreter lock that the window needs too."""


def make_http_client(
    *, connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT
) -> httpx.Client:
    """Create the shared client; the caller owns it and closes it on exit.

    Timeouts are explicit because httpx's default (5 s for everything) is too
    short for a card authorisation and would wrongly report timeouts.
    """
    return httpx.Client(
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=KEPT_CONNECTIONS),
        headers={"User-Agent": USER_AGENT},
        # An API that answers with a redirect is misconfigured; following it
        # could resend the key to another host.
        follow_redirects=False,
    )
