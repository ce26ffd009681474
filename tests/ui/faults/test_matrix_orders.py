"""Fault matrix, New order screen: sending a card order while MultiSafepay misbehaves.

Whatever goes wrong, the screen says what happened to the order, keeps what
was typed (the card too, until MultiSafepay has the order), offers the one
safe next step, and the sandbox ends up with exactly one order per order ID.
"""

from __future__ import annotations

import pytest

from msp_desk.ui.orders.page import OrdersPage
from msp_desk.ui.services.context import AppContext
from tests.ui.conftest import click, replace_text
from tests.ui.faults.matrix import BY_KEY, HOST, KEYS, Cell, Shop
from tests.ui.orders.conftest import NO_3DS_CARD, orders_page, pick

pytestmark = pytest.mark.webengine

OPERATION = "create"
CARD_SHOWN = "4012 0010 3844 3335"
AMOUNT = "12,34"

NOT_CREATED = "⚠ Order {order_id} was not created ({cause}); it is safe to try again with the same order ID."
LOST_ANSWER = (
    "The first answer was lost on the way; the order was looked up and exists once. Nothing was sent twice."
)
SEND_AGAIN = {"Send again", "Next order"}
FIX_AND_SEND = {"Send order", "Next order"}
CREATED = {"Next order"}

# What the person reads under the form, and the buttons the screen offers then.
EXPECTED: dict[str, tuple[str, set[str]]] = {
    "read-timeout": ("Order {order_id}: Completed.", CREATED),
    "connect-timeout": (f"⚠ Cannot reach {HOST} (connecting timed out). Nothing was sent.", SEND_AGAIN),
    "reset": (NOT_CREATED.replace("{cause}", f"{HOST} closed the connection before answering"), SEND_AGAIN),
    "http-500": (
        NOT_CREATED.replace(
            "{cause}",
            f"{HOST} had a server error (HTTP 500): Internal server error (injected by the sandbox)",
        ),
        SEND_AGAIN,
    ),
    "http-502": (
        NOT_CREATED.replace(
            "{cause}", f"{HOST} had a server error (HTTP 502): Bad gateway (injected by the sandbox)"
        ),
        SEND_AGAIN,
    ),
    "http-503": (
        NOT_CREATED.replace(
            "{cause}", f"{HOST} had a server error (HTTP 503): Service unavailable (injected by the sandbox)"
        ),
        SEND_AGAIN,
    ),
    "http-429": (
        NOT_CREATED.replace(
            "{cause}", f"{HOST} is limiting the request rate (HTTP 429); it asks to wait 1 s"
        ),
        SEND_AGAIN,
    ),
    "malformed": (
        NOT_CREATED.replace("{cause}", f"{HOST} answered with something that is not JSON (HTTP 200)"),
        SEND_AGAIN,
    ),
    "html": (
        NOT_CREATED.replace(
            "{cause}", f"{HOST} had a server error (HTTP 502): an HTML error page: 502 Bad Gateway"
        ),
        SEND_AGAIN,
    ),
    "truncated": ("Order {order_id}: Completed.", CREATED),
    "http-401": (
        "⚠ Test refused the API key (error 1032); perhaps a Live key was used against Test.",
        FIX_AND_SEND,
    ),
    "http-404": (
        "⚠ MultiSafepay refused order ID {order_id}: it is already used on this site or is not valid "
        "(error 1006).",
        FIX_AND_SEND,
    ),
    "http-422": (
        "⚠ MultiSafepay rejected the request (error 1000: HTTP 422 (injected by the sandbox)).",
        FIX_AND_SEND,
    ),
}


@pytest.fixture
def page(qtbot, context: AppContext) -> OrdersPage:
    return orders_page(qtbot, context)


def offered(page: OrdersPage) -> set[str]:
    shown = (page.send_button, page.retry_button, page.check_button, page.new_button)
    return {button.accessibleName() for button in shown if button.isVisible() and button.isEnabled()}


def settled(page: OrdersPage) -> bool:
    """The order's request and its follow-ups are over, and the screen says how it ended."""
    return page.flow is not None and not page.flow.busy and page.message.kind in ("error", "info")


def fill(qtbot, page: OrdersPage) -> str:
    pick(page, NO_3DS_CARD)
    replace_text(qtbot, page.form.fields["amount"], AMOUNT)
    return page.form.fields["order_id"].text()


@pytest.mark.parametrize("key", KEYS)
def test_create_order(qtbot, page: OrdersPage, shop: Shop, key: str, record) -> None:
    fault = BY_KEY[key]
    order_id = fill(qtbot, page)
    shop.inject(fault, paths="/orders", method="POST")
    click(qtbot, page.send_button)
    qtbot.waitUntil(lambda: settled(page), timeout=20000)

    message, buttons = EXPECTED[key]
    seen = message.format(order_id=order_id)
    assert page.message.text() == seen
    assert offered(page) == buttons
    created = fault.carried_out
    assert page.result.note.text() == (LOST_ANSWER if created else "")
    assert shop.orders_with_id(order_id) == (1 if created else 0)
    # What was typed stays; the card only until MultiSafepay has the order.
    assert page.form.fields["order_id"].text() == order_id
    assert page.form.fields["amount"].text() == AMOUNT
    assert page.form.fields["card_number"].text() == ("" if created else CARD_SHOWN)

    shop.heal()
    if page.retry_button.isVisible():
        again, button = "Send again", page.retry_button
    elif page.send_button.isVisible():
        again, button = "Send order", page.send_button
    else:
        again, button = "Next order, then Send order", None
    if button is not None:
        click(qtbot, button)
        qtbot.waitUntil(lambda: settled(page), timeout=20000)
        assert page.message.text() == f"Order {order_id}: Completed."
        assert shop.orders_with_id(order_id) == 1
        writes = "1 order"
    else:
        click(qtbot, page.new_button)
        next_id = fill(qtbot, page)
        assert next_id != order_id
        click(qtbot, page.send_button)
        qtbot.waitUntil(lambda: settled(page), timeout=20000)
        assert page.message.text() == f"Order {next_id}: Completed."
        assert (shop.orders_with_id(order_id), shop.orders_with_id(next_id)) == (1, 1)
        writes = "1 order, and 1 for the next order"
    assert offered(page) == CREATED

    note = f" Note: “{LOST_ANSWER}”" if created else ""
    kept = (
        "order ID, amount and card"
        if not created
        else "order ID and amount (the card is cleared: the order exists)"
    )
    outcome = (
        "made once, shown"
        if created
        else ("not made → Send again" if again == "Send again" else "refused → Send")
    )
    record(
        OPERATION,
        fault,
        Cell(outcome=outcome, seen=seen + note, again=f"{again} → Completed", kept=kept, writes=writes),
    )
