"""The Order lookup screen: a 3-D Secure paid order, a refund asked for (also on Live), a refunded order,
an order's timeline with a notification that failed and was sent again, and its support bundle."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit

from msp_desk.sandbox.receiver import AnswerMode
from msp_desk.ui.lookup.asking import ask
from msp_desk.ui.lookup.refund_form import RefundPlan
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.main_window import MainWindow
from msp_desk.ui.widgets.order_detail import RELATED_TAB, TIMELINE_TAB
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
    _timeline_and_bundle(window, context, out)


def _timeline_and_bundle(window: MainWindow, context: AppContext, out: Path) -> None:
    """A 3-D Secure order from the order screen whose first notification is answered 500, sent again by
    hand, then partly refunded: its timeline, and the start of its support bundle."""
    server = context.sandbox.ensure_running()
    site = server.sites[0]
    receiver = server.engine.receiver
    store = server.engine.store

    window.show_area("orders")
    orders: Any = window.area_widget("orders")
    orders.next_order()
    orders.form.scenario.setCurrentIndex(1)
    orders.form._apply_scenario(1)
    order_id = orders.form.fields["order_id"].text()
    receiver.set_mode(site.site_id, AnswerMode.SERVER_ERROR)  # the shop's handler is broken for a while
    orders.send()
    wait_until(lambda: orders.browser is not None and orders.tabs.currentIndex() == 1)
    page_loaded: list[bool] = []
    while not any(page_loaded):
        orders.browser.page.runJavaScript(
            "!!document.getElementById('auth-Y')", 0, lambda ok: page_loaded.append(bool(ok))
        )
        settle(0.3)
    orders.browser.page.runJavaScript("document.getElementById('auth-Y').click()", 0)
    wait_until(lambda: orders.result.status.text().startswith("Completed"))
    wait_until(lambda: len(store.notification_attempts(site.site_id, order_id=order_id)) == 1)
    receiver.set_mode(site.site_id, AnswerMode.OK)  # fixed: send it again, as from the dashboard
    server.engine.resend_notification(site, order_id).result(timeout=15)
    orders.next_order()

    window.show_area("lookup")
    page: Any = window.area_widget("lookup")
    page.look_up(order_id)
    wait_until(lambda: page.detail.values["order_id"].text() == order_id and not page.watch.busy)
    page.refund.send(RefundPlan(order_id, "EUR", 350, 350, "One item returned"))
    wait_until(lambda: page.detail.status_badge.text() == "Status: Partial refunded" and not page.watch.busy)
    page.detail.tabs.setCurrentIndex(TIMELINE_TAB)
    wait_until(lambda: sum(1 for row in page.detail.timeline.rows() if "Notification" in row[1]) == 3)
    settle(1.0)
    grab(window, out / "lookup-timeline.png")

    saved = Path(tempfile.mkdtemp(prefix="msp-desk-bundle-")) / "support.md"
    page.bundle.save(saved)
    wait_until(lambda: page.action_message.text().startswith("Saved the support bundle"))
    grab(window, out / "lookup-bundle-saved.png")
    viewer = QPlainTextEdit()
    viewer.setReadOnly(True)
    viewer.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    viewer.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    viewer.setPlainText("\n".join(saved.read_text(encoding="utf-8").splitlines()[:40]))
    viewer.setWindowTitle(f"{saved.name} — the start of the support bundle")
    viewer.resize(1366, 760)
    viewer.show()
    grab(viewer, out / "lookup-bundle.png")
    viewer.close()


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
