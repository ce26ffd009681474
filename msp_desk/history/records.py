"""What the history hands out: order rows, timeline events, and a search with its page of results."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field


@dataclass
class HistoryEntry:
    """One order as this app knows it: sent from here, or looked up.

    Times are MultiSafepay's (``created``, ``modified``, ``completed``: no
    time zone, as the API gives them) or this app's (``submitted_at``,
    ``updated_at``). ``trace`` is the 3-D Secure browser's hops;
    ``authentication`` what MultiSafepay reported of 3-D Secure (status, eci,
    version, flow), never the cryptogram. ``source`` is ``submitted`` or
    ``lookup``: how the order first came here.
    """

    profile_id: str
    order_id: str
    profile_name: str
    environment: str
    amount: int
    currency: str
    description: str
    card_brand: str
    card_last4: str
    status: str = "submitted"
    reason: str = ""
    trace: list[dict[str, str]] = field(default_factory=list)
    submitted_at: str = ""
    updated_at: str = ""
    financial_status: str = ""
    created: str = ""
    modified: str = ""
    completed: str = ""
    authentication: dict[str, str] = field(default_factory=dict)
    source: str = "submitted"


class EventKind(enum.StrEnum):
    """What a timeline event records: one of this app's calls about the order, or a status change."""

    CREATE = "create"
    THREE_DS = "3ds"
    POLL = "poll"
    LOOKUP = "lookup"
    REFUND = "refund"
    CANCEL = "cancel"
    NOTIFY = "notify"
    STATUS = "status"


@dataclass(frozen=True)
class HistoryEvent:
    """One step on an order's timeline; ``at`` is this machine's UTC time with milliseconds.

    For a call, ``at`` is when it was sent and ``duration_ms`` how long its answer took
    (None for events that are not calls, and for calls kept by releases before it was).
    """

    id: int
    profile_id: str
    order_id: str
    at: str
    kind: EventKind
    method: str
    path: str
    http_status: int | None
    detail: str
    duration_ms: float | None = None


@dataclass(frozen=True)
class HistoryQuery:
    """A history search: every field narrows the list; the defaults list everything, newest first.

    ``order_id_prefix`` matches the start of the order id in any case, as the
    user types. ``statuses`` matches any of them. ``created_from`` is
    inclusive, ``created_until`` exclusive; a date means its midnight, and
    times compare with the order's ``created`` as MultiSafepay gives it.
    """

    profile_id: str | None = None
    order_id_prefix: str = ""
    statuses: tuple[str, ...] = ()
    created_from: dt.datetime | dt.date | None = None
    created_until: dt.datetime | dt.date | None = None
    offset: int = 0
    limit: int = 50


@dataclass(frozen=True)
class HistoryPage:
    """One page of a search, and how many orders match it in all (for "41 to 60 of 1,234")."""

    entries: list[HistoryEntry]
    total: int
