"""One way for every screen to run background work (after Anki's ``QueryOp``).

A screen keeps one :class:`Operations` and calls ``run`` with a job (a plain
function of a :class:`TaskContext`, run on the task runner's thread pool) and
what to do with its outcome on the UI thread. The helper then:

- turns a failure into one line and a remedy (:func:`msp_desk.api.remedies.explain`);
- drops a result that arrives after the person moved on: a newer request in the
  same *lane* supersedes the older one, ``move_on`` drops everything pending
  (another order), and with ``follow_profile`` a switch of the active profile does;
- keeps a screen usable when its own result handler raises: the error is logged
  (redacted), reported once through ``AppEvents.unexpected`` and handed to the
  failure handler so the screen can reset;
- can announce that an order changed, so other screens refresh.

No page keeps task handles or generation counters of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from msp_desk.ui.services.events import AppEvents, OrderChange
from msp_desk.ui.services.tasks import Job, TaskHandle, TaskRunner

if TYPE_CHECKING:
    from msp_desk.api.remedies import Remedy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failure:
    """A job's failure as a screen shows it."""

    error: BaseException
    message: str
    remedy: Remedy
    unexpected: bool = False

    @classmethod
    def of(cls, error: BaseException, *, writing: bool = False) -> Failure:
        # Loaded with the first failure, not on the way to the window's first paint.
        from msp_desk.api.remedies import explain

        explained = explain(error, writing=writing)
        return cls(error, explained.message, explained.remedy, explained.unexpected)


class Operation:
    """One running job. ``cancel`` stops it and drops whatever it would have delivered."""

    def __init__(self, owner: Operations, lane: str, name: str, *, keep: bool = False) -> None:
        self._owner = owner
        self.lane = lane
        self.name = name
        self.keep = keep
        self.handle: TaskHandle | None = None
        self.done = False
        # The person moved on while a kept job ran: its handlers still run and can tell.
        self.moved_on = False

    @property
    def current(self) -> bool:
        """Still the newest request in its lane, and not cancelled."""
        return not self.done and self._owner._lanes.get(self.lane) is self

    def cancel(self) -> None:
        if self.keep:
            # A write under way is never abandoned: it finishes, and says so, wherever the person is.
            self.moved_on = True
        elif self.handle is not None:
            self.handle.cancel()
        self._owner._retire(self, finished=not self.keep)


class Operations(QObject):
    """A screen's background work, one lane per kind of request (``"send"``, ``"lookup"``, ...)."""

    def __init__(
        self,
        tasks: TaskRunner,
        events: AppEvents,
        parent: QObject | None = None,
        *,
        initiator: str = "",
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._events = events
        self._initiator = initiator or (parent.objectName() if parent is not None else "")
        self._lanes: dict[str, Operation] = {}
        self._detached: set[Operation] = set()  # kept jobs the person moved away from, still running

    def follow_profile(self, profile_changed: Any) -> None:
        """Drop everything pending when ``profile_changed`` (a signal) fires with another profile."""
        current: list[str | None] = [None]

        def changed(profile: Any) -> None:
            profile_id = getattr(profile, "id", None)
            if current[0] is not None and profile_id != current[0]:
                self.move_on()
            current[0] = profile_id

        profile_changed.connect(changed)

    # -- running ---------------------------------------------------------------

    def run(
        self,
        job: Job,
        *,
        name: str,
        lane: str = "main",
        writing: bool = False,
        on_success: Callable[[Any], object] | None = None,
        on_failure: Callable[[Failure], object] | None = None,
        on_progress: Callable[[Any], object] | None = None,
        on_cancelled: Callable[[], object] | None = None,
        announce: Callable[[Any], OrderChange | None] | None = None,
        keep: bool = False,
    ) -> Operation:
        """Start ``job``; a job still running in ``lane`` is cancelled and its result dropped.

        ``writing`` marks requests that change something, so a failure in transit
        is explained as "unknown, look it up" rather than "try again". A ``keep``
        job (saving, deleting) is never cancelled or dropped: when the person moved
        on meanwhile, its handlers still run with ``operation.moved_on`` set.
        """
        previous = self._lanes.get(lane)
        if previous is not None:
            previous.cancel()
        operation = Operation(self, lane, name, keep=keep)
        self._lanes[lane] = operation

        def succeeded(result: Any) -> None:
            if not self._finish(operation):
                return
            self._call(operation, on_success, on_failure, result)
            if announce is not None:
                change = self._guarded(operation, announce, result)
                if isinstance(change, OrderChange):
                    self._events.order_changed.emit(change)

        def failed(error: BaseException) -> None:
            if not self._finish(operation):
                return
            failure = Failure.of(error, writing=writing)
            if failure.unexpected:
                log.error("%s failed unexpectedly", name, exc_info=error)
                self._events.unexpected.emit(name, error)
            if on_failure is not None:
                self._call(operation, on_failure, None, failure)
            else:
                self._events.status.emit(f"{name} failed: {failure.message}")

        def progressed(progress: Any) -> None:
            if operation.current and on_progress is not None:
                self._call(operation, on_progress, on_failure, progress)

        def cancelled() -> None:
            # A cancel the screen asked for is reported; a superseded request says nothing.
            was_current = operation.current
            self._finish(operation)
            if was_current and on_cancelled is not None:
                self._call(operation, on_cancelled, on_failure)

        operation.handle = self._tasks.submit(
            job,
            name=name,
            on_success=succeeded,
            on_failure=failed,
            on_progress=progressed,
            on_cancelled=cancelled,
        )
        return operation

    def busy(self, lane: str | None = None) -> bool:
        """Something runs (in ``lane``), counting kept jobs the person moved away from."""
        running = [*self._lanes.values(), *self._detached]
        return any(lane is None or operation.lane == lane for operation in running)

    def cancel(self, lane: str) -> None:
        """Stop the job in ``lane``; its ``on_cancelled`` runs when it has stopped."""
        operation = self._lanes.get(lane)
        if operation is not None and operation.handle is not None:
            operation.handle.cancel()

    def move_on(self, lane: str | None = None) -> None:
        """The person moved on: cancel what is pending (in ``lane``, or all) and drop its results."""
        for operation in list(self._lanes.values()):
            if lane is None or operation.lane == lane:
                operation.cancel()

    # -- internals -------------------------------------------------------------

    def _retire(self, operation: Operation, *, finished: bool = True) -> None:
        if finished:
            operation.done = True
            self._detached.discard(operation)
        else:
            self._detached.add(operation)
        if self._lanes.get(operation.lane) is operation:
            del self._lanes[operation.lane]

    def _finish(self, operation: Operation) -> bool:
        """Mark the operation done; True when its outcome should still be delivered."""
        deliver = operation.current or (operation.keep and not operation.done)
        self._retire(operation)
        return deliver

    def _guarded(self, operation: Operation, handler: Callable[..., Any], *args: Any) -> Any:
        try:
            return handler(*args)
        except Exception as error:
            self._report(operation, error)
            return None

    def _call(
        self,
        operation: Operation,
        handler: Callable[..., object] | None,
        on_failure: Callable[[Failure], object] | None,
        *args: Any,
    ) -> None:
        """Run a result handler; if it raises, report it and let the screen recover through ``on_failure``."""
        if handler is None:
            return
        try:
            handler(*args)
        except Exception as error:
            self._report(operation, error)
            if on_failure is not None and on_failure is not handler:
                failure = Failure.of(error)
                try:
                    on_failure(failure)
                except Exception as second:
                    self._report(operation, second)

    def _report(self, operation: Operation, error: BaseException) -> None:
        log.error("Showing the result of %s failed", operation.name, exc_info=error)
        self._events.unexpected.emit(operation.name, error)
