"""The bulk lookup engine: GET /orders/{id} for many ids, a bounded number at a time, cancellable.

One :class:`BulkLookup` holds the rows of one list of ids, in input order. A
*pass* looks up some of them on worker threads that share the caller's
``MspClient`` (and so its one ``httpx.Client`` and connection pool):
``start()`` looks up every id not looked up yet, ``retry_failed()`` only the
ids that failed. Within a pass each id is taken from the queue exactly once;
the client's own retries (network errors, 5xx, 429) are the only repeats.

Threads, for a GUI:

- ``start``, ``retry_failed``, ``cancel``, ``wait``, ``results`` and
  ``progress`` may be called from any thread; the first three return at once.
- ``on_result(result, progress)`` is called on the worker thread that looked
  the id up, once per id, as results arrive (in no particular order).
- ``on_paused(seconds, progress)`` is called on the worker thread that got an
  HTTP 429: every worker now waits ``seconds`` before its next request.
- ``on_finished(summary)`` is called once per pass: on the last worker thread
  when the pass completes, on the thread that called ``cancel()`` when it is
  cancelled, on a worker thread when the API key is refused (no other id
  could succeed). After it, no callback of that pass follows.
- Callbacks never run at the same time as each other; they must not call
  ``wait()`` (the pass cannot finish while a callback runs).

A Qt screen forwards these with queued signals. Cancelling keeps every row
finished so far; requests still in flight are abandoned (their worker threads
end on their own and their answers are dropped), so a cancel is immediate even
when a server hangs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from msp_desk.api.client import MspClient
from msp_desk.api.errors import InvalidApiKey, MspError
from msp_desk.bulk.results import LookupResult, Outcome, describe_error

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 32


class PassEnd(StrEnum):
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    STOPPED = "stopped"  # the API key was refused


@dataclass(frozen=True)
class Progress:
    """Counts of the current pass; ``paused_for`` is the rest of a rate-limit pause, in seconds."""

    total: int
    found: int
    failed: int
    elapsed: float
    paused_for: float = 0.0

    @property
    def done(self) -> int:
        return self.found + self.failed

    @property
    def left(self) -> int:
        return self.total - self.done

    @property
    def rate(self) -> float:
        """Ids finished per second since the pass started."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def time_left(self) -> float | None:
        """Seconds until the pass is done at the rate so far; None before the first result."""
        if self.left == 0:
            return 0.0
        return self.left / self.rate + self.paused_for if self.rate > 0 else None


@dataclass(frozen=True)
class PassSummary:
    end: PassEnd
    progress: Progress
    reason: str | None = None


ResultCallback = Callable[[LookupResult, Progress], None]
PauseCallback = Callable[[float, Progress], None]
FinishedCallback = Callable[[PassSummary], None]


class _Cancelled(Exception):
    """Raised out of the client's retry waits when the pass is cancelled, to abandon that id."""


class _Pass:
    """The state of one pass; workers of an abandoned pass only ever touch their own."""

    def __init__(self, indices: Sequence[int]) -> None:
        self.queue = deque(indices)
        self.total = len(indices)
        self.found = 0
        self.failed = 0
        self.started = time.monotonic()
        self.pause_until = 0.0
        self.workers = 0
        self.end: PassEnd | None = None
        self.summary: PassSummary | None = None
        self.stop = threading.Event()  # set when the pass ends for any reason
        self.finished = threading.Event()  # set after on_finished has run

    def progress(self) -> Progress:
        now = time.monotonic()
        return Progress(
            self.total, self.found, self.failed, now - self.started, max(0.0, self.pause_until - now)
        )

    def sleep(self, seconds: float) -> None:
        """The client's backoff wait, cut short by a cancel."""
        if self.stop.wait(seconds):
            raise _Cancelled


class BulkLookup:
    """Looks up ``ids`` (unique, in input order) with at most ``concurrency`` requests in flight."""

    def __init__(
        self,
        client: MspClient,
        ids: Sequence[str],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_result: ResultCallback | None = None,
        on_paused: PauseCallback | None = None,
        on_finished: FinishedCallback | None = None,
    ) -> None:
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise ValueError(f"concurrency must be 1 to {MAX_CONCURRENCY}, not {concurrency}")
        if len(set(ids)) != len(ids):
            raise ValueError("the ids must be unique; clean them with msp_desk.bulk.ids first")
        self._client = client
        self.concurrency = concurrency
        self._on_result = on_result
        self._on_paused = on_paused
        self._on_finished = on_finished
        self._lock = threading.Lock()  # rows and pass state
        self._emit = threading.RLock()  # one callback at a time; re-entrant so a callback may cancel()
        self._rows = [LookupResult(i, order_id) for i, order_id in enumerate(ids)]
        self._pass: _Pass | None = None

    # --- control, from any thread -------------------------------------------

    def start(self) -> int:
        """Look up every id not looked up yet (all of them at first; the rest after a cancel)."""
        return self._begin(Outcome.PENDING)

    def retry_failed(self) -> int:
        """Look up again only the ids that failed; their old error stays until a new answer replaces it."""
        return self._begin(Outcome.FAILED)

    def cancel(self) -> None:
        """End the current pass now, keeping every finished row; a no-op when nothing runs."""
        run = self._pass
        if run is not None:
            self._end(run, PassEnd.CANCELLED)

    def wait(self, timeout: float | None = None) -> bool:
        """True once the current pass has ended and ``on_finished`` has run (or when none was started)."""
        run = self._pass
        return run is None or run.finished.wait(timeout)

    # --- state, from any thread ---------------------------------------------

    @property
    def running(self) -> bool:
        run = self._pass
        return run is not None and not run.finished.is_set()

    def results(self) -> list[LookupResult]:
        """One row per input id, in input order: what is known now."""
        with self._lock:
            return list(self._rows)

    def progress(self) -> Progress | None:
        run = self._pass
        if run is None:
            return None
        with self._lock:
            return run.progress()

    @property
    def summary(self) -> PassSummary | None:
        """How the last pass ended; None while it runs."""
        run = self._pass
        return run.summary if run is not None else None

    # --- the pass -----------------------------------------------------------

    def _begin(self, which: Outcome) -> int:
        with self._lock:
            if self._pass is not None and not self._pass.finished.is_set():
                raise RuntimeError("a lookup pass is already running")
            indices = [row.index for row in self._rows if row.outcome is which]
            run = _Pass(indices)
            self._pass = run
            run.workers = min(self.concurrency, len(indices))
        if not indices:
            self._end(run, PassEnd.COMPLETED)
            return 0
        policy = replace(
            self._client.retry, sleep=run.sleep, rate_limit_wait=lambda s: self._rate_limited(run, s)
        )
        client = self._client.with_retry(policy)
        for number in range(run.workers):
            threading.Thread(
                target=self._work, args=(run, client), name=f"bulk-lookup-{number + 1}", daemon=True
            ).start()
        return len(indices)

    def _work(self, run: _Pass, client: MspClient) -> None:
        try:
            while self._hold_while_paused(run):
                with self._lock:
                    if not run.queue or run.end is not None:
                        return
                    index = run.queue.popleft()
                    order_id = self._rows[index].order_id
                looked_up = self._look_up(run, client, index, order_id)
                if looked_up is None or not self._record(run, looked_up[0]):
                    return
                if looked_up[1] is not None:
                    self._end(run, PassEnd.STOPPED, looked_up[1])
                    return
        finally:
            with self._lock:
                run.workers -= 1
                last = run.workers == 0
            if last:
                self._end(run, PassEnd.COMPLETED)

    @staticmethod
    def _look_up(
        run: _Pass, client: MspClient, index: int, order_id: str
    ) -> tuple[LookupResult, str | None] | None:
        """The row for this id, and why the whole pass must stop, if it must; None when abandoned."""
        try:
            response = client.get_order(order_id)
        except _Cancelled:
            return None
        except MspError as error:
            fatal = error.message if isinstance(error, InvalidApiKey) else None
            failed = LookupResult(index, order_id, Outcome.FAILED, None, describe_error(error), error.message)
            return failed, fatal
        except Exception as error:  # a bug must cost one row, not the whole run
            if run.end is not None:
                return None  # an abandoned request whose client was closed meanwhile
            log.exception("Looking up an order failed unexpectedly")
            return LookupResult(
                index, order_id, Outcome.FAILED, None, f"unexpected {type(error).__name__}"
            ), None
        return LookupResult(index, order_id, Outcome.FOUND, response.data), None

    def _record(self, run: _Pass, result: LookupResult) -> bool:
        """Keep the result and report it, unless the pass has ended; False tells the worker to stop."""
        with self._emit:
            with self._lock:
                if run.end is not None:
                    return False
                self._rows[result.index] = result
                if result.outcome is Outcome.FOUND:
                    run.found += 1
                else:
                    run.failed += 1
                progress = run.progress()
            self._notify(self._on_result, result, progress)
        return True

    def _hold_while_paused(self, run: _Pass) -> bool:
        """Wait out a rate-limit pause; False when the pass ended meanwhile."""
        while True:
            with self._lock:
                remaining = run.pause_until - time.monotonic()
            if remaining <= 0:
                return not run.stop.is_set()
            if run.stop.wait(remaining):
                return False

    def _rate_limited(self, run: _Pass, seconds: float) -> None:
        """The client's wait after a 429: hold back every worker of the pass, not just this one."""
        with self._emit:
            with self._lock:
                run.pause_until = max(run.pause_until, time.monotonic() + seconds)
                progress = run.progress()
                ended = run.end is not None
            if not ended:
                log.warning("Rate limited: pausing all lookups for %.1f s", seconds)
                self._notify(self._on_paused, seconds, progress)
        if not self._hold_while_paused(run):
            raise _Cancelled

    def _end(self, run: _Pass, end: PassEnd, reason: str | None = None) -> None:
        with self._emit:
            with self._lock:
                if run.end is not None:
                    return
                run.end = end
                run.summary = summary = PassSummary(end, run.progress(), reason)
            run.stop.set()
            try:
                self._notify(self._on_finished, summary)
            finally:
                run.finished.set()

    @staticmethod
    def _notify(callback: Callable[..., None] | None, *args: object) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:  # the listener's bug must not stop the lookups
            log.exception("A bulk lookup listener failed")
