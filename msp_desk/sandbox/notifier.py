"""Webhook delivery: MultiSafepay's GET and POST notifications, with retries and a log of every attempt.

Each status change snapshots the order and queues a delivery on a worker
thread, so the API answer never waits for the merchant's server. An attempt
counts as acknowledged per :mod:`msp_desk.webhooks.acknowledgement`; otherwise
it is retried ``retries`` times, ``retry_interval`` seconds apart (both
divided by the time scale), each retry with a fresh timestamp and signature.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

import httpx

from msp_desk.sandbox.scheduler import Scheduler
from msp_desk.sandbox.store import Store
from msp_desk.webhooks.acknowledgement import is_acknowledged
from msp_desk.webhooks.notification import build_notification

log = logging.getLogger(__name__)

USER_AGENT = "msp-desk-sandbox (MultiSafepay notification simulator)"
RESPONSE_TEXT_LIMIT = 2000


@dataclass(frozen=True)
class Delivery:
    site_id: int
    order_id: str
    url: str
    method: str
    body: bytes
    event: str


class Notifier:
    def __init__(
        self,
        store: Store,
        scheduler: Scheduler,
        *,
        retries: int,
        retry_interval: float,
        http_timeout: float = 10.0,
    ) -> None:
        self._store = store
        self._scheduler = scheduler
        self._retries = retries
        self._retry_interval = retry_interval
        # No redirects: MultiSafepay counts a 301/302 answer as a failed delivery.
        self._client = httpx.Client(timeout=http_timeout, follow_redirects=False, trust_env=False)

    def close(self) -> None:
        self._client.close()

    def enqueue(self, delivery: Delivery) -> None:
        self._scheduler.call_later(0.0, lambda: self._attempt(delivery, 1))

    def _attempt(self, delivery: Delivery, attempt: int) -> None:
        site = self._store.site_by_id(delivery.site_id)
        if site is None:
            return
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
        retry = not acknowledged and attempt <= self._retries
        self._store.add_notification_attempt(
            delivery.site_id,
            delivery.order_id,
            {
                "event": delivery.event,
                "attempt": attempt,
                "time": dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
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
            },
        )
        if retry:
            self._scheduler.call_later(self._retry_interval, lambda: self._attempt(delivery, attempt + 1))
        elif not acknowledged:
            log.info(
                "notification for order %s not acknowledged after %d attempts", delivery.order_id, attempt
            )
