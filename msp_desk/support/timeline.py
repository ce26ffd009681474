"""One order's story in one list, oldest first: this app's calls, 3-D Secure, status changes, notifications.

Two records tell it. The history holds what this app did and saw: each call it
made about the order (create, lookups, polls, refunds, cancels), each step of
the 3-D Secure browser, each status change it noticed (``history.store``). For
a sandbox order the sandbox also holds every notification it sent, with the
merchant's answer (``sandbox.attempts``). Test and Live orders have the first
record only: MultiSafepay's notifications never pass through this app.

The two are merged by time. Both clocks are this computer's (the sandbox runs
here), in UTC with milliseconds, so a notification sits between the 3-D Secure
step that completed the order and the poll that then saw it completed.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from msp_desk.core.redaction import redact
from msp_desk.history.records import EventKind, HistoryEvent
from msp_desk.sandbox.attempts import NotificationAttempt
from msp_desk.sandbox.inbox import attempt_row

_CALL_WORDS = {
    EventKind.CREATE: "Create",
    EventKind.LOOKUP: "Lookup",
    EventKind.POLL: "Poll",
    EventKind.REFUND: "Refund",
    EventKind.CANCEL: "Cancel",
    EventKind.NOTIFY: "Notification resent",
}
_UNKNOWN_TIME = dt.datetime.min.replace(tzinfo=dt.UTC)


class Source(enum.StrEnum):
    CALL = "call"
    """A request this app sent to MultiSafepay (or the sandbox) about the order."""
    THREE_DS = "3ds"
    """A request the 3-D Secure browser made."""
    STATUS = "status"
    """A status change this app noticed."""
    NOTIFICATION = "notification"
    """A notification the sandbox sent to the order's notification URL."""


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline, in words ready to show; ``at`` is None when its record had no readable time.

    ``code`` is the HTTP status of an answer ("—" when none came); ``acknowledged``
    and ``next_retry`` are for notifications only, ``retry_at`` the moment of a
    retry still to come. ``problem`` marks what went
    wrong: a call without an answer or with an error status, a failed browser
    step, a notification the merchant did not acknowledge.
    """

    at: dt.datetime | None
    source: Source
    event: str
    request: str
    code: str = ""
    answer: str = ""
    acknowledged: str = ""
    next_retry: str = ""
    problem: bool = False
    duration_ms: float | None = None
    retry_at: dt.datetime | None = None

    @property
    def utc(self) -> str:
        """``2025-10-02 09:14:03.123 UTC``: the exact moment, for a tooltip or a file."""
        if self.at is None:
            return "unknown time"
        return self.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"


def build_timeline(
    events: Iterable[HistoryEvent], attempts: Iterable[NotificationAttempt] = ()
) -> list[TimelineEntry]:
    """The events (as ``HistoryStore.events`` gives them) and the attempts, merged oldest first.

    Entries with the same time keep their records' order, the history's first.
    """
    entries = [from_event(event) for event in events]
    entries += [from_attempt(attempt) for attempt in attempts]
    return sorted(entries, key=lambda entry: entry.at or _UNKNOWN_TIME)


def from_event(event: HistoryEvent) -> TimelineEntry:
    at = _utc(event.at)
    if event.kind is EventKind.STATUS:
        return TimelineEntry(at, Source.STATUS, "Status", "", answer=event.detail)
    if event.kind is EventKind.THREE_DS:
        failed = event.detail.startswith(("HTTP 4", "HTTP 5", "failed"))
        request = f"{event.method} {event.path}"
        return TimelineEntry(at, Source.THREE_DS, "3-D Secure", request, answer=event.detail, problem=failed)
    status = event.http_status
    return TimelineEntry(
        at,
        Source.CALL,
        _CALL_WORDS.get(event.kind, event.kind.value.capitalize()),
        f"{event.method} {event.path}".strip(),
        code=str(status) if status is not None else "—",
        answer=event.detail,
        problem=status is None or status >= 400,
        duration_ms=event.duration_ms,
    )


def from_attempt(attempt: NotificationAttempt) -> TimelineEntry:
    row = attempt_row(attempt)
    which = ", resent" if row.attempt == "resend" else f" #{row.attempt}"  # "#1 of 4" while retries are left
    retrying = attempt.outcome == "retrying" and attempt.next_retry_at
    return TimelineEntry(
        _utc(attempt.time),
        Source.NOTIFICATION,
        f"Notification {row.status or '(status unknown)'}{which}",
        f"{attempt.method} {row.url}",
        code=row.code,
        answer=redact(row.answer),
        acknowledged=row.acknowledged,
        next_retry=row.next_retry,
        problem=row.problem,
        duration_ms=attempt.duration_ms,
        retry_at=_utc(attempt.next_retry_at or "") if retrying else None,
    )


def summary(entries: Sequence[TimelineEntry], *, notifications_known: bool) -> str:
    """One line over the list: how many of each, and what went wrong."""
    if not entries:
        return "This app has no record of this order yet: it was neither sent nor looked up from here."
    counts = {source: sum(1 for e in entries if e.source is source) for source in Source}
    parts = [
        _count(counts[Source.CALL], "call", "calls"),
        _count(counts[Source.THREE_DS], "step in 3-D Secure", "steps in 3-D Secure"),
        _count(counts[Source.STATUS], "status change", "status changes"),
    ]
    if notifications_known:
        unanswered = sum(1 for e in entries if e.source is Source.NOTIFICATION and e.problem)
        sent = _count(counts[Source.NOTIFICATION], "notification attempt", "notification attempts")
        parts.append(f"{sent} ({unanswered} not acknowledged)" if unanswered else sent)
    failed_calls = sum(1 for e in entries if e.source is Source.CALL and e.problem)
    line = ", ".join(part for part in parts if part) + "."
    if failed_calls:
        line += f" {_count(failed_calls, 'call', 'calls')} got no answer or an error."
    if not notifications_known:
        line += " MultiSafepay's notifications for Test and Live orders do not pass through this app."
    return line[0].upper() + line[1:]


def _count(number: int, one: str, many: str) -> str:
    return "" if number == 0 else f"{number} {one if number == 1 else many}"


def _utc(text: str) -> dt.datetime | None:
    """The history's and the sandbox's times: ISO, UTC, without a zone."""
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)
