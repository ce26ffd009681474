"""Everything this app knows of one order under one profile, read in one go for the timeline and the bundle.

Reading touches the history file and, for a sandbox order, the sandbox's state,
so the app does it on a worker; the result is plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from msp_desk.support.timeline import TimelineEntry, build_timeline

if TYPE_CHECKING:
    from msp_desk.history.records import HistoryEntry, HistoryEvent
    from msp_desk.history.store import HistoryStore
    from msp_desk.sandbox.attempts import NotificationAttempt
    from msp_desk.sandbox.store import Store


@dataclass(frozen=True)
class OrderCase:
    """One order's records: its history row (None when never sent or looked up here), its events and,
    for a sandbox order, every notification attempt (``notifications_known``)."""

    profile_id: str
    order_id: str
    entry: HistoryEntry | None
    events: list[HistoryEvent]
    attempts: list[NotificationAttempt] = field(default_factory=list)
    notifications_known: bool = False

    @property
    def timeline(self) -> list[TimelineEntry]:
        return build_timeline(self.events, self.attempts)


def read_case(
    history: HistoryStore,
    profile_id: str,
    order_id: str,
    *,
    attempts: list[NotificationAttempt] | None = None,
) -> OrderCase:
    """The order's history row and events; ``attempts`` None: its notifications cannot be seen from here."""
    return OrderCase(
        profile_id=profile_id,
        order_id=order_id,
        entry=history.get(profile_id, order_id),
        events=history.events(profile_id, order_id),
        attempts=list(attempts or []),
        notifications_known=attempts is not None,
    )


def sandbox_attempts(store: Store, api_key: str, order_id: str) -> list[NotificationAttempt]:
    """Every notification attempt for the order on the sandbox website of ``api_key``, oldest first."""
    site = store.site_by_key(api_key)
    return [] if site is None else store.notification_attempts(site.site_id, order_id=order_id)
