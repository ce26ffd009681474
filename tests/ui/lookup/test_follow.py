"""A pending order is asked again on its own until it is final, and no longer once the person leaves it."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from msp_desk.api.environments import Environment
from msp_desk.credentials.access import builtin_sandbox_profile
from msp_desk.credentials.profiles import Profile
from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.services.context import AppContext
from tests.ui.conftest import click
from tests.ui.lookup.conftest import UNCLEARED_THEN_COMPLETED, api, create_order, look_up, new_id, shown


def test_an_uncleared_order_is_followed_until_the_bank_decides(
    qtbot, page: LookupPage, context: AppContext
) -> None:
    order_id = new_id("uncleared")
    assert create_order(context, order_id, UNCLEARED_THEN_COMPLETED)["status"] == "uncleared"
    changes: list[str] = []
    context.events.order_changed.connect(lambda change: changes.append(change.order_id))
    ticks: list[int] = []
    heartbeat = QTimer(page)
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(50)

    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: shown(page, order_id), timeout=10000)
    assert page.detail.status_badge.text() == "Status: Uncleared"
    assert page.follow_note.isVisible()
    assert page.watch.busy, "an uncleared order is asked again"
    assert not page.cancel_button.isVisible()
    assert not page.refund_button.isEnabled()

    # The sandbox decides after 3 minutes / 60.
    qtbot.waitUntil(lambda: page.detail.status_badge.text() == "Status: Completed", timeout=20000)
    qtbot.waitUntil(lambda: not page.watch.busy, timeout=5000)
    assert page.follow_note.text() == "Final status: Completed. Automatic refresh stopped."
    assert page.refund_button.isEnabled()
    assert ticks, "the window kept responding while the order was followed"
    assert changes.count(order_id) >= 2, "the first answer and the change to completed were announced"
    entry = context.history.get(builtin_sandbox_profile().id, order_id)
    assert entry is not None
    assert entry.status == "completed"
    statuses = [
        e.detail for e in context.history.events(entry.profile_id, order_id) if e.kind.value == "status"
    ]
    assert statuses[-1] == "uncleared/uncleared → completed/completed"


def test_following_stops_when_the_person_looks_up_another_order(
    qtbot, page: LookupPage, context: AppContext
) -> None:
    pending, paid = new_id("pending"), new_id("paid")
    create_order(context, pending, UNCLEARED_THEN_COMPLETED)
    create_order(context, paid)
    look_up(qtbot, page, pending)
    qtbot.waitUntil(lambda: shown(page, pending) and page.watch.busy, timeout=10000)
    look_up(qtbot, page, paid)
    qtbot.waitUntil(lambda: shown(page, paid), timeout=10000)
    qtbot.waitUntil(lambda: not page.watch.busy, timeout=5000)
    assert page.follow_note.text() == ""
    # Long after the first order settled, the screen still shows the second: nothing more came of the first.
    qtbot.wait(4000)
    assert shown(page, paid)
    assert page.detail.status_badge.text() == "Status: Completed"


def test_following_stops_when_the_person_switches_profile(
    qtbot, page: LookupPage, context: AppContext
) -> None:
    order_id = new_id("pending")
    create_order(context, order_id, UNCLEARED_THEN_COMPLETED)
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: shown(page, order_id) and page.watch.busy, timeout=10000)
    other = context.profiles.store.add(Profile(name="Another shop", environment=Environment.TEST), "d" * 40)
    context.profiles.set_active(other)
    qtbot.waitUntil(lambda: not page.watch.busy, timeout=5000)
    assert page.detail.values["order_id"].text() == "—"
    assert page.order_edit.text() == order_id, "the typed id stays for a lookup with the new profile"
    assert page.message.text() == "Now using “Another shop”: press Enter to look the order up with it."


def test_refresh_asks_again(qtbot, page: LookupPage, context: AppContext) -> None:
    order_id = new_id("refresh")
    create_order(context, order_id)
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: shown(page, order_id), timeout=10000)
    refund_elsewhere(context, order_id)
    click(qtbot, page.refresh_button)
    qtbot.waitUntil(lambda: page.detail.values["refunded"].text() == "25.00 EUR", timeout=10000)
    assert page.detail.status_badge.text() == "Status: Refunded"


def refund_elsewhere(context: AppContext, order_id: str) -> None:
    """A refund made elsewhere (the dashboard, another app), straight through the API."""
    with api(context) as client:
        answer = client.post(f"orders/{order_id}/refunds", json={"currency": "EUR"})
    assert answer.status_code == 200, answer.text
