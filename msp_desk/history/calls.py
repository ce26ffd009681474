"""This app's calls about an order, onto the order's timeline: the client's observer for one profile.

The API client tells its observer of every exchange (:mod:`msp_desk.api.exchanges`);
this one writes each exchange about an order as one event, under the profile
the client was made for. No screen writes call events itself, so a call is on
the timeline exactly once, whichever screen made it.

Best effort: the history is a record, not a gate. Each event is queued and
written within a moment (``HistoryStore.note_call``), so a call never waits for
the file; a write that fails (a damaged or closed file, a full disk) is logged
and the call carries on as if nothing happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from msp_desk.api.exchanges import Exchange, Purpose
from msp_desk.core.redaction import redact
from msp_desk.history.records import EventKind

if TYPE_CHECKING:
    from msp_desk.history.store import HistoryStore

log = logging.getLogger(__name__)


class CallRecorder:
    """An exchange observer writing to ``history`` (the store, or how to get it) for ``profile_id``.

    ``history`` may be a function so the store is opened on the worker making the first call,
    never on the UI thread.
    """

    def __init__(self, history: HistoryStore | Callable[[], HistoryStore], profile_id: str) -> None:
        self._history = history
        self.profile_id = profile_id

    def __call__(self, exchange: Exchange) -> None:
        if not exchange.order_id or exchange.purpose is Purpose.OTHER:
            return
        try:
            history = self._history() if callable(self._history) else self._history
            history.note_call(
                self.profile_id,
                exchange.order_id,
                EventKind(exchange.purpose.value),
                method=exchange.method,
                path=exchange.path,
                http_status=exchange.http_status,
                detail=exchange.detail,
                at=exchange.started,
                duration_ms=exchange.duration_ms,
            )
        except Exception as error:
            log.warning(
                "Could not put %s %s on the timeline of order %s: %s",
                exchange.method,
                exchange.path,
                redact(exchange.order_id),
                redact(str(error) or type(error).__name__),
            )
