"""Timeline events waiting to be written, so that noting an API call never waits for the history file.

Every call the API client makes is noted (``history.calls``). Written one
transaction each, eight bulk-lookup threads queued behind each other's writes:
the recorder took about 5 ms per call, 30 to 60 ms at worst, and lookups ran up
to a third slower (``benchmarks/call_recording.py``). Queued instead, a call
costs an append; one writer thread gathers what arrived in a moment into one
transaction. Whoever writes or reads the timeline first writes what is queued,
so nothing noted before is ever missing from what they see.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from msp_desk.core.redaction import redact
from msp_desk.history.records import EventKind

log = logging.getLogger(__name__)

GATHER_SECONDS = 0.05
"""How long the writer lets a burst of calls gather before writing them in one transaction."""


@dataclass(frozen=True)
class QueuedCall:
    profile_id: str
    order_id: str
    kind: EventKind
    method: str
    path: str
    http_status: int | None
    detail: str
    at: dt.datetime
    duration_ms: float | None


class CallQueue:
    """Calls to write; ``write`` is the store's own flush, run by the writer thread."""

    def __init__(self, write: Callable[[], None]) -> None:
        self._write = write
        self._items: list[QueuedCall] = []
        self._changed = threading.Condition()
        self._writer: threading.Thread | None = None
        self._closed = False

    def put(self, call: QueuedCall) -> None:
        with self._changed:
            if self._closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
            self._items.append(call)
            if self._writer is None:
                self._writer = threading.Thread(target=self._run, name="history-writer", daemon=True)
                self._writer.start()
            self._changed.notify()

    def take(self) -> list[QueuedCall]:
        """Everything queued, oldest first; the queue is empty afterwards."""
        with self._changed:
            items, self._items = self._items, []
        return items

    def __bool__(self) -> bool:
        with self._changed:
            return bool(self._items)

    def close(self) -> None:
        """Refuse new calls and stop the writer; what is still queued stays for one last ``take``."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            writer = self._writer
        if writer is not None:
            writer.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._items) or self._closed)
                if self._closed:
                    return
            time.sleep(GATHER_SECONDS)
            try:
                self._write()
            except Exception as error:  # best effort: the calls went through; only their record is lost
                log.warning("Could not write calls to the order timelines: %s", redact(str(error)))
