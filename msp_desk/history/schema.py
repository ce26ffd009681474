"""The history file's tables, the steps that bring an older file up to date, and opening it safely.

A file is at the version in ``PRAGMA user_version``. Version 1 is the table
the first releases wrote (and left at user_version 0); every later version is
a list of statements applied in one transaction, so a file is either wholly
migrated or untouched, and two app instances opening the same old file at
once migrate it once.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from msp_desk.core.files import set_aside

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another app instance holding the file."""

_VERSION_1 = """
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

_VERSION_2 = [
    # What a looked-up order adds, and the casefolded id that prefix search runs on.
    "ALTER TABLE orders ADD COLUMN financial_status TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE orders ADD COLUMN created TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE orders ADD COLUMN modified TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE orders ADD COLUMN completed TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE orders ADD COLUMN authentication TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE orders ADD COLUMN source TEXT NOT NULL DEFAULT 'submitted'",
    "ALTER TABLE orders ADD COLUMN order_key TEXT NOT NULL DEFAULT ''",
    # Rows from before: their submission time is the best creation time there is.
    "UPDATE orders SET order_key = casefold(order_id), created = submitted_at",
    # One index per way the history screen narrows the list, each ending in the sort column.
    "CREATE INDEX orders_profile_created ON orders (profile_id, created)",
    "CREATE INDEX orders_profile_key ON orders (profile_id, order_key)",
    "CREATE INDEX orders_profile_status ON orders (profile_id, status, created)",
    "CREATE INDEX orders_created ON orders (created)",
    "CREATE INDEX orders_key ON orders (order_key)",
    "CREATE INDEX orders_status ON orders (status, created)",
    """CREATE TABLE events (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        profile_id  TEXT NOT NULL,
        order_id    TEXT NOT NULL,
        at          TEXT NOT NULL,
        kind        TEXT NOT NULL,
        method      TEXT NOT NULL DEFAULT '',
        path        TEXT NOT NULL DEFAULT '',
        http_status INTEGER,
        detail      TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX events_order ON events (profile_id, order_id, id)",
]

_VERSION_3 = [
    # The newest-first indexes carry the order key too, so a search for a common prefix ("o")
    # walks them newest first and tests each id inside the index, never reading the rows it skips.
    "DROP INDEX IF EXISTS orders_profile_created",
    "CREATE INDEX orders_profile_created ON orders (profile_id, created, order_key)",
    "DROP INDEX IF EXISTS orders_created",
    "CREATE INDEX orders_created ON orders (created, order_key)",
]

_VERSION_4 = [
    # How long each of this app's calls took: the client notes every exchange (api.exchanges).
    "ALTER TABLE events ADD COLUMN duration_ms REAL",
]

MIGRATIONS: list[list[str]] = [[_VERSION_1], _VERSION_2, _VERSION_3, _VERSION_4]
VERSION = len(MIGRATIONS)
_UNREADABLE = {sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT}


def casefold(text: str | None) -> str:
    """The form order ids are searched in: Unicode case folding, which SQLite's lower() lacks."""
    return (text or "").casefold()


def open_database(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """The history database, migrated; a file that is not one is set aside and a new one started.

    The second value is a warning for the user when that happened, else None.
    """
    try:
        return _open(path), None
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", None) not in _UNREADABLE:
            raise  # locked, no permission, disk full: the file itself may be fine, so leave it be
        kept = set_aside(path)
        for suffix in ("-wal", "-shm"):
            # A leftover log would be replayed into the new file.
            stale = path.with_name(path.name + suffix)
            if stale.exists():
                stale.replace(kept.with_name(kept.name + suffix))
        log.error("order history %s could not be read (%s); kept as %s", path, error, kept)
        warning = (
            f"The order history could not be read ({error}). It was kept as {kept} "
            "and a new, empty history was started."
        )
        return _open(path), warning


def _open(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.create_function("casefold", 1, casefold, deterministic=True)
        _migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _migrate(connection: sqlite3.Connection) -> None:
    if _version(connection) >= VERSION:
        return  # current, or written by a newer release, whose additions this one ignores
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = _version(connection)  # again, now that no other instance can be migrating
        if version >= VERSION:
            connection.execute("ROLLBACK")
            return
        if version == 0 and _has_orders_table(connection):
            version = 1  # the first releases' file: that table, user_version never set
        for steps in MIGRATIONS[version:]:
            for statement in steps:
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version={VERSION}")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _has_orders_table(connection: sqlite3.Connection) -> bool:
    row = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'orders'"
    ).fetchone()
    return row is not None
