"""Keeping the inbox up to date with the sandbox's receiver log and attempt log, in batches.

The receiver calls its subscribers on the sandbox's HTTP thread, once per
notification. The subscriber here only notes the newest id (a lock and an int:
no Qt object is touched off the UI thread, so a window that is closing cannot be
reached from there). A short timer on the UI thread sees that the newest id moved
and reads everything after the last row it has with ``receiver.since``, a batch
at a time on a worker. So a burst of a thousand costs a few reads and a few
inserts, and nothing is skipped, because the log is read by id, not by event.

The attempt log has no subscribers; it is read the same way, after the last id,
every half second while the screen is on show.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from msp_desk.ui.services.tasks import TaskContext

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile
    from msp_desk.sandbox.attempts import NotificationAttempt
    from msp_desk.sandbox.inbox import AttemptRow, NotificationDetail, ReceivedRow
    from msp_desk.sandbox.receiver import AnswerMode
    from msp_desk.sandbox.server import SandboxServer
    from msp_desk.sandbox.store import Site
    from msp_desk.ui.services.context import AppContext

log = logging.getLogger(__name__)

BATCH = 1000
"""Entries per read at most."""
TICK_MS = 50
READ_GAP = 0.2
"""Seconds between reads of the receiver's log while entries keep coming: each read ends in a repaint
of the list, which is what a burst would otherwise stall the window with."""
ATTEMPTS_EVERY = 10
"""Ticks between reads of the attempt log (every half second)."""
RESEND_PATIENCE = 30.0
"""Seconds a resend waits for the merchant's answer; the sender itself gives up after 10."""


class Doorbell:
    """The receiver's subscriber, on the sandbox's HTTP thread: it remembers the newest id, nothing else."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._newest = 0

    def __call__(self, entry: Any) -> None:
        self.note(int(entry.id))

    def note(self, entry_id: int) -> None:
        with self._lock:
            self._newest = max(self._newest, entry_id)

    @property
    def newest(self) -> int:
        with self._lock:
            return self._newest


@dataclass(frozen=True)
class InboxSource:
    """Where the inbox reads from: the running sandbox, the profile's website in it, its receiver."""

    server: SandboxServer
    site: Site
    receiver_url: str
    mode: AnswerMode


class InboxFeed(QObject):
    ready = Signal(object)  # InboxSource
    received = Signal(list)  # list[ReceivedRow], oldest first
    attempts = Signal(list)  # list[AttemptRow], oldest first
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._ops = context.operations(self, initiator="inbox")
        self.doorbell = Doorbell()
        self.source: InboxSource | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._last_received = 0
        self._read_at = -READ_GAP
        self._last_attempt = 0
        self._attempts_more = True
        self._ticks = 0
        self.watch_attempts = False
        self.wanted_mode = ""  # the newest answer mode chosen, set on the UI thread
        self._mode_lock = threading.Lock()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    # -- starting and stopping ------------------------------------------------------

    def start(self, profile: Profile) -> None:
        """Follow the sandbox website of ``profile`` (a Sandbox profile); starts the sandbox if needed."""
        self._timer.start()
        if self.source is not None or self._ops.busy("start"):
            return
        doorbell = self.doorbell
        sandbox = self._context.sandbox
        profiles = self._context.profiles

        def job(ctx: TaskContext) -> tuple[InboxSource, Callable[[], None]]:
            server = sandbox.ensure_running()
            site = _site_of(server, profile, profiles.api_key_for)
            receiver = server.engine.receiver
            unsubscribe = receiver.subscribe(doorbell)
            doorbell.note(receiver.last_id())
            source = InboxSource(server, site, server.receiver_url(site.site_id), receiver.mode(site.site_id))
            return source, unsubscribe

        self._ops.run(job, name="Open the notification inbox", lane="start", on_success=self._started)

    def _started(self, result: tuple[InboxSource, Callable[[], None]]) -> None:
        self.source, self._unsubscribe = result
        unsubscribe = self._unsubscribe
        # Unsubscribed with the screen; the doorbell itself never touches Qt, so a late ring is harmless.
        self.destroyed.connect(lambda *_: unsubscribe())
        self.ready.emit(self.source)
        self._tick()

    def pause(self) -> None:
        """A Test or Live profile: nothing to follow until a Sandbox profile is back."""
        self._timer.stop()

    def close(self) -> None:
        self._timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    # -- reading --------------------------------------------------------------------

    def _tick(self) -> None:
        if self.source is None:
            return
        self._ticks += 1
        waited = time.monotonic() - self._read_at >= READ_GAP
        if self.doorbell.newest > self._last_received and waited and not self._ops.busy("received"):
            self._read_received()
        due = self._ticks % ATTEMPTS_EVERY == 0 or self._attempts_more
        if self.watch_attempts and due and not self._ops.busy("attempts"):
            self._read_attempts()

    def poll_attempts_now(self) -> None:
        self._attempts_more = True
        self._tick()

    def _read_received(self) -> None:
        from msp_desk.sandbox.inbox import received_row

        assert self.source is not None
        receiver = self.source.server.engine.receiver
        last = self._last_received
        self._read_at = time.monotonic()

        def job(ctx: TaskContext) -> list[ReceivedRow]:
            return [received_row(entry) for entry in receiver.since(last, BATCH)]

        self._ops.run(job, name="Read the notification inbox", lane="received", on_success=self._got_received)

    def _got_received(self, rows: list[ReceivedRow]) -> None:
        if rows:
            self._last_received = rows[-1].id
            self.received.emit(rows)

    def _read_attempts(self) -> None:
        from msp_desk.sandbox.inbox import attempt_row

        assert self.source is not None
        store = self.source.server.engine.store
        site_id, last = self.source.site.site_id, self._last_attempt
        self._attempts_more = False

        def job(ctx: TaskContext) -> list[AttemptRow]:
            return [attempt_row(a) for a in store.notification_attempts(site_id, since=last, limit=BATCH)]

        self._ops.run(job, name="Read the delivery attempts", lane="attempts", on_success=self._got_attempts)

    def _got_attempts(self, rows: list[AttemptRow]) -> None:
        if rows:
            self._last_attempt = rows[-1].id
            self.attempts.emit(rows)
        if len(rows) == BATCH:
            self._attempts_more = True

    # -- blocking helpers, for jobs -------------------------------------------------

    def received_detail(self, entry_id: int) -> NotificationDetail | None:
        """The whole of one received notification; None once the log has dropped it."""
        from msp_desk.sandbox.inbox import received_detail

        source = self._require()
        found = source.server.engine.receiver.since(entry_id - 1, 1)
        if not found or found[0].id != entry_id:
            return None
        return received_detail(found[0], source.server.sites)

    def attempt_detail(self, attempt_id: int) -> NotificationDetail | None:
        from msp_desk.sandbox.inbox import attempt_detail

        source = self._require()
        found = source.server.engine.store.notification_attempts(
            source.site.site_id, since=attempt_id - 1, limit=1
        )
        if not found or found[0].id != attempt_id:
            return None
        return attempt_detail(found[0], source.server.sites)

    def set_mode(self, mode: str) -> AnswerMode:
        source = self._require()
        return source.server.engine.receiver.set_mode(source.site.site_id, mode)

    def apply_wanted_mode(self) -> AnswerMode:
        """Set the newest mode chosen (in a job), whatever order the jobs of quick choices run in.

        A superseded job is only told to stop; it still runs, and could set its older mode
        after the newer one. Under the lock each job sets the newest choice, so the last
        write is always the person's last choice.
        """
        with self._mode_lock:
            return self.set_mode(self.wanted_mode)

    def resend(self, ctx: TaskContext, order_id: str, url: str | None) -> NotificationAttempt | None:
        """Resend the order's notification now and wait for its answer; raises the sandbox's ApiError."""
        source = self._require()
        future = source.server.engine.resend_notification(source.site, order_id, url=url)
        waited = 0.0
        while not future.done():
            if waited > RESEND_PATIENCE:
                raise TimeoutError("The resend got no outcome in time; see the delivery attempts.")
            ctx.wait(0.05)
            waited += 0.05
        return future.result()

    def _require(self) -> InboxSource:
        if self.source is None:
            raise RuntimeError("the inbox is not connected to the sandbox yet")
        return self.source


def _site_of(server: SandboxServer, profile: Profile, key_of: Callable[[Profile], str]) -> Site:
    """The sandbox website a Sandbox profile uses: the one with its key, else the default one."""
    try:
        key = key_of(profile)
    except Exception as error:  # a saved profile whose key is unreadable: the default website
        log.info(
            "Inbox: the profile's key is not available (%s); using the default website", type(error).__name__
        )
        return server.sites[0]
    return next((site for site in server.sites if site.api_key == key), server.sites[0])
