"""The History screen: orders sent or looked up, per profile, searched as you type, reopened in the lookup."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer

from msp_desk.api.follow import Backoff
from msp_desk.api.http import make_http_client
from msp_desk.credentials.access import builtin_sandbox_profile, open_store
from msp_desk.history.store import HistoryStore
from msp_desk.ui.history.page import HistoryPage
from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.areas import build_main_window
from msp_desk.ui.shell.main_window import MainWindow
from tests.ui.conftest import Dialogs, click, replace_text
from tests.ui.lookup.conftest import TIME_SCALE, create_order, look_up, new_id, shown

ROWS = 100_000
START = dt.datetime(2024, 1, 1)


@pytest.fixture
def context(qtbot) -> Iterator[AppContext]:
    ctx = AppContext(http_factory=lambda: make_http_client(read_timeout=2.0), sandbox_time_scale=TIME_SCALE)
    ctx.profiles.adopt(*open_store())
    yield ctx
    ctx.close()


@pytest.fixture
def window(qtbot, context: AppContext) -> Iterator[MainWindow]:
    main = build_main_window(context)
    qtbot.addWidget(main)
    main.resize(1300, 860)
    main.show()
    yield main
    main.close()


def _lookup(window: MainWindow) -> LookupPage:
    window.show_area("lookup")
    page = window.area_widget("lookup")
    assert isinstance(page, LookupPage)
    page.watch.backoff = Backoff(first=0.2, factor=1.5, longest=1.0, limit=10.0)
    return page


def _history(window: MainWindow) -> HistoryPage:
    window.show_area("history")
    page = window.area_widget("history")
    assert isinstance(page, HistoryPage)
    return page


def _ids(page: HistoryPage) -> list[str]:
    return [page.model.order_id(row) for row in range(page.model.rowCount())]


def _quiet(page: HistoryPage) -> bool:
    return not page.model.searching


def test_looked_up_orders_are_listed_searched_and_reopened(
    qtbot, window: MainWindow, context: AppContext
) -> None:
    context.sandbox.ensure_running()
    lookup = _lookup(window)
    made = [new_id("Kept"), new_id("Kept"), new_id("other")]
    for order_id in made:
        create_order(context, order_id)
        look_up(qtbot, lookup, order_id)
        qtbot.waitUntil(lambda order_id=order_id: shown(lookup, order_id), timeout=10000)

    history = _history(window)
    qtbot.waitUntil(lambda: _quiet(history) and len(_ids(history)) == 3, timeout=10000)
    assert _ids(history) == made[::-1]
    assert history.count.text() == "3 orders with “Local sandbox”."
    first = [history.model.index(0, column).data() for column in range(history.model.columnCount())]
    assert first[:3] == [made[2], "Completed", "25.00 EUR"]
    assert (first[4], first[6]) == ("VISA ••••3335", "looked up")

    replace_text(qtbot, history.search_edit, "kEPT")  # the start of the id, in any case
    qtbot.waitUntil(lambda: _quiet(history) and _ids(history) == made[1::-1], timeout=10000)
    assert history.count.text() == "2 orders with “Local sandbox”."
    history.status.setCurrentIndex(history.status.findData("declined"))
    qtbot.waitUntil(lambda: _quiet(history) and _ids(history) == [], timeout=10000)
    assert history.count.text() == "No order matches."
    click(qtbot, history.clear_button)
    qtbot.waitUntil(lambda: _quiet(history) and len(_ids(history)) == 3, timeout=10000)

    # Opening a row looks the order up again, in the lookup screen.
    history.table.setCurrentIndex(history.model.index(2, 0))
    history.table.setFocus()
    qtbot.keyClick(history.table, Qt.Key.Key_Return)
    assert window.current_area() == "lookup"
    qtbot.waitUntil(lambda: shown(lookup, made[0]) and lookup.order_edit.text() == made[0], timeout=10000)


def test_the_list_follows_changes_and_survives_a_restart(
    qtbot, window: MainWindow, context: AppContext, dialogs: Dialogs, msp_home: Path
) -> None:
    context.sandbox.ensure_running()
    lookup = _lookup(window)
    order_id = new_id("refund-me")
    create_order(context, order_id)
    look_up(qtbot, lookup, order_id)
    qtbot.waitUntil(lambda: shown(lookup, order_id) and not lookup.watch.busy, timeout=10000)
    history = _history(window)
    qtbot.waitUntil(lambda: _quiet(history) and _ids(history) == [order_id], timeout=10000)
    assert history.model.index(0, 1).data() == "Completed"

    # A refund on the lookup screen reaches the history without anyone refreshing it.
    lookup = _lookup(window)
    click(qtbot, lookup.refund_button)
    qtbot.waitUntil(lambda: lookup.refund.form is not None and lookup.refund.form.isVisible(), timeout=5000)
    assert lookup.refund.form is not None
    click(qtbot, lookup.refund.form.continue_button)
    qtbot.waitUntil(lambda: history.model.index(0, 1).data() == "Refunded", timeout=15000)

    # Another run of the app on the same data folder finds it again.
    again = AppContext()
    again.profiles.adopt(*open_store())
    try:
        page = HistoryPage(again)
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda: _quiet(page) and _ids(page) == [order_id], timeout=10000)
        assert page.model.index(0, 1).data() == "Refunded"
    finally:
        again.close()


def _fill(path: Path, profile_id: str) -> None:
    """100,000 orders written straight into the history file, half of them declined."""
    HistoryStore(path).close()
    rows = []
    for number in range(ROWS):
        created = (START + dt.timedelta(seconds=30 * number)).isoformat(timespec="seconds")
        rows.append(
            (profile_id, f"ORD-{number:06d}", "Local sandbox", "sandbox", 1000 + number, "EUR", "Bulk order",
             "VISA", "1111", "declined" if number % 2 else "completed", "", "[]", created, created,
             "completed", created, created, "", '{"status": "Y", "eci": "05"}', "lookup",
             f"ord-{number:06d}")
        )  # fmt: skip
    with sqlite3.connect(path) as db:
        db.executemany(f"INSERT INTO orders VALUES ({', '.join('?' * 21)})", rows)  # noqa: S608


def test_a_hundred_thousand_orders_open_and_search(qtbot, context: AppContext, msp_home: Path) -> None:
    _fill(context.history.path, builtin_sandbox_profile().id)
    ticks: list[int] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(20)
    page = HistoryPage(context)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitUntil(lambda: _quiet(page) and page.model.rowCount() > 0, timeout=20000)
    assert page.model.total == ROWS
    assert page.count.text() == "100,000 orders with “Local sandbox”."
    assert _ids(page)[:2] == ["ORD-099999", "ORD-099998"]
    assert page.model.rowCount() < ROWS, "rows are read a page at a time, not all at once"
    assert page.model.index(0, 5).data() == "authenticated (Y), ECI 05"

    # Scrolling to the end reads the next page.
    before = page.model.rowCount()
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() > before, timeout=10000)

    for typed, total in (("o", ROWS), ("ord-01", 10_000), ("ord-0123", 100), ("ord-01234", 10)):
        replace_text(qtbot, page.search_edit, typed)
        qtbot.waitUntil(lambda total=total: _quiet(page) and page.model.total == total, timeout=10000)
    assert _ids(page)[0] == "ORD-012349"
    page.status.setCurrentIndex(page.status.findData("declined"))
    qtbot.waitUntil(lambda: _quiet(page) and page.model.total == 5, timeout=10000)
    assert all(page.model.index(row, 1).data() == "Declined" for row in range(5))
    heartbeat.stop()
    assert ticks, "the window kept responding while 100,000 orders were searched"
