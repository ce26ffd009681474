"""What the client tells an observer about each HTTP exchange: the source of an order's call timeline.

The client sees every request this app sends to MultiSafepay, so "what did we
ask about this order, and what came back" is noted here once, not by each
screen after its own call. An exchange holds no key, no card and no body: the
method, the path as sent (query left out), the order it concerns, the HTTP
status or what went wrong, when it started and how long it took, and a few
words on what was asked ("refund of 25.00 EUR").

Observers are called on the thread that made the call, after the answer (or
the failure) and before the client returns. An observer that raises is logged
and ignored: noting a call never fails it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass


class Purpose(enum.StrEnum):
    """Why the client sent a request; the history's event kinds use the same words."""

    CREATE = "create"
    LOOKUP = "lookup"
    POLL = "poll"
    """The order asked for again while following it, after a first answer."""
    REFUND = "refund"
    CANCEL = "cancel"
    OTHER = "other"
    """Not about one order: the key's identity, a website, the transaction list."""


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its outcome; ``failure`` is None when an answer arrived and was understood.

    ``started`` is UTC. ``http_status`` is set whenever an answer arrived, also
    alongside a failure (a 404, a body cut short); a failure without a status
    means nothing came back (no connection, a timeout). ``path`` and ``failure``
    are redacted.
    """

    method: str
    path: str
    purpose: Purpose
    order_id: str | None
    started: dt.datetime
    duration_ms: float
    http_status: int | None = None
    failure: str | None = None
    summary: str = ""

    @property
    def detail(self) -> str:
        """What was asked and what went wrong, in one line: ``refund of 25.00 EUR: no answer (…)``."""
        if self.failure and self.summary:
            return f"{self.summary}: {self.failure}"
        return self.failure or self.summary


ExchangeObserver = Callable[[Exchange], None]
