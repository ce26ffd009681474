"""The order history: one SQLite file in the user's data folder.

A row holds what a support engineer needs to find an order again (profile,
order id, amount, status, the card's brand and last four digits, the 3-D
Secure trace) and nothing that could pay with the card. Text fields pass
through the redaction on the way in, in case a secret was typed where it does
not belong.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from msp_desk.core import paths
from msp_desk.core.redaction import redact

HISTORY_FILE = "history.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    profile_id   TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    profile_name TEXT NOT NULL,
    environment  TEXT NOT NULL,
    amount       INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    description  TEXT NOT NULL,
    card_brand   TEXT NOT NULL,
    card_last4   TEXT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    trace        TEXT NOT NULL DEFAULT '[]',
    submitted_at TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (profile_id, order_id)
)
"""


@dataclass
class HistoryEntry:
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


class HistoryStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.data_dir() / HISTORY_FILE
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record_submitted(self, entry: HistoryEntry) -> None:
        now = _now()
        if len(entry.card_last4) != 4 or not entry.card_last4.isdigit():
            raise ValueError("the history keeps the card's last four digits only")
        with self._lock:
            self._db.execute(
                # An order id seen before belongs to the order already recorded: never overwrite it.
                "INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                (
                    entry.profile_id,
                    entry.order_id,
                    entry.profile_name,
                    entry.environment,
                    entry.amount,
                    entry.currency,
                    redact(entry.description),
                    entry.card_brand,
                    entry.card_last4,
                    entry.status,
                    redact(entry.reason),
                    json.dumps(entry.trace),
                    now,
                    now,
                ),
            )

    def update_status(self, profile_id: str, order_id: str, status: str, reason: str = "") -> None:
        with self._lock:
            self._db.execute(
                "UPDATE orders SET status=?, reason=?, updated_at=? WHERE profile_id=? AND order_id=?",
                (status, redact(reason), _now(), profile_id, order_id),
            )

    def set_trace(self, profile_id: str, order_id: str, trace: list[dict[str, str]]) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE orders SET trace=?, updated_at=? WHERE profile_id=? AND order_id=?",
                (redact(json.dumps(trace)), _now(), profile_id, order_id),
            )

    def get(self, profile_id: str, order_id: str) -> HistoryEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM orders WHERE profile_id=? AND order_id=?", (profile_id, order_id)
            ).fetchone()
        return _entry(row) if row else None

    def recent(self, limit: int = 100) -> list[HistoryEntry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM orders ORDER BY submitted_at DESC, rowid DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_entry(row) for row in rows]


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _entry(row: tuple[object, ...]) -> HistoryEntry:
    values = list(row)
    values[11] = json.loads(str(values[11]))
    return HistoryEntry(*values)  # type: ignore[arg-type]
