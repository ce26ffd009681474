"""Following an order until its status is final: ask, wait a little longer each time, give up in time.

Used after 3-D Secure, for orders that come back uncleared, and by the lookup
screen's automatic refresh. ``wait`` is the caller's sleep; a UI job passes
one that raises when the person cancels, so a cancel takes effect at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from msp_desk.api.client import MspClient
from msp_desk.api.models import ApiResponse, Order
from msp_desk.core.statuses import is_final


@dataclass(frozen=True)
class Backoff:
    """Pauses between lookups: ``first``, then times ``factor``, at most ``longest``, for ``limit`` in all."""

    first: float = 0.3
    factor: float = 1.8
    longest: float = 8.0
    limit: float = 90.0

    def delays(self) -> list[float]:
        """Every pause in one follow, in order (their sum stays within ``limit``)."""
        delays, total, delay = [], 0.0, self.first
        while total + delay <= self.limit:
            delays.append(delay)
            total += delay
            delay = min(delay * self.factor, self.longest)
        return delays


def follow_order(
    client: MspClient,
    order_id: str,
    *,
    backoff: Backoff | None = None,
    wait: Callable[[float], None] = time.sleep,
    report: Callable[[str], None] | None = None,
    answered: Callable[[ApiResponse[Order]], None] | None = None,
    settled: Callable[[str | None], bool] = is_final,
    known: bool = False,
) -> ApiResponse[Order]:
    """GET the order until it is settled or the backoff's time is up; returns the last answer.

    ``answered`` sees every answer as it arrives (a screen shows each one);
    ``settled`` says which statuses end the following (by default the final ones).
    Every request after the first is a poll on the order's timeline; ``known``
    makes the first one a poll too (the caller has had an answer about the order).
    """
    response = client.get_order(order_id, poll=known)
    if answered is not None:
        answered(response)
    for delay in (backoff or Backoff()).delays():
        status = response.data.status or "unknown"
        if settled(response.data.status):
            break
        if report is not None:
            report(f"Order is {status}; asking again in {delay:.1f} s…")
        wait(delay)
        response = client.get_order(order_id, poll=True)
        if answered is not None:
            answered(response)
    return response
