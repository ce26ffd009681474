"""The order screen when things go wrong: nothing typed is lost, nothing is sent twice, no dead end."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from msp_desk.api.environments import Environment
from msp_desk.credentials.profiles import Profile
from msp_desk.ui.orders.page import OrdersPage
from msp_desk.ui.services.context import AppContext
from tests.ui.conftest import NO, YES, click, replace_text
from tests.ui.orders.conftest import NO_3DS_CARD, arm_fault, orders_with_id, pick

pytestmark = pytest.mark.webengine


def _buttons(page: OrdersPage) -> set[str]:
    shown = (page.send_button, page.retry_button, page.check_button, page.new_button)
    return {button.accessibleName() for button in shown if button.isVisible() and button.isEnabled()}


def test_a_broken_history_never_holds_the_order_or_the_card(
    qtbot, page: OrdersPage, context: AppContext
) -> None:
    context.history.close()  # every write now fails, as with a corrupt or vanished file
    pick(page, NO_3DS_CARD)
    click(qtbot, page.send_button)
    qtbot.waitUntil(lambda: page.result.status.text() == "Completed", timeout=20000)
    assert page.form.fields["card_number"].text() == ""
    assert page.form.fields["card_cvc"].text() == ""
    assert (
        "The order history could not be updated (Cannot operate on a closed database.)"
        in page.result.note.text()
    )
    assert "the order itself is not affected" in page.result.note.text()
    assert not page.message.text().startswith("Sending")
    assert _buttons(page) == {"Next order"}


def test_send_again_after_a_late_creation_shows_that_order(
    qtbot, page: OrdersPage, context: AppContext
) -> None:
    # The sandbox takes 4.5 s to create the order, longer than the client's 3 s timeout: the
    # lookup right after the timeout finds nothing, so the screen offers to send again.
    arm_fault(context, "latency=4500")
    pick(page, NO_3DS_CARD)
    order_id = page.form.fields["order_id"].text()
    click(qtbot, page.send_button)
    qtbot.waitUntil(lambda: page.retry_button.isVisible(), timeout=20000)
    assert "it is safe to try again with the same order ID" in page.message.text()
    assert _buttons(page) == {"Send again", "Next order"}
    qtbot.wait(2500)  # meanwhile the sandbox created it after all
    click(qtbot, page.retry_button)
    qtbot.waitUntil(lambda: page.result.status.text() == "Completed", timeout=20000)
    assert page.result.values["order_id"].text() == order_id
    assert "exists once" in page.result.note.text()
    assert orders_with_id(context, order_id) == 1
    assert _buttons(page) == {"Next order"}, "no Send and no New ID: the order exists"


def test_a_request_that_never_left_can_be_sent_again(
    qtbot, page: OrdersPage, context: AppContext, memory_keyring
) -> None:
    # A Test profile with no network: the connection never opens, so nothing reached MultiSafepay.
    profile = context.profiles.store.add(Profile(name="Shop test", environment=Environment.TEST), "k" * 40)
    context.profiles.set_active(profile)
    pick(page, NO_3DS_CARD)
    click(qtbot, page.send_button)
    qtbot.waitUntil(lambda: page.message.text().startswith("⚠"), timeout=30000)
    assert "Cannot reach testapi.multisafepay.com" in page.message.text()
    assert "Nothing was sent." in page.message.text()
    assert _buttons(page) == {"Send again", "Next order"}
    assert page.form.fields["card_number"].text() == "4012 0010 3844 3335", "the card is kept to send again"


def test_next_order_is_always_there_and_a_sending_order_finishes_quietly(
    qtbot, page: OrdersPage, context: AppContext, dialogs
) -> None:
    arm_fault(context, "slow-response=2500")
    pick(page, NO_3DS_CARD)
    first = page.form.fields["order_id"].text()
    click(qtbot, page.send_button)
    qtbot.waitUntil(lambda: page.message.text().startswith("Sending"), timeout=5000)
    assert page.new_button.isVisible()
    assert page.new_button.isEnabled()

    dialogs.answers.append(NO)
    click(qtbot, page.new_button)
    assert dialogs.asked == [
        f"Start the next order?: Order {first} is still being sent. "
        "Its outcome will be kept in the order history."
    ]
    assert page.form.fields["order_id"].text() == first, "No keeps the order on screen"

    dialogs.answers.append(YES)
    click(qtbot, page.new_button)
    assert page.form.fields["order_id"].text() != first
    assert page.send_button.isVisible()

    profile_id = context.profiles.active().id
    qtbot.waitUntil(lambda: (context.history.get(profile_id, first) or None) is not None, timeout=20000)
    qtbot.waitUntil(lambda: context.history.get(profile_id, first).status == "completed", timeout=20000)
    assert page.result.status.text() == "No order sent yet", "the old order's answer stays out of the new one"


@pytest.mark.parametrize("typed", ["1e9", "1_000", "+5", "１０", "1e999999", "1,000.00"])
def test_amounts_outside_the_rule_are_named_and_nothing_breaks(qtbot, page: OrdersPage, typed: str) -> None:
    pick(page, NO_3DS_CARD)
    amount = page.form.fields["amount"]
    if typed.isascii():
        replace_text(qtbot, amount, typed)
    else:  # QTest can only type what a US keyboard has; an input method would put it there
        amount.setText(typed)
        amount.textEdited.emit(typed)
    assert page.form.errors["amount"].text().startswith(f"⚠ “{typed}” is not an amount. Type the amount with")
    assert not page.send_button.isEnabled()
    assert "Still to fix" in page.preview.toPlainText()
    replace_text(qtbot, page.form.fields["amount"], "12,50")
    assert page.send_button.isEnabled()
    assert '"amount": 1250' in page.preview.toPlainText()


def test_text_from_people_and_servers_is_shown_as_typed(qtbot, page: OrdersPage, context: AppContext) -> None:
    marked = "<h1>BIG</h1>"
    profile = context.profiles.store.add(
        Profile(name="<b>Bold</b> shop", environment=Environment.SANDBOX), "x" * 40
    )
    context.profiles.set_active(profile)
    context.profiles.set_active(context.profiles.profiles()[0])  # back to the built-in sandbox to send
    pick(page, NO_3DS_CARD)
    replace_text(qtbot, page.form.fields["order_id"], marked)
    click(qtbot, page.send_button)
    qtbot.waitUntil(lambda: page.result.status.text() == "Completed", timeout=20000)
    assert page.result.values["order_id"].text() == marked
    assert page.message.text() == f"Order {marked}: Completed."
    shown = [label for label in page.findChildren(QLabel) if "<" in label.text()]
    assert len(shown) >= 2
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in shown), [
        label.objectName() for label in shown if label.textFormat() != Qt.TextFormat.PlainText
    ]
    time.sleep(0)  # keep the event loop honest for the next test
