"""The website's transactions beside the order: filtered, newest first, paged, opened in the detail view."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from msp_desk.core.statuses import FINANCIAL_STATUS_FILTERS, ORDER_STATUSES
from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.services.context import AppContext
from tests.ui.conftest import click
from tests.ui.lookup.conftest import UNCLEARED_THEN_COMPLETED, create_order, new_id, shown


def _listed(page: LookupPage) -> list[str]:
    model = page.transactions.model
    return [model.order_id(row) for row in range(model.rowCount())]


def _settled(page: LookupPage) -> bool:
    return not page.transactions.ops.busy()


def test_paging_through_the_transactions_newest_first(qtbot, page: LookupPage, context: AppContext) -> None:
    made = [new_id("listed") for _ in range(7)]
    for order_id in made:
        create_order(context, order_id)
    panel = page.transactions
    panel.page_size = 3
    click(qtbot, panel.show_button)
    qtbot.waitUntil(lambda: _settled(page) and len(_listed(page)) == 3, timeout=10000)
    assert _listed(page) == made[::-1][:3]
    assert panel.note.text() == "3 transactions shown; Load more for older ones."
    click(qtbot, panel.more_button)
    qtbot.waitUntil(lambda: len(_listed(page)) == 6, timeout=10000)
    click(qtbot, panel.more_button)
    qtbot.waitUntil(lambda: len(_listed(page)) == 7, timeout=10000)
    assert _listed(page) == made[::-1]
    assert not panel.more_button.isEnabled()
    assert panel.note.text() == "7 transactions shown, all that match."

    # Opening a row shows its order in the detail view.
    index = panel.model.index(1, 0)
    panel.table.setCurrentIndex(index)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown(page, made[5]), timeout=10000)
    assert page.order_edit.text() == made[5]


def test_filters_by_status_and_created_day(qtbot, page: LookupPage, context: AppContext) -> None:
    paid, held = new_id("paid"), new_id("held")
    create_order(context, paid)
    create_order(context, held, UNCLEARED_THEN_COMPLETED)
    panel = page.transactions
    panel.status.setCurrentIndex(panel.status.findData("uncleared"))
    click(qtbot, panel.show_button)
    qtbot.waitUntil(lambda: _settled(page) and _listed(page) == [held], timeout=10000)
    assert ("status", "uncleared") in panel.sent_filters

    panel.status.setCurrentIndex(0)
    today = dt.datetime.now(dt.UTC).date()
    panel.created_from.set_value(today)
    panel.created_until.set_value(today)
    click(qtbot, panel.show_button)
    qtbot.waitUntil(lambda: _settled(page) and set(_listed(page)) >= {paid, held}, timeout=10000)
    # "Until" includes its day: the list is asked for everything before the next one.
    assert ("created_until", (today + dt.timedelta(days=1)).isoformat()) in panel.sent_filters

    panel.created_from.set_value(today - dt.timedelta(days=3))
    panel.created_until.set_value(today - dt.timedelta(days=1))
    click(qtbot, panel.show_button)
    qtbot.waitUntil(lambda: _settled(page) and panel.note.text() == "No transactions match.", timeout=10000)

    panel.created_from.set_value(today)
    click(qtbot, panel.show_button)
    assert panel.note.text() == "⚠ “Created from” is after “until”: nothing can match."


def test_the_sandbox_takes_every_filter_the_screen_offers(qtbot, page: LookupPage) -> None:
    panel = page.transactions
    for combo, values in ((panel.status, ORDER_STATUSES), (panel.financial, FINANCIAL_STATUS_FILTERS)):
        for value in values:
            combo.setCurrentIndex(combo.findData(value))
            click(qtbot, panel.show_button)
            qtbot.waitUntil(lambda: _settled(page), timeout=10000)
            assert panel.note.kind == "info", (value, panel.note.text())
        combo.setCurrentIndex(0)
