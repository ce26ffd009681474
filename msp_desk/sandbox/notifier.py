"""Webhook delivery: MultiSafepay's GET and POST notifications, with retries and a log of every attempt.

Each status change snapshots the order and queues a delivery, so the API
answer never waits for the merchant's server. An attempt counts as
acknowledged per :mod:`msp_desk.webhooks.acknowledgement`; otherwise it is
retried ``retries`` times, ``retry_interval`` seconds apart (divided by the
time scale), each retry with a fresh timestamp and signature.

The scheduler thread only keeps time; the HTTP calls run on a few lanes, one
thread each, an order always on the same lane: its notifications leave in the
order its status changed, and one slow or silent merchant endpoint holds up
only the orders that share its lane. A delivery's attempts still run one after another: the
next is scheduled only once the previous one has its answer, so nothing is
sent after an acknowledgement.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from msp_desk.sandbox.attempts import NotificationAttempt
from msp_desk.sandbox.scheduler import Scheduler
from msp_desk.sandbox.store import Store
from msp_desk.webhooks.acknowledgement import is_acknowledged
from msp_desk.webhooks.notification import build_notification

log = logging.getLogger(__name__)

USER_AGENT = "msp-desk-sandbox (MultiSafepay notification simulator)"
RESPONSE_TEXT_LIMIT = 2000
DEFAULT_WORKERS = 4
"""Concurrent deliveries: enough that a merchant endpoint holding its answer does not stall the rest."""


@dataclass(frozen=True)
class Delivery:
    site_id: int
    order_id: str
    url: str
    method: str
    body: bytes
    event: str
    retries: int | None = None
    """Retries after a failed first attempt; None means the notifier's own (MultiSafepay's 3)."""
    trigger: str = "status change"
    notification_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])


class Notifier:
    def __init__(
        self,
        store: Store,
        scheduler: Scheduler,
        *,
        retries: int,
        retry_interval: float,
        http_timeout: float = 10.0,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        self._store = store
        self._scheduler = scheduler
        self._retries = retries
        self._retry_interval = retry_interval
        # No redirects: MultiSafepay counts a 301/302 answer as a failed delivery.
        limits = httpx.Limits(max_connections=workers * 2, max_keepalive_connections=workers)
        self._client = httpx.Client(
            timeout=http_timeout, follow_redirects=False, trust_env=False, limits=limits
        )
        # One lane per worker, an order always on the same lane: its notifications go out in the
        # order its status changed, as a merchant's handler expects, while a silent endpoint holds
        # up only the orders that share its lane.
        self._lanes = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sandbox-notify-{n}")
            for n in range(workers)
        ]
        self._pending = 0
        self._idle = threading.Condition()

    def close(self) -> None:
        """Drop what has not started; wait for attempts under way (each bounded by the HTTP timeout)."""
        for lane in self._lanes:
            lane.shutdown(wait=True, cancel_futures=True)
        self._client.close()

    @property
    def pending(self) -> int:
        """Deliveries not yet acknowledged or given up: waiting for a retry, queued or under way."""
        with self._idle:
            return self._pending

    def wait_idle(self, timeout: float) -> bool:
        """Block until every delivery has its final outcome, or ``timeout`` seconds pass."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def enqueue(self, delivery: Delivery) -> None:
        self._count(1)
        self._scheduler.call_later(0.0, lambda: self._submit(delivery, 1))

    def send_now(self, delivery: Delivery) -> Future[NotificationAttempt | None]:
        """Start the first attempt on a worker at once; the future holds its logged record."""
        self._count(1)
        try:
            return self._lane(delivery).submit(self._run, delivery, 1)
        except RuntimeError:
            self._count(-1)
            raise

    def _lane(self, delivery: Delivery) -> ThreadPoolExecutor:
        return self._lanes[zlib.crc32(f"{delivery.site_id}/{delivery.order_id}".encode()) % len(self._lanes)]

    def _count(self, change: int) -> None:
        with self._idle:
            self._pending += change
            if self._pending == 0:
                self._idle.notify_all()

    def _submit(self, delivery: Delivery, attempt: int) -> None:
        try:
            self._lane(delivery).submit(self._run, delivery, attempt)
        except RuntimeError:
            self._count(-1)  # shutting down: the delivery ends here

    def _run(self, delivery: Delivery, attempt: int) -> NotificationAttempt | None:
        record = None
        try:
            record = self._attempt(delivery, attempt)
            return record
        finally:
            if record is not None and record.retry_scheduled:
                self._scheduler.call_later(self._retry_interval, lambda: self._submit(delivery, attempt + 1))
            else:
                self._count(-1)

    def _attempt(self, delivery: Delivery, attempt: int) -> NotificationAttempt | None:
        site = self._store.site_by_id(delivery.site_id)
        if site is None:
            return None
        now = time.time()
        ts = int(now)
        request = build_notification(
            delivery.url,
            delivery.order_id,
            ts,
            method="GET" if delivery.method == "GET" else "POST",
            body=delivery.body,
            api_key=site.api_key,
            user_agent=USER_AGENT,
        )
        url, headers, content = request.url, request.headers, request.body
        status: int | None = None
        text = ""
        error: str | None = None
        started = time.monotonic()
        try:
            response = self._client.request(delivery.method, url, content=content, headers=headers)
            status = response.status_code
            text = response.text[:RESPONSE_TEXT_LIMIT]
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        except ValueError as exc:
            # A URL httpx refuses to send to; recorded like any other failed attempt.
            error = f"{type(exc).__name__}: {exc}"[:500]
        acknowledged = status is not None and is_acknowledged(status, text)
        allowed = self._retries if delivery.retries is None else delivery.retries
        retry = not acknowledged and attempt <= allowed
        next_retry = now + self._retry_interval if retry else None
        record = {
            "notification_id": delivery.notification_id,
            "trigger": delivery.trigger,
            "event": delivery.event,
            "attempt": attempt,
            "time": _iso(now),
            "timestamp": ts,
            "url": url,
            "method": delivery.method,
            "request_headers": headers,
            "request_body": content.decode("utf-8") if content is not None else None,
            "response_status": status,
            "response_text": text,
            "error": error,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "acknowledged": acknowledged,
            "retry_scheduled": retry,
            "retries_left": 0 if acknowledged else allowed + 1 - attempt,
            "next_retry_at": None if next_retry is None else _iso(next_retry),
            "outcome": "acknowledged" if acknowledged else "retrying" if retry else "failed",
        }
        row_id = self._store.add_notification_attempt(delivery.site_id, delivery.order_id, record)
        if not acknowledged and not retry:
            log.info(
                "notification for order %s not acknowledged after %d attempts", delivery.order_id, attempt
            )
        return NotificationAttempt.from_record(row_id, delivery.site_id, delivery.order_id, record)


def _iso(moment: float) -> str:
    """UTC with milliseconds and no zone, like the sandbox's other times."""
    return dt.datetime.fromtimestamp(moment, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
