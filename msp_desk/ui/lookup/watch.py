"""Looking one order up, then keeping it fresh while its status can still change.

One job per order on screen: it asks for the order, hands every answer to
the screen as it arrives, and while the status is pending (initialized,
uncleared, reserved) asks again with growing pauses (:func:`follow_order`).
Another order id or another profile drops it (the lane and
``follow_profile``); a hidden screen keeps it. Each answer that brings news
is written to the order history from the worker, best effort; the requests
themselves reach the order's timeline through the client (``history.calls``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from msp_desk.api.follow import Backoff
from msp_desk.core.redaction import redact
from msp_desk.core.statuses import is_pending
from msp_desk.ui.services.tasks import TaskContext

if TYPE_CHECKING:
    from msp_desk.api.errors import NotFound
    from msp_desk.api.models import ApiResponse, Order
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Failure

log = logging.getLogger(__name__)

INITIATOR = "lookup"
FOLLOW = Backoff(first=2.0, factor=1.5, longest=60.0, limit=3600.0)
"""Asking again after 2 s, then a little later each time, at most every minute, for an hour."""


@dataclass(frozen=True)
class Answer:
    """One answer about the watched order; ``changed``: its status pair differs from the one before."""

    response: ApiResponse[Order]
    first: bool
    changed: bool
    note: str = ""  # the history could not keep it: say so, nothing else is affected


@dataclass(frozen=True)
class Missing:
    """MultiSafepay has no such order for this key; ``seen_under`` names profiles whose history has it."""

    error: NotFound
    seen_under: tuple[str, ...]


class OrderWatch(QObject):
    answered = Signal(object)  # Answer
    missing = Signal(object)  # Missing
    failed = Signal(object)  # Failure
    progress = Signal(str)  # "Order is uncleared; asking again in 3.0 s…"
    settled = Signal(object)  # the last ApiResponse[Order]: following ended (final, or time is up)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._ops = context.operations(self, initiator=INITIATOR)
        self._ops.follow_profile(context.profiles.active_changed)
        self.backoff = FOLLOW
        self.profile: Profile | None = None
        self.order_id = ""

    @property
    def busy(self) -> bool:
        return self._ops.busy("order")

    def watch(self, profile: Profile, order_id: str) -> None:
        """Look ``order_id`` up with ``profile`` and follow it; whatever was watched before is dropped."""
        from msp_desk.api.errors import NotFound
        from msp_desk.api.follow import follow_order

        self._ops.move_on()
        self.profile, self.order_id = profile, order_id
        context, backoff = self._context, self.backoff

        def job(ctx: TaskContext) -> ApiResponse[Order] | Missing:
            client = context.profiles.client_for(context.http, profile)
            seen: list[tuple[str | None, str | None]] = []

            def answered(response: ApiResponse[Order]) -> None:
                pair = (response.data.status, response.data.financial_status)
                first = not seen
                changed = first or seen[-1] != pair
                note = self._remember(profile, order_id, response) if changed else ""
                seen.append(pair)
                ctx.report(Answer(response, first, changed, note))

            try:
                return follow_order(
                    client,
                    order_id,
                    backoff=backoff,
                    wait=ctx.wait,
                    report=ctx.report,
                    answered=answered,
                    settled=lambda status: not is_pending(status),
                )
            except NotFound as error:
                if seen:
                    raise
                return Missing(error, self._seen_elsewhere(profile, order_id))

        self._ops.run(
            job,
            name=f"Look up order {order_id}",
            lane="order",
            on_progress=self._progressed,
            on_success=self._finished,
            on_failure=self._failed,
        )

    def stop(self) -> None:
        """Leave the order: nothing more is asked or shown about it."""
        self._ops.move_on()

    # -- on the UI thread ----------------------------------------------------------

    def _progressed(self, item: object) -> None:
        if isinstance(item, Answer):
            self.answered.emit(item)
        elif isinstance(item, str):
            self.progress.emit(item)

    def _finished(self, result: ApiResponse[Order] | Missing) -> None:
        if isinstance(result, Missing):
            self.missing.emit(result)
        else:
            self.settled.emit(result)

    def _failed(self, failure: Failure) -> None:
        self.failed.emit(failure)

    # -- on the worker: the history, best effort -------------------------------------

    def _remember(self, profile: Profile, order_id: str, response: ApiResponse[Order]) -> str:
        try:
            self._context.history.record_lookup(
                profile.id, profile.name, profile.environment.value, response.data
            )
        except Exception as error:
            text = redact(str(error) or type(error).__name__)
            log.warning("Could not keep order %s in the history: %s", order_id, text)
            return f"The order history could not keep this lookup ({text}); the order itself is not affected."
        return ""

    def _seen_elsewhere(self, profile: Profile, order_id: str) -> tuple[str, ...]:
        """Profiles whose history has this order id: a 1006 then most likely means another website's order."""
        from msp_desk.history.store import HistoryQuery

        try:
            page = self._context.history.search(HistoryQuery(order_id_prefix=order_id, limit=100))
        except Exception as error:
            log.warning("Could not search the history for order %s: %s", order_id, redact(str(error)))
            return ()
        names = [
            e.profile_name for e in page.entries if e.order_id == order_id and e.profile_id != profile.id
        ]
        return tuple(dict.fromkeys(names))
