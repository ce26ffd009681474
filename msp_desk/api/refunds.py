"""Whether a refund whose answer was lost went through: the order is asked again until it shows one.

A refund moves money, so it is never sent again blindly. After a timeout, a
dropped connection or a server error the request may or may not have been
carried out; the order's related transactions (and its refunded amount) say
which. A request still on its way can land a little later, so the order is
asked a few times, with growing pauses, before saying that none arrived.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from msp_desk.api.client import MspClient
from msp_desk.api.follow import Backoff, follow_order
from msp_desk.api.models import ApiResponse, Order, PspId

LOOK_AGAIN = Backoff(first=1.0, factor=2.0, longest=5.0, limit=20.0)
"""How long a lost refund is looked for: about 20 s, asking at 1, 3, 7, 12 and 17 s."""


@dataclass(frozen=True)
class RefundSeen:
    """A refund that appeared on the order; ``refund_id`` is None when only the refunded amount grew."""

    refund_id: PspId | None
    amount: int | None


def _refund_ids(order: Order) -> set[PspId | None]:
    return {t.transaction_id for t in order.related_transactions or [] if (t.type or "").lower() == "refund"}


def new_refund(before: Order, after: Order) -> RefundSeen | None:
    """The refund ``after`` has and ``before`` had not, if any."""
    known = _refund_ids(before)
    fresh = [
        t
        for t in after.related_transactions or []
        if (t.type or "").lower() == "refund" and t.transaction_id not in known
    ]
    if fresh:
        return RefundSeen(fresh[-1].transaction_id, fresh[-1].amount)
    grew = (after.amount_refunded or 0) - (before.amount_refunded or 0)
    return RefundSeen(None, grew) if grew > 0 else None


def look_for_refund(
    client: MspClient,
    order_id: str,
    before: Order,
    *,
    backoff: Backoff = LOOK_AGAIN,
    wait: Callable[[float], None] = time.sleep,
) -> tuple[ApiResponse[Order], RefundSeen | None]:
    """Ask for the order until a refund newer than ``before`` shows, or ``backoff`` runs out.

    Returns the last answer and the refund, or None when none appeared in that time.
    """
    found: list[RefundSeen] = []

    def answered(response: ApiResponse[Order]) -> None:
        seen = new_refund(before, response.data)
        if seen is not None and not found:
            found.append(seen)

    last = follow_order(
        client,
        order_id,
        backoff=backoff,
        wait=wait,
        answered=answered,
        settled=lambda _status: bool(found),
        known=True,
    )
    return last, (found[0] if found else None)
