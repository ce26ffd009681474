"""Refunds and cancels from the lookup screen: asked first, sent once, the view updated from the answer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from msp_desk.api.environments import Environment
from msp_desk.credentials.access import builtin_sandbox_profile
from msp_desk.credentials.profiles import Profile
from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.lookup.refund_form import RefundForm
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.widgets.colours import alert_text_colour
from tests.ui.conftest import NO, Dialogs, click, replace_text
from tests.ui.lookup.conftest import THREE_DS_CARD, api, create_order, look_up, new_id, sandbox_key, shown


def _open(qtbot, page: LookupPage, context: AppContext, card: str | None = None) -> str:
    order_id = new_id("action")
    if card is None:
        create_order(context, order_id)
    else:
        create_order(context, order_id, card)
    look_up(qtbot, page, order_id)
    # A paid order is asked once; an initialized one goes on being followed.
    qtbot.waitUntil(
        lambda: shown(page, order_id) and (card is not None or not page.watch.busy), timeout=10000
    )
    return order_id


def _form(qtbot, page: LookupPage) -> RefundForm:
    click(qtbot, page.refund_button)
    qtbot.waitUntil(lambda: page.refund.form is not None and page.refund.form.isVisible(), timeout=5000)
    assert page.refund.form is not None
    return page.refund.form


def _refunds(context: AppContext, order_id: str) -> list[dict[str, object]]:
    with api(context) as client:
        data = client.get(f"orders/{order_id}").json()["data"]
    return [t for t in data["related_transactions"] or [] if t["type"] == "refund"]


def test_a_full_refund(qtbot, page: LookupPage, context: AppContext, dialogs: Dialogs) -> None:
    order_id = _open(qtbot, page, context)
    changes: list[str] = []
    context.events.order_changed.connect(lambda change: changes.append(change.what))
    form = _form(qtbot, page)
    assert form.all_button.isChecked()
    assert form.all_button.text() == "&Everything that is left: 25.00 EUR"
    click(qtbot, form.continue_button)

    qtbot.waitUntil(lambda: page.action_message.text().startswith("Refunded"), timeout=10000)
    (question,) = dialogs.asked
    assert question.startswith(
        f"Refund 25.00 EUR?: Refund 25.00 EUR of order {order_id} on the local sandbox's website"
    )
    assert "Sandbox?" in question
    refunds = _refunds(context, order_id)
    assert len(refunds) == 1
    assert (
        page.action_message.text()
        == f"Refunded 25.00 EUR of order {order_id}: refund {refunds[0]['transaction_id']}."
    )
    qtbot.waitUntil(lambda: page.detail.status_badge.text() == "Status: Refunded", timeout=10000)
    assert page.detail.values["left"].text() == "0.00 EUR"
    assert page.detail.related_rows()[0][:3] == ["Refund", "Completed", "25.00 EUR"]
    assert not page.refund_button.isEnabled(), "nothing is left to refund"
    assert "refunded" in changes
    kinds = [e.kind.value for e in context.history.events(builtin_sandbox_profile().id, order_id)]
    assert "refund" in kinds


def test_a_partial_refund_more_than_is_left_is_refused_before_asking(
    qtbot, page: LookupPage, context: AppContext, dialogs: Dialogs
) -> None:
    order_id = _open(qtbot, page, context)
    form = _form(qtbot, page)
    click(qtbot, form.part_button)
    replace_text(qtbot, form.amount, "25.01")
    click(qtbot, form.continue_button)
    assert form.problem.text() == "⚠ That is more than is left to refund: at most 25.00 EUR."
    assert form.isVisible()
    replace_text(qtbot, form.amount, "10.005")
    qtbot.keyClick(form.amount, Qt.Key.Key_Return)
    assert form.problem.text() == "⚠ EUR has 2 decimals at most."
    assert dialogs.asked == []

    replace_text(qtbot, form.amount, "10,50")
    replace_text(qtbot, form.description, "Damaged parcel")
    click(qtbot, form.continue_button)
    qtbot.waitUntil(lambda: page.detail.status_badge.text() == "Status: Partial refunded", timeout=10000)
    assert page.detail.values["left"].text() == "14.50 EUR"
    (refund,) = _refunds(context, order_id)
    assert (refund["amount"], refund["description"]) == (1050, "Damaged parcel")

    # What is left is the new bound.
    form = _form(qtbot, page)
    replace_text(qtbot, form.amount, "14.51")
    click(qtbot, form.continue_button)
    assert form.problem.text() == "⚠ That is more than is left to refund: at most 14.50 EUR."


def test_a_refund_is_never_sent_twice(qtbot, page: LookupPage, context: AppContext, dialogs: Dialogs) -> None:
    order_id = _open(qtbot, page, context)
    form = _form(qtbot, page)
    click(qtbot, form.part_button)
    replace_text(qtbot, form.amount, "5")
    click(qtbot, form.continue_button)  # a nervous double click: the second lands on a closed form
    click(qtbot, form.continue_button)
    assert not form.isVisible()
    assert not page.refund_button.isEnabled(), "no second refund while one is on its way"
    plan = form.plan
    assert plan is not None
    assert page.refund.send(plan) is False, "a second request is refused while the first is under way"
    qtbot.waitUntil(lambda: page.action_message.text().startswith("Refunded"), timeout=10000)
    assert len(dialogs.asked) == 1
    assert len(_refunds(context, order_id)) == 1


def test_a_refund_whose_answer_was_lost_is_looked_for_not_sent_again(
    qtbot, page: LookupPage, context: AppContext, dialogs: Dialogs
) -> None:
    order_id = _open(qtbot, page, context)
    # The sandbox refunds, then keeps the answer back past the 1 s read timeout.
    with api(context) as client:
        client.post(
            "_sandbox/faults",
            json={"fault": "slow-response=2500", "count": 1, "paths": f"/orders/{order_id}/refunds"},
        )
    form = _form(qtbot, page)
    click(qtbot, form.continue_button)
    qtbot.waitUntil(lambda: "went through after all" in page.action_message.text(), timeout=15000)
    (refund,) = _refunds(context, order_id)
    assert page.action_message.text() == (
        f"The refund went through after all: refund {refund['transaction_id']}. Nothing was sent twice."
    )
    qtbot.waitUntil(lambda: page.detail.status_badge.text() == "Status: Refunded", timeout=10000)
    assert len(dialogs.asked) == 1
    refunds = [
        e for e in context.history.events(builtin_sandbox_profile().id, order_id) if e.kind == "refund"
    ]
    assert [(e.method, e.http_status) for e in refunds] == [("POST", None)], "once, and no answer came"
    assert refunds[0].detail.startswith("refund of everything left (EUR): ")
    assert "did not answer in time" in refunds[0].detail


def test_a_refund_that_never_arrived_says_so_and_warns_before_the_next(
    qtbot, page: LookupPage, context: AppContext, dialogs: Dialogs
) -> None:
    order_id = _open(qtbot, page, context)
    with api(context) as client:  # the refund is refused in transit, never carried out
        client.post(
            "_sandbox/faults",
            json={"fault": "status=503", "count": 1, "paths": f"/orders/{order_id}/refunds"},
        )
    click(qtbot, _form(qtbot, page).continue_button)
    qtbot.waitUntil(lambda: "most likely did not go through" in page.action_message.text(), timeout=15000)
    assert _refunds(context, order_id) == []
    assert page.refund_button.isEnabled(), (
        "the order was looked at: refunding again is a choice, not a blind resend"
    )
    dialogs.answers = [NO]
    click(qtbot, _form(qtbot, page).continue_button)
    assert "An earlier refund of 25.00 EUR got no answer and has not shown on the order" in dialogs.asked[-1]


def test_cancelling_an_initialized_order(
    qtbot, page: LookupPage, context: AppContext, dialogs: Dialogs
) -> None:
    paid = _open(qtbot, page, context)
    assert not page.cancel_button.isVisible(), "a paid order cannot be cancelled"
    order_id = _open(qtbot, page, context, THREE_DS_CARD)  # waits for 3-D Secure: initialized
    assert page.detail.status_badge.text() == "Status: Initialized"
    assert page.cancel_button.isVisible()
    assert not page.refund_button.isEnabled()

    dialogs.answers = [NO]
    click(qtbot, page.cancel_button)
    assert page.action_message.text() == "Not cancelled."
    click(qtbot, page.cancel_button)
    qtbot.waitUntil(lambda: page.action_message.text() == f"Order {order_id} is cancelled.", timeout=10000)
    assert dialogs.asked[0].startswith(f"Cancel the order?: Cancel order {order_id} (25.00 EUR) on the local")
    qtbot.waitUntil(lambda: page.detail.status_badge.text() == "Status: Cancelled (void)", timeout=10000)
    assert page.detail.financial_badge.text() == "Financial: Cancelled"
    assert not page.cancel_button.isVisible()
    assert paid != order_id


def test_a_live_refund_is_asked_in_red_with_the_word_live(
    qtbot, page: LookupPage, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Live profile whose requests the sandbox answers through the stand-in: nothing real is touched.
    live = context.profiles.store.add(
        Profile(name="Webshop NL", environment=Environment.LIVE, site_id=10325), sandbox_key(context)
    )
    context.profiles.set_active(live)
    order_id = _open(qtbot, page, context)

    seen: list[tuple[str, str, str, str, bool]] = []

    def answer(box: QMessageBox) -> int:
        red = f"QLabel#qt_msgbox_label {{ color: {alert_text_colour(box.palette()).name()};"
        seen.append(
            (box.objectName(), box.windowTitle(), box.text(), box.informativeText(), red in box.styleSheet())
        )
        cancel = box.button(QMessageBox.StandardButton.Cancel)
        assert box.defaultButton() is cancel, "Enter must never move real money"
        cancel.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    form = _form(qtbot, page)
    click(qtbot, form.part_button)
    replace_text(qtbot, form.amount, "7.50")
    click(qtbot, form.continue_button)
    ((name, title, question, details, red),) = seen
    assert name == "liveConfirmation"
    assert title == "Refund 7.50 EUR in LIVE?"
    assert (
        question == f"Refund 7.50 EUR of order {order_id} on site 10325 (Webshop NL) in the LIVE environment?"
    )
    assert details == "The money goes back to the shopper. A refund cannot be undone."
    assert red, "the question is in red"
    assert page.action_message.text() == "Not refunded."
    assert _refunds(context, order_id) == []
