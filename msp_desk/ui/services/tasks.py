"""Background work for the UI: a QThreadPool whose jobs report back through signals.

Every network call and keyring access runs here, never on the UI thread. A job
is a plain callable that takes a :class:`TaskContext`; whatever it returns is
delivered by ``succeeded`` and whatever it raises by ``failed``, as the exception
object itself so the UI can branch on its type. Nothing is swallowed: a failure
nobody listens for is logged and re-emitted as ``TaskRunner.unhandled``.

The signal object lives on the UI thread, so Qt queues each emission from the
worker and the connected slots run on the UI thread (the pattern of Picard's
``thread.to_main`` and Anki's ``TaskManager``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance

log = logging.getLogger(__name__)


class TaskCancelled(Exception):
    """Raised inside a job by :meth:`TaskContext.raise_if_cancelled`."""


class TaskContext:
    """What a running job may use: its cancel flag and a progress reporter."""

    def __init__(self, signals: TaskSignals) -> None:
        self._signals = signals
        self._cancel = threading.Event()
        self._on_cancel: list[Callable[[], object]] = []
        self._lock = threading.Lock()

    def on_cancel(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` (from whichever thread cancels) as soon as the task is cancelled.

        For work that waits in a place ``wait`` cannot reach, such as a socket read that
        its own cancel can interrupt. Runs at once if the task is already cancelled.
        """
        with self._lock:
            if not self._cancel.is_set():
                self._on_cancel.append(callback)
                return
        callback()

    def _cancelled(self) -> None:
        with self._lock:
            self._cancel.set()
            callbacks, self._on_cancel = self._on_cancel, []
        for callback in callbacks:
            try:
                callback()
            except Exception:
                log.exception("A cancel callback failed")

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def raise_if_cancelled(self) -> None:
        if self._cancel.is_set():
            raise TaskCancelled

    def wait(self, seconds: float) -> None:
        """Sleep, but wake up (and raise) as soon as the task is cancelled."""
        if self._cancel.wait(seconds):
            raise TaskCancelled

    def report(self, progress: object) -> None:
        self._signals.progress.emit(progress)


class TaskSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progress = Signal(object)
    cancelled = Signal()
    finished = Signal()


Job = Callable[[TaskContext], Any]


class TaskHandle:
    """One job on the pool; keep it to cancel it or to connect more slots.

    A plain object, not a ``QRunnable``: PySide keeps every runnable it hands to a
    pool referenced from the pool, and one that does not delete itself (a handle
    outlives its run) stayed there, with all it held, until the app quit. The pool
    gets a :class:`_Run` instead, which Qt deletes once it has run.
    """

    def __init__(self, job: Job, name: str) -> None:
        self.name = name
        self.signals = TaskSignals()
        self.context = TaskContext(self.signals)
        self._job = job

    def cancel(self) -> None:
        """Ask the job to stop; its result, if any, is dropped and ``cancelled`` emitted."""
        self.context._cancelled()

    @property
    def is_cancelled(self) -> bool:
        return self.context.cancelled

    def run(self) -> None:  # worker thread: never touch widgets here
        try:
            result = self._job(self.context)
        except TaskCancelled:
            self._emit(self.signals.cancelled)
        except BaseException as error:  # delivered to the UI thread, never lost
            if self.context.cancelled:
                self._emit(self.signals.cancelled)
            else:
                self._emit(self.signals.failed, error)
        else:
            if self.context.cancelled:
                self._emit(self.signals.cancelled)
            else:
                self._emit(self.signals.succeeded, result)
        finally:
            self._emit(self.signals.finished)

    def _emit(self, signal: SignalInstance, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:
            # The application is gone (it quit while this job ran): nobody is left to tell.
            log.debug("Task %r finished after its receivers were deleted", self.name)


class _Run(QRunnable):
    """One run of a handle; deleted by the pool when it has run (``autoDelete``), and the handle with it."""

    def __init__(self, task: TaskHandle) -> None:
        super().__init__()
        self._task = task

    def run(self) -> None:
        self._task.run()


class TaskRunner(QObject):
    """Runs jobs on a thread pool and keeps each alive until it has reported."""

    unhandled = Signal(str, object)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool(self)
        self._running: set[TaskHandle] = set()

    def submit(
        self,
        job: Job,
        *,
        name: str,
        on_success: Callable[[Any], object] | None = None,
        on_failure: Callable[[BaseException], object] | None = None,
        on_progress: Callable[[Any], object] | None = None,
        on_cancelled: Callable[[], object] | None = None,
    ) -> TaskHandle:
        task = TaskHandle(job, name)
        if on_success is not None:
            task.signals.succeeded.connect(on_success)
        if on_failure is not None:
            task.signals.failed.connect(on_failure)
        else:
            task.signals.failed.connect(lambda error, n=name: self._report_unhandled(n, error))
        if on_progress is not None:
            task.signals.progress.connect(on_progress)
        if on_cancelled is not None:
            task.signals.cancelled.connect(on_cancelled)
        task.signals.finished.connect(lambda t=task: self._retire(t))
        self._running.add(task)
        # Not ``start(task.run)``: PySide does not keep a plain callable alive while it waits
        # in the pool's queue, and now and then a job never ran.
        self._pool.start(_Run(task))
        return task

    @property
    def active_count(self) -> int:
        return len(self._running)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything and wait for the pool; True if it drained in time."""
        for task in list(self._running):
            task.cancel()
        return self._pool.waitForDone(timeout_ms)

    def _retire(self, task: TaskHandle) -> None:
        self._running.discard(task)
        # The slots connected above are closures that hold the task (through the screen's
        # operation) and whatever the screen's handlers hold; Qt keeps them alive from the C++
        # side, out of reach of Python's garbage collector, so every finished task stayed for the
        # rest of the day. Deleting the signals object drops its connections, and the task goes.
        task.signals.deleteLater()

    def _report_unhandled(self, name: str, error: BaseException) -> None:
        log.error("Background task %r failed: %s", name, error, exc_info=error)
        self.unhandled.emit(name, error)
