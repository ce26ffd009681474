"""A background thread that runs callables at a given monotonic time.

Used for the delayed status changes of the uncleared test cards and for
notification deliveries and their retries, so none of that waits inside an
API request.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, name: str) -> None:
        self._name = name
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._stopping = False
        self._busy = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def call_at(self, when: float, job: Callable[[], None]) -> None:
        with self._cond:
            heapq.heappush(self._queue, (when, next(self._counter), job))
            self._cond.notify()

    def call_later(self, delay: float, job: Callable[[], None]) -> None:
        self.call_at(time.monotonic() + max(0.0, delay), job)

    def idle(self) -> bool:
        """Nothing queued and nothing running: handy to wait for in tests and on shutdown."""
        with self._cond:
            return not self._queue and not self._busy

    def stop(self, timeout: float = 10.0) -> None:
        """Drop pending jobs, let a running one finish, and join the thread."""
        with self._cond:
            self._stopping = True
            self._queue.clear()
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and (not self._queue or self._queue[0][0] > time.monotonic()):
                    wait = None if not self._queue else self._queue[0][0] - time.monotonic()
                    self._cond.wait(wait)
                if self._stopping:
                    return
                _, _, job = heapq.heappop(self._queue)
                self._busy += 1
            try:
                job()
            except Exception:
                # A failing job must not kill the worker, which serves every later job too.
                log.exception("%s: scheduled job failed", self._name)
            finally:
                with self._cond:
                    self._busy -= 1
