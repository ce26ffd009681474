"""The Timeline tab of the order on screen: read from the history and the sandbox on a worker, then shown.

It is read again whenever an answer about the order arrives (a lookup, a poll,
after a refund or cancel) and, while the tab is on screen, every few seconds:
a sandbox order's notifications and their retries come on their own time.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from msp_desk.core.redaction import redact
from msp_desk.ui.lookup.watch import INITIATOR
from msp_desk.ui.services.tasks import TaskContext

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.support.case import OrderCase
    from msp_desk.support.timeline import TimelineEntry
    from msp_desk.ui.lookup.page import LookupPage
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Failure
    from msp_desk.ui.widgets.order_timeline import OrderTimelineView

REFRESH_MS = 3000
LANE = "timeline"


def read_order_case(context: AppContext, profile: Profile, order_id: str) -> OrderCase:
    """On a worker: the order's history and, for a Sandbox profile, its notification attempts."""
    from msp_desk.api.environments import Environment
    from msp_desk.support.case import read_case, sandbox_attempts

    attempts = None
    if profile.environment is Environment.SANDBOX:
        server = context.sandbox.ensure_running()
        attempts = sandbox_attempts(server.engine.store, context.profiles.api_key_for(profile), order_id)
    return read_case(context.history, profile.id, order_id, attempts=attempts)


class OrderTimeline(QObject):
    def __init__(self, page: LookupPage, view: OrderTimelineView) -> None:
        super().__init__(page)
        self._page = page
        self._view = view
        self._ops = page.context.operations(self, initiator=INITIATOR)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        page.detail.tabs.currentChanged.connect(lambda _index: self._tick())

    @property
    def busy(self) -> bool:
        return self._ops.busy(LANE)

    @property
    def on_screen(self) -> bool:
        return self._page.isVisible() and self._page.detail.tabs.currentWidget() is self._view

    def load(self) -> None:
        """Read the timeline of the order on screen; a read under way gives way to this one."""
        page = self._page
        profile, order_id = page.profile, page.watch.order_id
        if profile is None or not order_id or page.order() is None:
            return
        context = page.context

        def job(ctx: TaskContext) -> tuple[list[TimelineEntry] | None, str]:
            from msp_desk.support.timeline import summary

            try:
                case = read_order_case(context, profile, order_id)
            except sqlite3.Error as error:  # a damaged or vanished history: say so in the tab
                return None, f"The order history could not be read ({redact(str(error))})."
            entries = case.timeline
            return entries, summary(entries, notifications_known=case.notifications_known)

        def show(result: tuple[list[TimelineEntry] | None, str]) -> None:
            entries, words = result
            if not page.showing(profile, order_id):
                return
            if entries is None:
                self._view.show_problem(words)
            else:
                self._view.show_entries(entries, words)

        self._view.show_reading()
        self._ops.run(
            job,
            name=f"Read the timeline of order {order_id}",
            lane=LANE,
            on_success=show,
            on_failure=lambda failure: self._failed(profile, order_id, failure),
        )

    def _tick(self) -> None:
        if self.on_screen and not self.busy:
            self.load()

    def _failed(self, profile: Profile, order_id: str, failure: Failure) -> None:
        if self._page.showing(profile, order_id):
            self._view.show_problem(f"The timeline could not be read: {failure.message}")
