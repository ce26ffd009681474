"""One logged notification attempt, as the desktop's notification screens and the JSON API read it.

The log keeps each attempt as JSON; older state files lack the fields added
since (``notification_id``, ``outcome``, ``next_retry_at``, ...), so reading
fills them in from what those records do hold.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Outcome = Literal["acknowledged", "retrying", "failed"]


@dataclass(frozen=True)
class NotificationAttempt:
    """One request the sandbox sent to a notification URL, and the answer it got.

    ``request_headers`` include ``Auth``: a signature is no secret by itself,
    and a merchant debugging a rejected notification needs to see it.
    ``outcome`` is ``acknowledged`` (no retry follows), ``retrying`` (at
    ``next_retry_at``, UTC) or ``failed`` (no retry left, ``retries_left`` 0).
    """

    id: int
    site_id: int
    order_id: str
    notification_id: str
    trigger: str
    event: str
    attempt: int
    time: str
    timestamp: int
    url: str
    method: str
    request_headers: dict[str, str]
    request_body: str | None
    response_status: int | None
    response_text: str
    error: str | None
    duration_ms: float
    acknowledged: bool
    retry_scheduled: bool
    retries_left: int
    next_retry_at: str | None
    outcome: Outcome

    @classmethod
    def from_record(
        cls, row_id: int, site_id: int, order_id: str, data: dict[str, Any]
    ) -> NotificationAttempt:
        acknowledged = bool(data.get("acknowledged"))
        retry = bool(data.get("retry_scheduled"))
        outcome: Outcome = "acknowledged" if acknowledged else "retrying" if retry else "failed"
        return cls(
            id=row_id,
            site_id=site_id,
            order_id=order_id,
            notification_id=str(data.get("notification_id") or f"log-{row_id}"),
            trigger=str(data.get("trigger") or "status change"),
            event=str(data.get("event") or ""),
            attempt=int(data.get("attempt") or 1),
            time=str(data.get("time") or ""),
            timestamp=int(data.get("timestamp") or 0),
            url=str(data.get("url") or ""),
            method=str(data.get("method") or "POST"),
            request_headers=dict(data.get("request_headers") or {}),
            request_body=data.get("request_body"),
            response_status=data.get("response_status"),
            response_text=str(data.get("response_text") or ""),
            error=data.get("error"),
            duration_ms=float(data.get("duration_ms") or 0.0),
            acknowledged=acknowledged,
            retry_scheduled=retry,
            retries_left=int(data.get("retries_left") or 0),
            next_retry_at=data.get("next_retry_at"),
            outcome=data.get("outcome") or outcome,
        )

    def public(self) -> dict[str, Any]:
        """The JSON the ``/_sandbox/notifications`` endpoint answers with."""
        return asdict(self)
