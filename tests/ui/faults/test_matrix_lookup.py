"""Fault matrix, Order lookup screen: looking an order up, refunding, cancelling, listing transactions.

Reads say why they failed and offer Retry where asking again can help; writes
whose answer went missing are looked up instead of being sent again, and the
sandbox holds exactly the refunds and cancels the person asked for.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from msp_desk.api.follow import Backoff
from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.lookup.refund_form import RefundForm
from msp_desk.ui.services.context import AppContext
from tests.ui.conftest import Dialogs, choose, click, on_screen, replace_text
from tests.ui.faults.matrix import BY_KEY, CAUSE, HOST, KEYS, REFUSED, UNKNOWN, Cell, Shop
from tests.ui.faults.screens import Seen, look_up, new_id, shown

LOOK_AGAIN = Backoff(first=0.2, factor=2.0, longest=0.4, limit=1.0)
LOOKED_FOR = round(sum(LOOK_AGAIN.delays()))


@pytest.fixture
def page(qtbot, context: AppContext) -> LookupPage:
    widget = on_screen(qtbot, LookupPage(context))
    widget.watch.backoff = Backoff(first=0.2, factor=1.5, longest=1.0, limit=30.0)
    widget.refund.look_again = LOOK_AGAIN
    qtbot.waitUntil(lambda: not widget.transactions.ops.busy(), timeout=10000)
    return widget


def open_order(qtbot, page: LookupPage, order_id: str) -> None:
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: shown(page, order_id) and page.message.kind == "info", timeout=10000)


# -- get order ------------------------------------------------------------------------------------------

UNREADABLE = (
    " The order could not be read from it: perhaps a proxy or an outage page answered "
    "instead of MultiSafepay."
)
GET_SEEN = {
    "read-timeout": f"{HOST} did not answer in time (ReadTimeout) after 3 tries; "
    "the order was not looked up.",
    "connect-timeout": CAUSE["connect-timeout"]
    + " Check the network connection (or the proxy or firewall) and retry.",
    "malformed": CAUSE["malformed"] + UNREADABLE,
    "truncated": CAUSE["truncated"] + UNREADABLE,
    "http-401": CAUSE["http-401"] + " Check the profile's key on the Profiles screen.",
    "http-404": "No order “{order_id}” on this profile's website (error 1006). If the ID is right, the order "
    "may belong to another profile's website: a key sees only its own website's orders.",
}


@pytest.mark.parametrize("key", KEYS)
def test_get_order(qtbot, page: LookupPage, shop: Shop, key: str, record) -> None:
    fault = BY_KEY[key]
    order_id = new_id("get")
    shop.create_order(order_id)
    shop.inject(fault, paths=f"/orders/{order_id}", method="GET", count=3)  # every one of the 3 tries
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: not page.watch.busy and page.message.kind == "error", timeout=20000)

    seen = "⚠ " + GET_SEEN.get(key, CAUSE[key]).format(order_id=order_id)
    assert page.message.text() == seen
    retry = key not in REFUSED
    assert page.retry_button.isVisible() is retry
    assert page.order_edit.text() == order_id
    assert page.detail.values["order_id"].text() == "—"

    shop.heal()
    if retry:
        click(qtbot, page.retry_button)
        again = "Retry"
    else:
        qtbot.keyClick(page.order_edit, Qt.Key.Key_Return)  # the lookup itself
        again = "Enter in the order ID field"
    qtbot.waitUntil(lambda: shown(page, order_id) and page.message.kind == "info", timeout=10000)
    assert page.detail.status_badge.text() == "Status: Completed"
    assert not page.retry_button.isVisible()
    outcome = "Retry" if retry else {"http-401": "key refused", "http-404": "not found"}.get(key, "refused")
    record("get", fault, Cell(outcome, seen=seen, again=f"{again} → the order is shown", kept="the order ID"))


# -- refund ---------------------------------------------------------------------------------------------


def refund_form(qtbot, page: LookupPage) -> RefundForm:
    click(qtbot, page.refund_button)
    qtbot.waitUntil(lambda: page.refund.form is not None and page.refund.form.isVisible(), timeout=5000)
    assert page.refund.form is not None
    return page.refund.form


def refund_seen(key: str, order_id: str) -> str:
    if key in ("read-timeout", "truncated"):
        return "The refund went through after all: refund {refund_id}. Nothing was sent twice."
    if key == "connect-timeout":
        return f"⚠ Not refunded: {CAUSE[key]} Nothing was sent."
    if key in REFUSED:
        return "⚠ MultiSafepay refused the refund: " + CAUSE[key].format(order_id=order_id)
    return (
        f"No refund of 5.00 EUR shows on order {order_id} after {LOOKED_FOR} s of looking: "
        "it most likely did not go through. Refresh the order before refunding again."
    )


@pytest.mark.parametrize("key", KEYS)
def test_refund(qtbot, page: LookupPage, shop: Shop, key: str, dialogs: Dialogs, record) -> None:
    fault = BY_KEY[key]
    order_id = new_id("refund")
    shop.create_order(order_id, amount=2500)
    open_order(qtbot, page, order_id)
    form = refund_form(qtbot, page)
    click(qtbot, form.part_button)
    replace_text(qtbot, form.amount, "5,00")
    replace_text(qtbot, form.description, "Broken mug")
    shop.inject(fault, paths=f"/orders/{order_id}/refunds", method="POST")
    said = Seen(page.action_message)
    click(qtbot, form.continue_button)
    qtbot.waitUntil(
        said.until(lambda: not page.refund.busy and page.action_message.kind != "hint"), timeout=20000
    )

    made = fault.carried_out
    refunds = shop.refunds(order_id)
    assert refunds == ([500] if made else [])
    seen = refund_seen(key, order_id)
    if made:
        refund_id = shop.order(order_id)["related_transactions"][-1]["transaction_id"]
        seen = seen.format(refund_id=refund_id)
    assert page.action_message.text() == seen
    looking = (
        f"No answer to the refund of 5.00 EUR: {CAUSE[key]} "
        f"Looking at order {order_id} to see whether it went through…"
    )
    seen = read_in_turn(said.texts[1:], looking if key in UNKNOWN else None, seen, lasting=not made)
    assert len(dialogs.asked) == 1
    qtbot.waitUntil(lambda: page.refund_button.isEnabled(), timeout=10000)

    # Refund… again: a refund that was not made comes back as it was typed.
    shop.heal()
    form = refund_form(qtbot, page)
    if made:
        assert (form.all_button.isChecked(), form.amount.text(), form.description.text()) == (True, "", "")
        click(qtbot, form.part_button)
        replace_text(qtbot, form.amount, "2,00")
        kept, again, expected = "— (the refund was made)", "Refund… of another 2.00 EUR", [500, 200]
    else:
        assert (form.part_button.isChecked(), form.amount.text(), form.description.text()) == (
            True,
            "5,00",
            "Broken mug",
        )
        kept, again, expected = "amount and description, in the form again", "Refund… as kept", [500]
    click(qtbot, form.continue_button)
    qtbot.waitUntil(lambda: page.action_message.text().startswith("Refunded"), timeout=10000)
    assert shop.refunds(order_id) == expected
    assert page.order_edit.text() == order_id
    writes = "refunds of 5.00 and 2.00 EUR" if made else "1 refund of 5.00 EUR"
    if made:
        outcome = "made once, found"
    elif key == "connect-timeout":
        outcome = "not sent → Refund…"
    elif key in REFUSED:
        outcome = "refused → Refund…"
    else:
        outcome = "looked: not made → Refund…"
    record("refund", fault, Cell(outcome, seen=seen, again=f"{again} → refunded", kept=kept, writes=writes))


def read_in_turn(steps: list[str], looking: str | None, final: str, *, lasting: bool) -> str:
    """Check the messages after "…ing": a lost answer first says the order is being looked at.

    A look that answers at once (one lookup) may replace that line before anyone, or the test's
    polling, reads it; a ``lasting`` look (a refund that does not show: seconds of asking) never does.
    """
    assert steps[-1] == final
    if looking is None:
        assert steps == [final]
        return final
    assert steps == [looking, final] if lasting else steps in ([looking, final], [final])
    return f"“{looking}”, then “{final}”"


# -- cancel ---------------------------------------------------------------------------------------------


def cancel_seen(key: str, order_id: str) -> str:
    if key in ("read-timeout", "truncated"):
        return f"Order {order_id} now shows Cancelled (void): the cancel went through."
    if key == "connect-timeout":
        return f"⚠ Not cancelled: {CAUSE[key]} Nothing was sent."
    if key in REFUSED:
        return "⚠ MultiSafepay refused to cancel the order: " + CAUSE[key].format(order_id=order_id)
    return f"Order {order_id} is still initialized: it was not cancelled."


@pytest.mark.parametrize("key", KEYS)
def test_cancel(qtbot, page: LookupPage, shop: Shop, key: str, dialogs: Dialogs, record) -> None:
    fault = BY_KEY[key]
    order_id = new_id("cancel")
    shop.create_unpaid(order_id)
    open_order(qtbot, page, order_id)
    assert page.cancel_button.isVisible()
    shop.inject(fault, paths=f"/orders/{order_id}", method="PATCH")
    said = Seen(page.action_message)
    click(qtbot, page.cancel_button)
    qtbot.waitUntil(
        said.until(lambda: not page.cancel.busy and page.action_message.kind != "hint"), timeout=20000
    )

    made = fault.carried_out
    seen = cancel_seen(key, order_id)
    assert page.action_message.text() == seen
    looking = f"No answer to the cancel: {CAUSE[key]} Looking the order up…"
    seen = read_in_turn(said.texts[1:], looking if key in UNKNOWN else None, seen, lasting=False)
    assert shop.order(order_id)["status"] == ("void" if made else "initialized")
    assert page.order_edit.text() == order_id
    assert len(dialogs.asked) == 1

    shop.heal()
    if made:
        qtbot.waitUntil(lambda: page.detail.status_badge.text() == "Status: Cancelled (void)", timeout=10000)
        assert not page.cancel_button.isVisible(), "a cancelled order offers no second cancel"
        click(qtbot, page.refresh_button)
        assert page.message.kind == "hint", "the refresh started"
        qtbot.waitUntil(lambda: page.message.kind == "info" and not page.watch.busy, timeout=10000)
        assert page.detail.status_badge.text() == "Status: Cancelled (void)"
        again = "Refresh → Cancelled (void); no second Cancel order offered"
    else:
        assert page.cancel_button.isVisible()
        assert page.cancel_button.isEnabled()
        click(qtbot, page.cancel_button)
        qtbot.waitUntil(
            lambda: page.action_message.text() == f"Order {order_id} is cancelled.", timeout=10000
        )
        again = "Cancel order → cancelled"
    assert shop.order(order_id)["status"] == "void"
    assert len(dialogs.asked) == (1 if made else 2)
    if made:
        outcome = "made once, found"
    elif key == "connect-timeout":
        outcome = "not sent → Cancel"
    elif key in REFUSED:
        outcome = "refused → Cancel"
    else:
        outcome = "looked: not made → Cancel"
    record(
        "cancel",
        fault,
        Cell(outcome, seen=seen, again=again, kept="the order ID", writes="cancelled (void), once"),
    )


# -- list transactions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_list_transactions(qtbot, page: LookupPage, shop: Shop, key: str, record) -> None:
    fault = BY_KEY[key]
    panel = page.transactions
    order_id = new_id("listed")
    shop.create_order(order_id)
    choose(panel.status, "Completed")
    shop.inject(fault, paths="/transactions", method="GET", count=3)
    click(qtbot, panel.show_button)
    qtbot.waitUntil(lambda: not panel.ops.busy() and panel.note.kind == "error", timeout=20000)

    cause = CAUSE[key].replace("Order {order_id}", "The transaction list")
    if key == "connect-timeout":
        cause += " Nothing was sent."
    seen = f"⚠ The transactions could not be listed: {cause}"
    assert panel.note.text() == seen
    assert panel.status.currentText() == "Completed"
    assert panel.show_button.isEnabled()

    shop.heal()
    click(qtbot, panel.show_button)
    qtbot.waitUntil(lambda: not panel.ops.busy() and panel.note.kind == "info", timeout=10000)
    assert panel.model.order_id(0) == order_id, "newest first"
    assert ("status", "completed") in panel.sent_filters
    record("list", fault, Cell("Show again", seen=seen, again="Show → the list", kept="the filters chosen"))
