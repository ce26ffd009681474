"""How hard the client tries before giving up."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    """Retries apply to GET only: repeating a GET cannot change anything.

    ``attempts`` counts the first try. The wait before retry n (1-based) is
    ``backoff * 2 ** (n - 1)``, capped at ``max_backoff``. ``reconcile_delay``
    is the pause before looking up an order whose creation failed in transit,
    giving MultiSafepay a moment to finish storing it.

    After an HTTP 429 the wait is the server's ``Retry-After`` (the backoff
    when it sent none), capped at ``max_retry_after`` so that a server asking
    for an hour does not freeze a screen for an hour. ``rate_limit_wait``, when
    set, does that wait instead of ``sleep``: a caller running many requests
    uses it to hold all of them back, not just the one that was refused.
    """

    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 4.0
    reconcile_delay: float = 1.0
    max_retry_after: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    rate_limit_wait: Callable[[float], None] | None = field(default=None, compare=False)

    def wait_before_retry(self, retry_number: int) -> float:
        return float(min(self.backoff * 2 ** (retry_number - 1), self.max_backoff))

    def wait_after_rate_limit(self, retry_after: float | None, retry_number: int) -> float:
        wanted = self.wait_before_retry(retry_number) if retry_after is None else retry_after
        return float(min(max(wanted, 0.0), self.max_retry_after))

    def wait_out_rate_limit(self, seconds: float) -> None:
        (self.rate_limit_wait or self.sleep)(seconds)


NO_WAIT = RetryPolicy(backoff=0.0, max_backoff=0.0, reconcile_delay=0.0)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header as seconds from now: it is either a number of seconds or an HTTP date.

    None when absent or unreadable, so the caller falls back to its own backoff.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a zone-less one is read as such
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
