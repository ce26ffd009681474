"""The History screen over 100,000 orders: first rows painted, and search latency per keystroke.

Beside it, in the same run, a bare ``QTableView`` over the same SQLite query
(``HistoryStore.search`` for one page of the same size, run on the UI thread,
raw values, no filters, no further pages). Both are timed from building the
widget to the first paint that shows rows, and from each keystroke in the
search field to the paint that shows its result. Targets: search at most 50 ms
at worst, first rows within 1.5x of the bare table.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/history.py [--rows 100000] [--runs 9]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["MSP_DESK_HOME"] = tempfile.mkdtemp(prefix="msp-desk-bench-history-")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QEventLoop,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QVBoxLayout, QWidget

from msp_desk.credentials.access import builtin_sandbox_profile, open_store
from msp_desk.history.store import HistoryQuery, HistoryStore
from msp_desk.ui.history.model import PAGE
from msp_desk.ui.history.page import HistoryPage
from msp_desk.ui.services.context import AppContext

START = dt.datetime(2024, 1, 1)
TYPED = "ord-0012345"  # eleven keystrokes in, then nine back out: twenty searches, each with rows
KEYSTROKES = [*TYPED, *(["\b"] * 9)]


def fill(path: Path, rows: int, profile_id: str) -> None:
    HistoryStore(path).close()
    values = []
    for number in range(rows):
        created = (START + dt.timedelta(seconds=30 * number)).isoformat(timespec="seconds")
        values.append(
            (profile_id, f"ORD-{number:07d}", "Local sandbox", "sandbox", 1000 + number, "EUR", "Bulk order",
             "VISA", "1111", "declined" if number % 3 == 0 else "completed", "", "[]", created, created,
             "completed", created, created, "", '{"status": "Y", "eci": "05"}', "lookup", f"ord-{number:07d}")
        )  # fmt: skip
    with sqlite3.connect(path) as db:
        db.executemany(f"INSERT INTO orders VALUES ({', '.join('?' * 21)})", values)  # noqa: S608


class Painted(QObject):
    """Notes the time of each paint of a table's viewport that shows rows."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self.at: float | None = None
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.at is None:
            model = self.view.model()
            if model is not None and model.rowCount() > 0:
                self.at = time.perf_counter()
        return False


def wait(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Run the event loop until ``condition`` holds, idle in between as the app's loop is.

    A loop spinning on processEvents would hold the GIL and slow the worker
    that runs the search; the app's own event loop sleeps until something happens.
    """
    if condition():
        return
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(1)
    check.timeout.connect(lambda: loop.quit() if condition() else None)
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    check.start()
    loop.exec()
    check.stop()
    if not condition():
        raise TimeoutError("the table never showed its rows")


class BareModel(QAbstractTableModel):
    """The same query's rows, raw, fetched on the UI thread."""

    COLUMNS = (
        "order_id",
        "status",
        "amount",
        "currency",
        "created",
        "card_brand",
        "card_last4",
        "updated_at",
    )

    def __init__(self, store: HistoryStore, profile_id: str) -> None:
        super().__init__()
        self.store, self.profile_id = store, profile_id
        self.rows: list[tuple[Any, ...]] = []

    def search(self, prefix: str) -> None:
        query = HistoryQuery(profile_id=self.profile_id, order_id_prefix=prefix, limit=PAGE)
        page = self.store.search(query)
        self.beginResetModel()
        self.rows = [tuple(getattr(e, name) for name in self.COLUMNS) for e in page.entries]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(self.COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return str(self.rows[index.row()][index.column()]) if role == Qt.ItemDataRole.DisplayRole else None


class Bare(QWidget):
    def __init__(self, store: HistoryStore, profile_id: str) -> None:
        super().__init__()
        self.search_edit = QLineEdit(self)
        self.model = BareModel(store, profile_id)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table)
        self.search_edit.textChanged.connect(self.model.search)
        self.model.search("")


def first_rows(build: Callable[[], tuple[QWidget, QTableView]]) -> tuple[float, QWidget, QTableView, Painted]:
    started = time.perf_counter()
    widget, table = build()
    painted = Painted(table)
    widget.resize(1200, 700)
    widget.show()
    wait(lambda: painted.at is not None)
    assert painted.at is not None
    return painted.at - started, widget, table, painted


def keystrokes(edit: QLineEdit, painted: Painted, done: Callable[[], bool]) -> list[float]:
    """Seconds from each keystroke to the paint that shows its result."""
    latencies = []
    for key in KEYSTROKES:
        painted.at = None
        started = time.perf_counter()
        if key == "\b":
            QTest.keyClick(edit, Qt.Key.Key_Backspace)
        else:
            QTest.keyClicks(edit, key)
        wait(lambda: done() and painted.at is not None)
        assert painted.at is not None
        latencies.append(painted.at - started)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9, help="how often each first paint is measured")
    options = parser.parse_args()

    app = QApplication.instance() or QApplication([sys.argv[0]])
    context = AppContext()
    context.profiles.adopt(*open_store())
    profile_id = builtin_sandbox_profile().id
    began = time.perf_counter()
    fill(context.history.path, options.rows, profile_id)
    print(f"{options.rows:,} orders written in {time.perf_counter() - began:.1f} s")
    store = context.history

    screen_first: list[float] = []
    bare_first: list[float] = []
    for _ in range(options.runs):  # alternately, so both see the same machine
        elapsed, bare, _table, _painted = first_rows(lambda: (b := Bare(store, profile_id), b.table))
        bare_first.append(elapsed)
        bare.close()
        elapsed, page, _table, _painted = first_rows(lambda: (p := HistoryPage(context), p.table))
        screen_first.append(elapsed)
        page.close()

    bare, _bare_table, bare_painted = first_rows(lambda: (b := Bare(store, profile_id), b.table))[1:]
    assert isinstance(bare, Bare)
    bare_keys = keystrokes(bare.search_edit, bare_painted, lambda: True)
    page, _table, page_painted = first_rows(lambda: (p := HistoryPage(context), p.table))[1:]
    assert isinstance(page, HistoryPage)
    page_keys = keystrokes(page.search_edit, page_painted, lambda: not page.model.searching)

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:7.1f} ms median, {max(values) * 1000:7.1f} ms worst"

    print(
        f"\nHistory screen over {options.rows:,} orders "
        f"({options.runs} first paints, {len(KEYSTROKES)} keystrokes)"
    )
    print(f"{'':34}{'History screen':>34}{'bare QTableView':>34}")
    print(f"{'first rows painted':34}{ms(screen_first):>34}{ms(bare_first):>34}")
    print(f"{'search, keystroke to rows painted':34}{ms(page_keys):>34}{ms(bare_keys):>34}")
    ratio = statistics.median(screen_first) / statistics.median(bare_first)
    worst = max(page_keys) * 1000
    print(f"\nfirst rows: {ratio:.2f}x the bare table (target 1.5x or less)")
    print(f"search: {worst:.1f} ms at worst (target 50 ms or less)")
    page.close()
    bare.close()
    context.close()
    app.quit()
    return 0 if ratio <= 1.5 and worst <= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
