"""The Order lookup screen: a 3-D Secure paid order, a refund asked for (also on Live), a refunded order."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from msp_desk.ui.lookup.asking import ask
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.main_window import MainWindow
from msp_desk.ui.widgets.order_detail import RELATED_TAB
from shots import _orders
from shots._drive import grab, settle, wait_until


def shoot(window: MainWindow, context: AppContext, out: Path) -> None:
    stamp = time.strftime("%H%M%S")
    paid, refunded = f"WS-{stamp}-1001", f"WS-{stamp}-1004"
    _orders.create(context, paid, _orders.THREE_DS, 4995, "2x Linen shirt, size M", shopper=0)
    _orders.create(context, f"WS-{stamp}-1002", _orders.DECLINED, 1250, "Gift card", shopper=1)
    _orders.create(context, f"WS-{stamp}-1003", _orders.UNCLEARED, 18900, "Desk lamp", shopper=2)
    _orders.create(context, refunded, _orders.PAID_AT_ONCE, 3450, "3x Stoneware mug", shopper=3)

    window.show_area("lookup")
    page = window.area_widget("lookup")
    panel = page.transactions  # type: ignore[attr-defined]
    panel.load()
    page.look_up(paid)  # type: ignore[attr-defined]
    wait_until(lambda: page.detail.values["order_id"].text() == paid and not panel.ops.busy())  # type: ignore[attr-defined]
    grab(window, out / "lookup-detail.png")

    page.look_up(refunded)  # type: ignore[attr-defined]
    wait_until(lambda: page.detail.values["order_id"].text() == refunded and not page.watch.busy)  # type: ignore[attr-defined]
    page.refund.start()  # type: ignore[attr-defined]
    form = page.refund.form  # type: ignore[attr-defined]
    form.part_button.setChecked(True)
    form.amount.setText("11.50")
    form.description.setText("One mug arrived broken")
    grab(form, out / "refund-form.png")

    _answer_after_grabbing(out / "refund-confirmation.png", go_ahead=True)
    form.continue_button.click()  # asks, then refunds once the question is answered
    wait_until(lambda: page.detail.status_badge.text() == "Status: Partial refunded")  # type: ignore[attr-defined]
    page.detail.tabs.setCurrentIndex(RELATED_TAB)  # type: ignore[attr-defined]
    panel.load()
    wait_until(lambda: not panel.ops.busy())
    settle()
    grab(window, out / "lookup-refunded.png")
    grab(panel, out / "transactions.png")

    # The same question for a Live profile (answered No: nothing is sent anywhere).
    live = next(p for p in context.profiles.profiles() if p.environment.value == "live")
    _answer_after_grabbing(out / "refund-confirmation-live.png", go_ahead=False)
    ask(
        page,
        live,
        verb="Refund 11.50 EUR",
        question=f"Refund 11.50 EUR of order {refunded}",
        details="The money goes back to the shopper. A refund cannot be undone.",
        name="refundConfirmation",
        no="Don't refund",
    )


def _answer_after_grabbing(path: Path, *, go_ahead: bool) -> None:
    """Grab the question the app is about to ask, then answer it as a person would."""

    def grab_the_question() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(100, grab_the_question)
            return
        box = boxes[0]
        grab(box, path)
        going = {QMessageBox.ButtonRole.YesRole, QMessageBox.ButtonRole.AcceptRole}
        button = next(b for b in box.buttons() if (box.buttonRole(b) in going) is go_ahead)
        button.click()

    QTimer.singleShot(200, grab_the_question)
