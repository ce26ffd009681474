"""One bulk lookup behind the screen: the engine's worker threads feed the window in batches.

The engine calls back on its own worker threads, up to 32 of them, once per
id. Those threads must not touch Qt, and a queued signal per id would wake
the event loop a thousand times; so the callbacks only append to a locked
list, and a short timer on the UI thread takes whatever has arrived every
40 ms and hands it on as one batch. Between batches the event loop is free.

The engine's threads are its own, not the task runner's: a run of minutes
must not hold one of the pool's few threads, which every other screen needs.
Only starting a pass runs as a job: making the client (keyring, the local
sandbox) and starting the engine's threads.

A run stops, keeping what it found, when the person cancels, when the active
profile changes (the answers would mix two websites) and when the window
closes or the screen goes away (no request may outlive the window).

The objects that exist when a pass starts are frozen out of the garbage
collector's full scans (``core/collector.py``): such a scan holds the
interpreter lock, and so the window, for 40 to 80 ms.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QWidget

from msp_desk.bulk.engine import BulkLookup, PassEnd, PassSummary, Progress
from msp_desk.bulk.ids import OrderIds
from msp_desk.bulk.results import LookupResult, Outcome
from msp_desk.core.collector import settle

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.ui.services.context import AppContext
    from msp_desk.ui.services.operations import Failure, Operations
    from msp_desk.ui.services.tasks import TaskContext

FEED_INTERVAL_MS = 40
START_LANE = "start"


class _Feed:
    """What the worker threads leave for the UI thread: new results, the latest progress, the pass's end.

    No lock: a worker that took one and then waited for the interpreter lock behind 31 others would
    hold the UI thread waiting too. A deque's append and popleft, and assigning an attribute, are
    each atomic in CPython.
    """

    def __init__(self) -> None:
        self._results: deque[LookupResult] = deque()
        self._progress: Progress | None = None  # written by the workers only
        self._summary: PassSummary | None = None
        self._taken: tuple[Progress | None, PassSummary | None] = (None, None)  # the UI thread's only

    def on_result(self, result: LookupResult, progress: Progress) -> None:
        self._results.append(result)
        self._progress = progress

    def on_paused(self, seconds: float, progress: Progress) -> None:
        self._progress = progress

    def on_finished(self, summary: PassSummary) -> None:
        self._progress = summary.progress
        self._summary = summary

    def take(self) -> tuple[list[LookupResult], Progress | None, PassSummary | None]:
        """What is new since the last call. Only the workers write the fields and only this reads them,
        so nothing written meanwhile is lost."""
        # The end first: the engine reports it after the pass's last result, so once it is here
        # every result of the pass is in the deque already.
        summary, progress = self._summary, self._progress
        new_progress = progress if progress is not self._taken[0] else None
        new_summary = summary if summary is not self._taken[1] else None
        self._taken = (progress, summary)
        results = []
        while self._results:
            results.append(self._results.popleft())
        return results, new_progress, new_summary


class _Engine:
    """The current lookup, kept apart from the QObject so that it can be ended while the screen is deleted.

    A worker thread hands the lookup over (``adopt``) before starting it; once
    the screen is gone (``close``) nothing more may start.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.lookup: BulkLookup | None = None
        self.closed = False

    def adopt(self, lookup: BulkLookup) -> bool:
        with self._lock:
            if not self.closed:
                self.lookup = lookup
            return not self.closed

    def cancel(self) -> None:
        lookup = self.lookup
        if lookup is not None:
            lookup.cancel()

    def close(self, *_: object) -> None:
        with self._lock:
            self.closed = True
        self.cancel()


class BulkRun(QObject):
    started = Signal(int)  # ids in this pass
    prepared = Signal(object)  # what ``look_up``'s ``prepare`` made, before any answer of the pass
    batch = Signal(object)  # list[LookupResult]
    progressed = Signal(object)  # Progress
    finished = Signal(object, str)  # PassSummary, and what cancelled it when the person did not
    failed = Signal(object)  # Failure: no lookup could start (no key, the sandbox did not start)

    def __init__(self, context: AppContext, ops: Operations, page: QWidget) -> None:
        super().__init__(page)
        self._context = context
        self._ops = ops
        self._page = page
        self._engine = _Engine()
        self._feed = _Feed()
        self._profile_id: str | None = None
        self._why = ""
        self._watched: QWindow | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(FEED_INTERVAL_MS)
        self._timer.timeout.connect(self._drain)
        self.destroyed.connect(self._engine.close)
        context.profiles.active_changed.connect(self._profile_changed)

    # -- state -----------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Starting a pass (making the client, the worker threads), or a pass under way."""
        return self._ops.busy(START_LANE) or self._timer.isActive()

    @property
    def lookup(self) -> BulkLookup | None:
        return self._engine.lookup

    def can_retry(self) -> bool:
        """Failed ids can be looked up again with the same client: the profile that found the rest."""
        profiles = self._context.profiles
        return (
            not self.busy
            and self.lookup is not None
            and profiles.is_ready
            and profiles.active().id == self._profile_id
        )

    # -- control ---------------------------------------------------------------

    def look_up(self, ids: OrderIds, concurrency: int, prepare: Callable[[], object] | None = None) -> None:
        """A new lookup of every id with the active profile.

        ``prepare`` runs first, on the worker that starts the pass (the screen makes its table there);
        ``prepared`` hands its result to the UI thread before any answer arrives, even when the pass
        then cannot start.
        """
        if self.busy:
            return
        context = self._context
        profile = context.profiles.active()
        engine, feed = self._engine, _Feed()
        engine.lookup = None
        self._feed = feed
        self._profile_id = profile.id

        def start(ctx: TaskContext) -> int:
            if prepare is not None:
                ctx.report(prepare())
            client = context.profiles.client_for(context.http, profile)
            lookup = BulkLookup(
                client,
                ids.ids,
                concurrency=concurrency,
                on_result=feed.on_result,
                on_paused=feed.on_paused,
                on_finished=feed.on_finished,
            )
            ctx.raise_if_cancelled()
            return lookup.start() if engine.adopt(lookup) else 0

        self._run(start, len(ids), "Start the bulk lookup")

    def retry_failed(self, concurrency: int) -> None:
        lookup = self.lookup
        if lookup is None or not self.can_retry():
            return
        lookup.concurrency = concurrency
        failed = sum(1 for result in lookup.results() if result.outcome is Outcome.FAILED)
        self._run(lambda _ctx: lookup.retry_failed(), failed, "Retry the failed lookups")

    def cancel(self, why: str = "") -> None:
        """Stop now, keeping every answer so far; ``why`` says what stopped it when the person did not."""
        self._why = why
        if self._ops.busy(START_LANE):
            # The job may be past its last look at the cancel flag, or done with its answer on the way:
            # end the pass it began, if any; the next tick, or its on_cancelled, reports the end.
            self._ops.cancel(START_LANE)
            self._engine.cancel()
        elif self._timer.isActive():
            self._engine.cancel()  # the engine's on_finished runs here, on this thread
            self._drain()

    # -- the pass --------------------------------------------------------------

    def _run(self, start: Callable[[TaskContext], int], count: int, name: str) -> None:
        """Start a pass on a worker: making the client may read the keyring or start the local sandbox,
        and starting up to 32 threads while others already run takes a while; neither on the UI thread."""
        self._why = ""
        self._watch_window()
        settle()  # no full garbage collection half way through the run; see the module's docstring
        self.started.emit(count)
        self._ops.run(
            start,
            name=name,
            lane=START_LANE,
            on_success=lambda _count: self._timer.start(),  # a pass of no ids has ended: the tick says so
            on_failure=self._could_not_start,
            on_progress=self.prepared.emit,
            on_cancelled=lambda: self._stopped_starting(count),
        )

    def _stopped_starting(self, count: int) -> None:
        if self._engine.lookup is not None:
            self._engine.cancel()
        results, progress, summary = self._feed.take()
        if results:
            self.batch.emit(results)
        if summary is None:
            summary = PassSummary(PassEnd.CANCELLED, progress or Progress(count, 0, 0, 0.0))
        self.finished.emit(summary, self._why)

    def _could_not_start(self, failure: Failure) -> None:
        self.failed.emit(failure)

    def _drain(self) -> None:
        results, progress, summary = self._feed.take()
        if results:
            self.batch.emit(results)
        if progress is not None:
            self.progressed.emit(progress)
        if summary is not None:
            self._timer.stop()
            self.finished.emit(summary, self._why)

    # -- what stops a run besides the person -------------------------------------

    def _profile_changed(self, profile: Profile) -> None:
        if self.busy and self._profile_id is not None and profile.id != self._profile_id:
            self.cancel(f"the active profile changed to “{profile.name}”")

    def _watch_window(self) -> None:
        """Stop when the window closes. Its native window says so by a signal: an event filter on the
        window would run Python for every event it gets, each repaint's too, while the workers hold the
        interpreter lock."""
        window = self._page.window().windowHandle()
        if window is None or window is self._watched:
            return
        if self._watched is not None:
            with contextlib.suppress(RuntimeError):  # that window is gone already
                self._watched.visibleChanged.disconnect(self._window_shown)
        window.visibleChanged.connect(self._window_shown)
        self._watched = window

    def _window_shown(self, visible: bool) -> None:
        if not visible and self.busy:
            self.cancel("the window closed")
