"""Merging an order's history events and notification attempts into one timeline, without Qt."""

from __future__ import annotations

import datetime as dt
from typing import Any

from msp_desk.history.records import EventKind, HistoryEvent
from msp_desk.sandbox.attempts import NotificationAttempt
from msp_desk.support.timeline import Source, build_timeline, summary

T0 = dt.datetime(2025, 10, 2, 9, 14, 3, 100000)


def _at(seconds: float) -> str:
    return (T0 + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def _event(number: int, seconds: float, kind: EventKind, **fields: Any) -> HistoryEvent:
    values: dict[str, Any] = {"method": "", "path": "", "http_status": None, "detail": ""} | fields
    return HistoryEvent(id=number, profile_id="p1", order_id="o1", at=_at(seconds), kind=kind, **values)


def _attempt(
    number: int, seconds: float, *, status: int | None, answer: str, attempt: int
) -> NotificationAttempt:
    acknowledged = status == 200 and answer == "OK"
    return NotificationAttempt.from_record(
        number,
        7,
        "o1",
        {
            "event": "completed/completed",
            "attempt": attempt,
            "time": _at(seconds),
            "url": "http://shop.example/notify?transactionid=o1&timestamp=1",
            "method": "POST",
            "response_status": status,
            "response_text": answer,
            "error": None if status else "ConnectError: refused",
            "duration_ms": 12.5,
            "acknowledged": acknowledged,
            "retry_scheduled": not acknowledged,
            "retries_left": 0 if acknowledged else 3,
            "next_retry_at": None if acknowledged else _at(seconds + 900),
        },
    )


EVENTS = [
    _event(1, 0.0, EventKind.CREATE, method="POST", path="/v1/json/orders", http_status=200, detail="order"),
    _event(2, 0.05, EventKind.STATUS, detail="initialized"),
    _event(3, 1.0, EventKind.THREE_DS, method="POST", path="acs.example/acs", detail="loaded"),
    _event(4, 1.5, EventKind.THREE_DS, method="POST", path="acs.example/term", detail="HTTP 500"),
    _event(5, 3.0, EventKind.POLL, method="GET", path="/v1/json/orders/o1", http_status=200, duration_ms=8.0),
    _event(6, 3.01, EventKind.STATUS, detail="initialized → completed"),
    _event(
        7, 4.0, EventKind.REFUND, method="POST", path="/v1/json/orders/o1/refunds", detail="refund: timeout"
    ),
]
ATTEMPTS = [
    _attempt(11, 1.2, status=500, answer="Internal error", attempt=1),
    _attempt(12, 3.5, status=200, answer="OK", attempt=2),
]


def test_events_and_attempts_merge_by_time_whatever_order_they_come_in() -> None:
    timeline = build_timeline(reversed(EVENTS), reversed(ATTEMPTS))
    assert [(entry.source, entry.event) for entry in timeline] == [
        (Source.CALL, "Create"),
        (Source.STATUS, "Status"),
        (Source.THREE_DS, "3-D Secure"),
        (Source.NOTIFICATION, "Notification completed #1 of 4"),
        (Source.THREE_DS, "3-D Secure"),
        (Source.CALL, "Poll"),
        (Source.STATUS, "Status"),
        (Source.NOTIFICATION, "Notification completed #2"),
        (Source.CALL, "Refund"),
    ]
    times = [entry.at for entry in timeline]
    assert times == sorted(t for t in times if t is not None)
    assert timeline[0].utc == "2025-10-02 09:14:03.100 UTC"


def test_each_line_says_what_was_asked_and_what_came_back() -> None:
    by_event = {(e.source, e.event, e.request): e for e in build_timeline(EVENTS, ATTEMPTS)}
    create = by_event[(Source.CALL, "Create", "POST /v1/json/orders")]
    assert (create.code, create.answer, create.problem) == ("200", "order", False)
    poll = by_event[(Source.CALL, "Poll", "GET /v1/json/orders/o1")]
    assert poll.duration_ms == 8.0
    refund = by_event[(Source.CALL, "Refund", "POST /v1/json/orders/o1/refunds")]
    assert (refund.code, refund.problem) == ("—", True), "no answer came"
    failed_hop = by_event[(Source.THREE_DS, "3-D Secure", "POST acs.example/term")]
    assert failed_hop.problem
    first = by_event[
        (Source.NOTIFICATION, "Notification completed #1 of 4", "POST http://shop.example/notify")
    ]
    assert (first.code, first.answer, first.acknowledged, first.problem) == (
        "500",
        "Internal error",
        "✗ no",
        True,
    )
    assert first.next_retry == "2025-10-02 09:29:04", "the retry 15 minutes later, as the sandbox planned it"
    second = by_event[(Source.NOTIFICATION, "Notification completed #2", "POST http://shop.example/notify")]
    assert (second.code, second.answer, second.acknowledged, second.next_retry) == ("200", "OK", "✓ yes", "—")


def test_the_summary_counts_and_names_what_went_wrong() -> None:
    timeline = build_timeline(EVENTS, ATTEMPTS)
    assert summary(timeline, notifications_known=True) == (
        "3 calls, 2 steps in 3-D Secure, 2 status changes, 2 notification attempts (1 not acknowledged). "
        "1 call got no answer or an error."
    )
    calls_only = build_timeline(EVENTS[:1])
    assert summary(calls_only, notifications_known=False) == (
        "1 call. MultiSafepay's notifications for Test and Live orders do not pass through this app."
    )
    assert summary([], notifications_known=True).startswith("This app has no record of this order yet")


def test_a_record_without_a_readable_time_comes_first_and_says_so() -> None:
    broken = HistoryEvent(9, "p1", "o1", "not a time", EventKind.LOOKUP, "GET", "/x", 200, "")
    timeline = build_timeline([EVENTS[0], broken])
    assert timeline[0].at is None
    assert timeline[0].utc == "unknown time"
