"""SQLite persistence for sites, orders, transactions and notification attempts.

One connection guarded by a re-entrant lock: the API handlers, the status
timers and the notification worker all write, and every statement is short,
so serialising them is simpler and safer than per-thread connections. Orders
are kept as the JSON document the API returns, which makes GET /orders a
single indexed read with no re-serialisation.

Card numbers and CVCs never reach this module; orders carry only brand,
last 4 digits, expiry and holder name.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from msp_desk.sandbox.attempts import NotificationAttempt

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
    site_id INTEGER PRIMARY KEY,
    api_key TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    site_id INTEGER NOT NULL,
    order_id TEXT NOT NULL,
    transaction_id INTEGER NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    private TEXT NOT NULL,
    PRIMARY KEY (site_id, order_id)
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    site_id INTEGER NOT NULL,
    order_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS transactions (
    transaction_id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL,
    order_id TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    financial_status TEXT NOT NULL,
    payment_method TEXT,
    currency TEXT NOT NULL,
    created TEXT NOT NULL,
    completed TEXT,
    item TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transactions_site ON transactions (site_id, transaction_id);
CREATE TABLE IF NOT EXISTS notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id INTEGER NOT NULL,
    order_id TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_order ON notifications (site_id, order_id);
CREATE INDEX IF NOT EXISTS notifications_site ON notifications (site_id, id);
CREATE TABLE IF NOT EXISTS received (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS received_site ON received (site_id, id);
"""
PRUNE_EVERY = 1000
BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another process holding the state file, before it fails."""


@dataclass
class Site:
    site_id: int
    account_id: int
    api_key: str = field(repr=False)  # a repr can end up in a log line or a traceback
    name: str = ""
    url: str = "http://127.0.0.1"
    notification_url: str | None = None
    notification_method: str = "POST"
    price_from: int | None = None
    price_till: int | None = None
    support_email: str | None = None
    support_phone: str | None = None

    def public(self) -> dict[str, Any]:
        """The GET /sites/{id} shape, plus the sandbox's ``notification_method``."""
        data = asdict(self)
        data["id"] = data.pop("site_id")
        return data


def _site_data(site: Site) -> dict[str, Any]:
    """The site without its key: the key lives in its own column only, one place to keep it."""
    data = asdict(site)
    del data["api_key"]
    return data


def _site(api_key: str, data: str) -> Site:
    fields = json.loads(data)
    fields.pop("api_key", None)  # older state files kept it here too; the column is the one truth
    return Site(api_key=api_key, **fields)


@dataclass
class StoredOrder:
    site_id: int
    order_id: str
    doc: dict[str, Any]
    private: dict[str, Any]

    @property
    def transaction_id(self) -> int:
        return int(self.doc["transaction_id"])


class DuplicateOrderError(Exception):
    pass


@dataclass(frozen=True)
class TransactionMatch:
    """Which list entries to return: equal columns, any of some payment methods, time comparisons."""

    equal: dict[str, str] = field(default_factory=dict)
    payment_methods: tuple[str, ...] = ()
    times: tuple[tuple[str, str, str], ...] = ()


_MATCH_COLUMNS = frozenset({"status", "financial_status", "type", "currency"})
_TIME_COLUMNS = frozenset({"created", "completed"})
_TIME_OPERATORS = frozenset({">=", "<"})


def _transaction_where(site_id: int, match: TransactionMatch) -> tuple[list[str], list[Any]]:
    clauses = ["site_id = ?"]
    params: list[Any] = [site_id]
    for column, value in match.equal.items():
        if column not in _MATCH_COLUMNS:
            raise ValueError(f"not a filter column: {column}")
        clauses.append(f"{column} = ?")
        params.append(value)
    if match.payment_methods:
        clauses.append(f"payment_method IN ({','.join('?' * len(match.payment_methods))})")
        params.extend(match.payment_methods)
    for column, operator, value in match.times:
        if column not in _TIME_COLUMNS or operator not in _TIME_OPERATORS:
            raise ValueError(f"not a time comparison: {column} {operator}")
        clauses.append(f"{column} {operator} ?")
        params.append(value)
    return clauses, params


def dumps(value: Any) -> str:
    """Compact JSON with raw UTF-8, as MultiSafepay's own payloads are."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Store:
    def __init__(self, path: str | Path | None = None) -> None:
        self._lock = threading.RLock()
        target = ":memory:" if path is None else str(path)
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        # Another process may hold the file (the app's sandbox and `msp-desk sandbox` on one state
        # file): wait for it rather than fail with "database is locked".
        self._conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if path is not None:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._sites_by_key: dict[str, Site] = {}
        self._data_version = -1
        self._current_sites()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store for a read-modify-write that must not interleave, in one SQL transaction."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # meta

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # sites

    def _current_sites(self) -> dict[str, Site]:
        """The sites by key, re-read when another connection (another process) has written the file.

        ``PRAGMA data_version`` changes only on another connection's commit, so
        checking it costs one cheap statement and the table is read again only then.
        """
        with self._lock:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            if version != self._data_version:
                rows = self._conn.execute("SELECT api_key, data FROM sites ORDER BY rowid").fetchall()
                sites = (_site(api_key, data) for api_key, data in rows)
                self._sites_by_key = {site.api_key: site for site in sites}
                self._data_version = version
            return self._sites_by_key

    def save_site(self, site: Site) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO sites (site_id, api_key, data) VALUES (?, ?, ?)",
                (site.site_id, site.api_key, dumps(_site_data(site))),
            )
            self._sites_by_key = {k: s for k, s in self._sites_by_key.items() if s.site_id != site.site_id}
            self._sites_by_key[site.api_key] = site

    def site_by_key(self, api_key: str) -> Site | None:
        # Served from memory: every API request authenticates, so this is the hot path.
        return self._current_sites().get(api_key)

    def site_by_id(self, site_id: int) -> Site | None:
        return next((s for s in self._current_sites().values() if s.site_id == site_id), None)

    def all_sites(self) -> list[Site]:
        return list(self._current_sites().values())

    # orders

    def insert_order(self, order: StoredOrder) -> None:
        with self._lock:
            try:
                self._conn.execute(
                    "INSERT INTO orders (site_id, order_id, transaction_id, doc, private)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        order.site_id,
                        order.order_id,
                        order.transaction_id,
                        dumps(order.doc),
                        dumps(order.private),
                    ),
                )
            except sqlite3.IntegrityError as exc:
                raise DuplicateOrderError(order.order_id) from exc

    def update_order(self, order: StoredOrder) -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE orders SET doc = ?, private = ? WHERE site_id = ? AND order_id = ?",
                (dumps(order.doc), dumps(order.private), order.site_id, order.order_id),
            )

    def get_order(self, site_id: int, order_id: str) -> StoredOrder | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT doc, private FROM orders WHERE site_id = ? AND order_id = ?", (site_id, order_id)
            ).fetchone()
        if row is None:
            return None
        return StoredOrder(site_id, order_id, json.loads(row[0]), json.loads(row[1]))

    def get_order_json(self, site_id: int, order_id: str) -> str | None:
        """The stored order document as JSON text, for answering without a parse/serialise round trip."""
        with self._lock:
            row = self._conn.execute(
                "SELECT doc FROM orders WHERE site_id = ? AND order_id = ?", (site_id, order_id)
            ).fetchone()
        return None if row is None else str(row[0])

    def order_by_transaction_id(self, transaction_id: int) -> StoredOrder | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT site_id, order_id FROM orders WHERE transaction_id = ?", (transaction_id,)
            ).fetchone()
            return None if row is None else self.get_order(int(row[0]), str(row[1]))

    def max_transaction_id(self) -> int:
        with self._lock:
            row = self._conn.execute("SELECT MAX(transaction_id) FROM transactions").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def order_exists(self, site_id: int, order_id: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM orders WHERE site_id = ? AND order_id = ?", (site_id, order_id)
            ).fetchone()
        return row is not None

    def transaction_id_taken(self, transaction_id: int) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM transactions WHERE transaction_id = ?", (transaction_id,)
            ).fetchone()
        return row is not None

    # tokens: 3-D Secure MD values and payment-page session ids

    def add_token(self, token: str, site_id: int, order_id: str) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO tokens (token, site_id, order_id) VALUES (?, ?, ?)", (token, site_id, order_id)
            )

    def order_for_token(self, token: str) -> StoredOrder | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT site_id, order_id FROM tokens WHERE token = ?", (token,)
            ).fetchone()
            return None if row is None else self.get_order(int(row[0]), str(row[1]))

    # transactions (the GET /transactions list: payments and refunds)

    def save_transaction(self, site_id: int, order_id: str, item: dict[str, Any]) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO transactions (transaction_id, site_id, order_id, type, status,"
                " financial_status, payment_method, currency, created, completed, item)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item["transaction_id"],
                    site_id,
                    order_id,
                    item["type"],
                    item["status"],
                    item["financial_status"],
                    item.get("payment_method"),
                    item["currency"],
                    item["created"],
                    item.get("completed"),
                    dumps(item),
                ),
            )

    def list_transactions(
        self,
        site_id: int,
        match: TransactionMatch,
        limit: int,
        after: int | None,
        before: int | None,
    ) -> list[dict[str, Any]]:
        """Newest first. ``after`` pages towards older entries, ``before`` towards newer ones."""
        clauses, params = _transaction_where(site_id, match)
        order = "DESC"
        if after is not None:
            clauses.append("transaction_id < ?")
            params.append(after)
        elif before is not None:
            clauses.append("transaction_id > ?")
            params.append(before)
            order = "ASC"
        # Only fixed column names and ASC/DESC are interpolated; values are parameters.
        where = " AND ".join(clauses)
        sql = f"SELECT item FROM transactions WHERE {where} ORDER BY transaction_id {order} LIMIT ?"  # noqa: S608
        params.append(limit)
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        items = [json.loads(r[0]) for r in rows]
        if order == "ASC":
            items.reverse()
        return items

    def has_transactions(
        self,
        site_id: int,
        match: TransactionMatch,
        *,
        older_than: int | None = None,
        newer_than: int | None = None,
    ) -> bool:
        """Whether another page exists in that direction, under the same filters."""
        clauses, params = _transaction_where(site_id, match)
        if older_than is not None:
            clauses.append("transaction_id < ?")
            params.append(older_than)
        if newer_than is not None:
            clauses.append("transaction_id > ?")
            params.append(newer_than)
        sql = f"SELECT 1 FROM transactions WHERE {' AND '.join(clauses)} LIMIT 1"  # noqa: S608
        with self._lock:
            row = self._conn.execute(sql, params).fetchone()
        return row is not None

    # notification attempts

    def add_notification_attempt(self, site_id: int, order_id: str, record: dict[str, Any]) -> int:
        """Log one attempt; its row id orders the log and lets a reader ask for what came after."""
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO notifications (site_id, order_id, data) VALUES (?, ?, ?)",
                (site_id, order_id, dumps(record)),
            )
        return int(cursor.lastrowid or 0)

    def notification_attempts(
        self, site_id: int, order_id: str | None = None, *, since: int = 0, limit: int = -1
    ) -> list[NotificationAttempt]:
        """The site's attempts (one order's, with ``order_id``) after row ``since``, oldest first."""
        with self._lock:
            if order_id is None:
                rows = self._conn.execute(
                    "SELECT id, order_id, data FROM notifications WHERE site_id = ? AND id > ?"
                    " ORDER BY id LIMIT ?",
                    (site_id, since, limit),
                ).fetchall()
            else:
                rows = self._conn.execute(
                    "SELECT id, order_id, data FROM notifications"
                    " WHERE site_id = ? AND order_id = ? AND id > ? ORDER BY id LIMIT ?",
                    (site_id, order_id, since, limit),
                ).fetchall()
        return [NotificationAttempt.from_record(r[0], site_id, r[1], json.loads(r[2])) for r in rows]

    # the notification receiver's log

    def add_received(self, site_id: int, data: dict[str, Any], *, keep: int) -> int:
        """Store one received notification; every PRUNE_EVERY entries, drop those beyond ``keep``."""
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO received (site_id, data) VALUES (?, ?)", (site_id, dumps(data))
            )
            row_id = int(cursor.lastrowid or 0)
            if row_id % PRUNE_EVERY == 0:
                self._conn.execute("DELETE FROM received WHERE id <= ?", (row_id - keep,))
        return row_id

    def received_since(
        self, last_id: int, limit: int, site_id: int | None
    ) -> list[tuple[int, int, dict[str, Any]]]:
        with self._lock:
            if site_id is None:
                rows = self._conn.execute(
                    "SELECT id, site_id, data FROM received WHERE id > ? ORDER BY id LIMIT ?",
                    (last_id, limit),
                ).fetchall()
            else:
                rows = self._conn.execute(
                    "SELECT id, site_id, data FROM received WHERE site_id = ? AND id > ? ORDER BY id LIMIT ?",
                    (site_id, last_id, limit),
                ).fetchall()
        return [(int(r[0]), int(r[1]), json.loads(r[2])) for r in rows]

    def last_received_id(self) -> int:
        with self._lock:
            row = self._conn.execute("SELECT MAX(id) FROM received").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def clear_received(self, site_id: int) -> int:
        with self._lock:
            return self._conn.execute("DELETE FROM received WHERE site_id = ?", (site_id,)).rowcount
