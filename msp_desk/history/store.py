"""The order history: one SQLite file in the user's data folder.

A row holds what a support engineer needs to find an order again (profile,
order id, amount, statuses, times, the card's brand and last four digits, the
3-D Secure trace) and nothing that could pay with the card. Every order sent
from this app or looked up through it gets one, per profile; each also has a
timeline of this app's calls about it and of its status changes. Text fields
pass through the redaction on the way in, in case a secret was typed where
it does not belong.

Several app instances may use the file at once: it is in WAL mode, writes
wait for each other (busy timeout), and every change that reads before it
writes does so inside one write transaction.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msp_desk.core import paths
from msp_desk.core.redaction import redact
from msp_desk.history.queue import CallQueue, QueuedCall
from msp_desk.history.records import EventKind, HistoryEntry, HistoryEvent, HistoryPage, HistoryQuery
from msp_desk.history.schema import casefold, open_database

if TYPE_CHECKING:
    from msp_desk.api.models import Order
    from msp_desk.core.verification_trace import Hop

log = logging.getLogger(__name__)

__all__ = [
    "HISTORY_FILE",
    "EventKind",
    "HistoryEntry",
    "HistoryEvent",
    "HistoryPage",
    "HistoryQuery",
    "HistoryStore",
]

HISTORY_FILE = "history.sqlite3"
MAX_PAGE = 1000
MAX_TEXT = 500
"""Event paths and details are for a timeline line, not for whole answers."""
GENERIC_CARD_GATEWAY = "CREDITCARD"
_AUTHENTICATION_FIELDS = ("status", "eci", "version", "transaction_status_reason")
_HIGHEST = "\U0010ffff"
"""Sorts after every other character: ``key < prefix + _HIGHEST`` bounds a prefix range."""
NEWEST_FIRST = "created DESC, order_key DESC, rowid DESC"
"""The list's order: the newest-first indexes' own (profile, created, order key), so no page is sorted."""
BROAD_PREFIX = 1000
"""Matches beyond which a prefix search walks the newest-first index instead of sorting its matches.

Sorting every match of a short prefix ("o" of 100,000 "ORD-…" ids) took 200 ms;
walking the orders newest first and keeping those that match finds a page in
well under a millisecond when matches are that common. Counting up to this
bound in the order-id index says which case it is.
"""

_ORDER_COLUMNS = (
    "profile_id",
    "order_id",
    "profile_name",
    "environment",
    "amount",
    "currency",
    "description",
    "card_brand",
    "card_last4",
    "status",
    "reason",
    "trace",
    "submitted_at",
    "updated_at",
    "financial_status",
    "created",
    "modified",
    "completed",
    "authentication",
    "source",
    "order_key",
)
_INSERT = f"INSERT INTO orders ({', '.join(_ORDER_COLUMNS)}) VALUES ({', '.join('?' * len(_ORDER_COLUMNS))})"  # noqa: S608


class HistoryStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.data_dir() / HISTORY_FILE
        self._lock = threading.Lock()
        self._db, warning = open_database(self.path)
        self._db.row_factory = sqlite3.Row
        self.warning: str | None = warning
        """Set when the file could not be read and a new one was started: for the app to show once."""
        self._queued = CallQueue(self._flush)

    def close(self) -> None:
        """Write what is queued, then close the file."""
        self._queued.close()
        try:
            self._flush()
        except sqlite3.Error as error:
            log.warning("Could not write the last calls to the order timelines: %s", redact(str(error)))
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: it holds off other app instances from reading-then-writing in between.

        Queued calls go first, so the timeline keeps the order things happened in.
        """
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for call in self._queued.take():
                    self._add_event(
                        self._db,
                        call.profile_id,
                        call.order_id,
                        call.kind,
                        method=call.method,
                        path=call.path,
                        http_status=call.http_status,
                        detail=call.detail,
                        at=call.at,
                        duration_ms=call.duration_ms,
                    )
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # orders

    def record_submitted(self, entry: HistoryEntry) -> None:
        """Keep an order this app has just sent. An order id seen before keeps its row as it is."""
        if len(entry.card_last4) != 4 or not entry.card_last4.isdigit():
            raise ValueError("the history keeps the card's last four digits only")
        now = _now()
        entry = dataclasses.replace(
            entry,
            description=redact(entry.description),
            reason=redact(entry.reason),
            submitted_at=now,
            updated_at=now,
            created=entry.created or now,
            source="submitted",
        )
        with self._write() as db:
            inserted = db.execute(_INSERT + " ON CONFLICT DO NOTHING", _values(entry)).rowcount
            if inserted:
                self._add_event(db, entry.profile_id, entry.order_id, EventKind.STATUS, detail=entry.status)

    def record_lookup(
        self, profile_id: str, profile_name: str, environment: str, order: Order
    ) -> HistoryEntry:
        """Keep (or bring up to date) an order as a lookup returned it; a status change joins its timeline.

        What the lookup leaves out keeps its recorded value: an order sent from
        here keeps its card brand and last four digits when MultiSafepay's
        answer carries none.
        """
        order_id = str(order.order_id or "")
        if not order_id:
            raise ValueError("a looked-up order without an order_id cannot be kept")
        found = _looked_up(order)
        now = _now()
        with self._write() as db:
            row = db.execute(
                "SELECT * FROM orders WHERE profile_id = ? AND order_id = ?", (profile_id, order_id)
            ).fetchone()
            if row is None:
                entry = HistoryEntry(
                    profile_id=profile_id,
                    order_id=order_id,
                    profile_name=profile_name,
                    environment=environment,
                    amount=0,
                    currency="",
                    description="",
                    card_brand="",
                    card_last4="",
                    status="",
                    submitted_at=now,
                    created=now,
                    source="lookup",
                )
                before = None
            else:
                entry = _entry(row)
                before = (entry.status, entry.financial_status)
            for name, value in found.items():
                if value in (None, "", {}):
                    continue
                if name == "card_brand" and value == GENERIC_CARD_GATEWAY and entry.card_brand:
                    continue  # a redirect order's gateway says less than the brand already known
                setattr(entry, name, value)
            entry.profile_name = profile_name
            entry.updated_at = now
            if row is None:
                db.execute(_INSERT, _values(entry))
            else:
                _update(db, entry)
            after = (entry.status, entry.financial_status)
            if _changed(before, after):
                self._add_event(
                    db, profile_id, order_id, EventKind.STATUS, detail=_status_words(before, after)
                )
        return entry

    def update_status(
        self,
        profile_id: str,
        order_id: str,
        status: str,
        reason: str = "",
        *,
        financial_status: str | None = None,
    ) -> None:
        with self._write() as db:
            row = db.execute(
                "SELECT status, financial_status FROM orders WHERE profile_id = ? AND order_id = ?",
                (profile_id, order_id),
            ).fetchone()
            if row is None:
                return
            financial = row["financial_status"] if financial_status is None else financial_status
            db.execute(
                "UPDATE orders SET status = ?, financial_status = ?, reason = ?, updated_at = ?"
                " WHERE profile_id = ? AND order_id = ?",
                (status, financial, redact(reason), _now(), profile_id, order_id),
            )
            before, after = (row["status"], row["financial_status"]), (status, financial)
            if _changed(before, after):
                self._add_event(
                    db, profile_id, order_id, EventKind.STATUS, detail=_status_words(before, after)
                )

    def set_trace(self, profile_id: str, order_id: str, trace: list[dict[str, str]]) -> None:
        """Keep the 3-D Secure browser's hops with the order, and put each on its timeline.

        A hop's ``at`` (when the browser asked, UTC) dates its event, so the hops sit
        among the notifications they set off rather than all at the moment they were kept.
        """
        with self._write() as db:
            db.execute(
                "UPDATE orders SET trace = ?, updated_at = ? WHERE profile_id = ? AND order_id = ?",
                (redact(json.dumps(trace)), _now(), profile_id, order_id),
            )
            for hop in trace:
                self._add_event(
                    db,
                    profile_id,
                    order_id,
                    EventKind.THREE_DS,
                    method=hop.get("method", ""),
                    path=f"{hop.get('host', '')}{hop.get('path', '')}",
                    detail=hop.get("status", ""),
                    at=_moment(hop.get("at", "")),
                )

    def get(self, profile_id: str, order_id: str) -> HistoryEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM orders WHERE profile_id = ? AND order_id = ?", (profile_id, order_id)
            ).fetchone()
        return _entry(row) if row else None

    def recent(self, limit: int = 100) -> list[HistoryEntry]:
        return self.search(HistoryQuery(limit=limit)).entries

    def search(self, query: HistoryQuery) -> HistoryPage:
        """One page of the orders matching ``query``, newest first, and how many match in all."""
        return HistoryPage(self.entries(query), self.count(query))

    def entries(self, query: HistoryQuery) -> list[HistoryEntry]:
        """The page of ``search`` without the count: what a screen shows first, before "1,234 orders"."""
        if not 1 <= query.limit <= MAX_PAGE:
            raise ValueError(f"limit must be from 1 to {MAX_PAGE}")
        if query.offset < 0:
            raise ValueError("offset must not be negative")
        with self._lock:
            where, params = self._page_where(query)
            rows = self._db.execute(
                # Only fixed clauses are interpolated; every value is a parameter.
                f"SELECT * FROM orders WHERE {where} ORDER BY {NEWEST_FIRST} LIMIT ? OFFSET ?",  # noqa: S608
                [*params, query.limit, query.offset],
            ).fetchall()
        return [_entry(row) for row in rows]

    def count(self, query: HistoryQuery) -> int:
        """How many orders match ``query`` in all (its offset and limit aside)."""
        where, params = _where(query)
        with self._lock:
            return int(self._db.execute(f"SELECT COUNT(*) FROM orders WHERE {where}", params).fetchone()[0])  # noqa: S608

    def _page_where(self, query: HistoryQuery) -> tuple[str, list[Any]]:
        """The WHERE clause a page is read with: a prefix with many matches walks the newest-first index.

        Whether it has many is asked of the order-id index, counting no further than the bound.
        """
        where, params = _where(query)
        if query.order_id_prefix:
            probe = f"SELECT COUNT(*) FROM (SELECT 1 FROM orders WHERE {where} LIMIT ?)"  # noqa: S608
            if int(self._db.execute(probe, [*params, BROAD_PREFIX + 1]).fetchone()[0]) > BROAD_PREFIX:
                return _where(query, newest_first=True)
        return where, params

    def query_plan(self, query: HistoryQuery) -> list[str]:
        """How SQLite runs ``search`` for this query (EXPLAIN QUERY PLAN lines): for tests and tuning."""
        lines = []
        with self._lock:
            where, params = _where(query)
            count = f"SELECT COUNT(*) FROM orders WHERE {where}"  # noqa: S608
            lines += [str(row[3]) for row in self._db.execute("EXPLAIN QUERY PLAN " + count, params)]
            where, params = self._page_where(query)
            page = f"SELECT * FROM orders WHERE {where} ORDER BY {NEWEST_FIRST} LIMIT 1"  # noqa: S608
            lines += [str(row[3]) for row in self._db.execute("EXPLAIN QUERY PLAN " + page, params)]
        return lines

    # the timeline

    def record_call(
        self,
        profile_id: str,
        order_id: str,
        kind: EventKind | str,
        *,
        method: str = "",
        path: str = "",
        http_status: int | None = None,
        detail: str = "",
        at: dt.datetime | None = None,
        duration_ms: float | None = None,
    ) -> HistoryEvent:
        """Put one of this app's calls about the order (or another step) on its timeline, redacted.

        ``at`` is when the call was sent (an aware time; now when None), ``duration_ms`` how long it took.
        """
        checked = _kind(kind)
        with self._write() as db:
            return self._add_event(
                db,
                profile_id,
                order_id,
                checked,
                method=method,
                path=path,
                http_status=http_status,
                detail=detail,
                at=at,
                duration_ms=duration_ms,
            )

    def note_call(
        self,
        profile_id: str,
        order_id: str,
        kind: EventKind | str,
        *,
        method: str = "",
        path: str = "",
        http_status: int | None = None,
        detail: str = "",
        at: dt.datetime | None = None,
        duration_ms: float | None = None,
    ) -> None:
        """``record_call`` without waiting for the file: written within a moment, in one go with others.

        For the API client's recorder (see ``history.queue``). Every read and write of the
        timeline writes what is queued first; ``close`` writes the rest.
        """
        call = QueuedCall(
            profile_id,
            order_id,
            _kind(kind),
            method,
            path,
            http_status,
            detail,
            at or dt.datetime.now(dt.UTC),
            duration_ms,
        )
        self._queued.put(call)

    def _flush(self) -> None:
        if self._queued:
            with self._write():
                pass

    def record_hops(self, profile_id: str, order_id: str, hops: Iterable[Hop]) -> None:
        """The 3-D Secure browser's hops, kept with the order and on its timeline (see ``set_trace``)."""
        self.set_trace(profile_id, order_id, [hop.as_dict() for hop in hops])

    def events(self, profile_id: str, order_id: str, *, limit: int = MAX_PAGE) -> list[HistoryEvent]:
        """The order's timeline, oldest first."""
        self._flush()
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM events WHERE profile_id = ? AND order_id = ? ORDER BY id LIMIT ?",
                (profile_id, order_id, limit),
            ).fetchall()
        return [_event(row) for row in rows]

    @staticmethod
    def _add_event(
        db: sqlite3.Connection,
        profile_id: str,
        order_id: str,
        kind: EventKind,
        *,
        method: str = "",
        path: str = "",
        http_status: int | None = None,
        detail: str = "",
        at: dt.datetime | None = None,
        duration_ms: float | None = None,
    ) -> HistoryEvent:
        when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        method = method.upper() if method.isascii() and method.isalpha() and len(method) <= 10 else ""
        path, detail = redact(path)[:MAX_TEXT], redact(detail)[:MAX_TEXT]
        cursor = db.execute(
            "INSERT INTO events"
            " (profile_id, order_id, at, kind, method, path, http_status, detail, duration_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (profile_id, order_id, when, kind.value, method, path, http_status, detail, duration_ms),
        )
        return HistoryEvent(
            int(cursor.lastrowid or 0),
            profile_id,
            order_id,
            when,
            kind,
            method,
            path,
            http_status,
            detail,
            duration_ms,
        )


def _kind(kind: EventKind | str) -> EventKind:
    try:
        return EventKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in EventKind)
        raise ValueError(f"Unknown event kind {str(kind)[:40]!r}: expected one of {known}") from None


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _moment(text: str) -> dt.datetime | None:
    """A hop's UTC time (ISO, with or without a zone); None when it has none or it is not a time."""
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _time(value: dt.datetime | dt.date | None) -> str:
    """A search bound in the stored form: a date is its midnight; a time with a zone becomes UTC."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time.min)
    elif value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="seconds")


def _where(query: HistoryQuery, *, newest_first: bool = False) -> tuple[str, list[Any]]:
    """The WHERE clause of ``query``; ``newest_first`` keeps SQLite off the order-id index (``+order_key``).

    Then SQLite walks an index in creation order and stops after a page of
    matches, instead of collecting and sorting every match of the prefix.
    """
    clauses: list[str] = []
    params: list[Any] = []
    if query.profile_id is not None:
        clauses.append("profile_id = ?")
        params.append(query.profile_id)
    if query.order_id_prefix:
        key = casefold(query.order_id_prefix)
        column = "+order_key" if newest_first else "order_key"
        clauses.append(f"{column} >= ? AND {column} < ?")
        params += [key, key + _HIGHEST]
    if query.statuses:
        clauses.append(f"status IN ({', '.join('?' * len(query.statuses))})")
        params += list(query.statuses)
    if query.created_from is not None:
        clauses.append("created >= ?")
        params.append(_time(query.created_from))
    if query.created_until is not None:
        clauses.append("created < ?")
        params.append(_time(query.created_until))
    return " AND ".join(clauses) or "1", params


def _looked_up(order: Order) -> dict[str, Any]:
    """The fields of a looked-up order the history keeps, None where the answer had nothing."""
    details = order.payment_details
    authentication: dict[str, str] = {}
    last4 = ""
    if details is not None:
        result = details.card_authentication_result
        if result is not None:
            authentication = {
                name: str(getattr(result, name))
                for name in _AUTHENTICATION_FIELDS
                if getattr(result, name) is not None
            }
        if details.card_authentication_details is not None and details.card_authentication_details.flow:
            authentication["flow"] = details.card_authentication_details.flow
        if details.last4 and len(details.last4) == 4 and details.last4.isdigit():
            last4 = details.last4
    return {
        "status": order.status,
        "financial_status": order.financial_status,
        "reason": redact(order.reason) if order.reason else None,
        "amount": order.amount,
        "currency": order.currency,
        "description": redact(order.description) if order.description else None,
        "card_brand": details.type if details is not None else None,
        "card_last4": last4,
        "created": _stamp(order.created),
        "modified": _stamp(order.modified),
        "completed": _stamp(order.completed),
        "authentication": authentication,
    }


def _stamp(value: dt.datetime | None) -> str | None:
    return None if value is None else value.replace(tzinfo=None).isoformat(timespec="seconds")


def _changed(before: tuple[str, str] | None, after: tuple[str, str]) -> bool:
    """A status change, not a financial status learned for the first time."""
    if before is None:
        return True
    return before[0] != after[0] or (before[1] != "" and before[1] != after[1])


def _status_words(before: tuple[str, str] | None, after: tuple[str, str]) -> str:
    def words(pair: tuple[str, str]) -> str:
        status, financial = pair
        return f"{status}/{financial}" if financial else status

    return words(after) if before is None else f"{words(before)} → {words(after)}"


def _values(entry: HistoryEntry) -> tuple[Any, ...]:
    row: Mapping[str, Any] = {
        **entry.__dict__,
        "trace": json.dumps(entry.trace),
        "authentication": json.dumps(entry.authentication),
        "order_key": casefold(entry.order_id),
    }
    return tuple(row[name] for name in _ORDER_COLUMNS)


def _update(db: sqlite3.Connection, entry: HistoryEntry) -> None:
    names = [name for name in _ORDER_COLUMNS if name not in {"profile_id", "order_id"}]
    values = dict(zip(_ORDER_COLUMNS, _values(entry), strict=True))
    db.execute(
        f"UPDATE orders SET {', '.join(f'{name} = ?' for name in names)}"  # noqa: S608
        " WHERE profile_id = ? AND order_id = ?",
        [*(values[name] for name in names), entry.profile_id, entry.order_id],
    )


def _entry(row: sqlite3.Row) -> HistoryEntry:
    data = {name: row[name] for name in _ORDER_COLUMNS if name != "order_key"}
    data["trace"] = json.loads(data["trace"])
    data["authentication"] = json.loads(data["authentication"])
    return HistoryEntry(**data)


def _event(row: sqlite3.Row) -> HistoryEvent:
    return HistoryEvent(
        id=row["id"],
        profile_id=row["profile_id"],
        order_id=row["order_id"],
        at=row["at"],
        kind=EventKind(row["kind"]),
        method=row["method"],
        path=row["path"],
        http_status=row["http_status"],
        detail=row["detail"],
        duration_ms=row["duration_ms"],
    )
