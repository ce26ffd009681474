"""The order screen end to end: the real sandbox over loopback HTTP and a real QtWebEngine page."""

from __future__ import annotations

import logging
import sqlite3

import httpx
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from msp_desk.ui.orders.page import OrdersPage
from msp_desk.ui.services.context import AppContext
from tests.ui.conftest import replace_text
from tests.ui.orders.conftest import orders_with_id, pick, sandbox_key

pytestmark = pytest.mark.webengine


def _challenge_user_agent(qtbot, page: OrdersPage) -> str:
    assert page.browser is not None
    seen: list[str] = []
    page.browser.page.runJavaScript("navigator.userAgent", 0, lambda ua: seen.append(str(ua)) or None)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    return seen[0]


def _answer_challenge(qtbot, page: OrdersPage, button_id: str, check=None) -> None:
    qtbot.waitUntil(lambda: page.browser is not None and page.tabs.currentIndex() == 1, timeout=20000)
    browser = page.browser
    assert browser is not None
    found: list[bool] = []

    def probe() -> bool:
        browser.page.runJavaScript(
            f"!!document.getElementById('{button_id}')", 0, lambda ok: found.append(bool(ok)) or None
        )
        return any(found)

    qtbot.waitUntil(probe, timeout=20000)
    if check is not None:
        check()
    browser.page.runJavaScript(f"document.getElementById('{button_id}').click()", 0)


def test_3ds_success_ends_completed_and_forgets_the_card(
    qtbot, page: OrdersPage, context: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    pick(page, "4111111111111111")
    assert page.form.expected.text() == "Expected: Completed after 3-D Secure"
    order_id = page.form.fields["order_id"].text()
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)

    sent_agent = page.form.fields["browser_user_agent"].text()
    agents: list[str] = []
    _answer_challenge(qtbot, page, "auth-Y", check=lambda: agents.append(_challenge_user_agent(qtbot, page)))
    qtbot.waitUntil(lambda: page.result.status.text() == "Completed", timeout=30000)

    assert agents == [sent_agent], "3-D Secure was told about the browser that ran the challenge"
    assert page.result.values["threeds"].text().startswith("authenticated (Y)")
    assert page.result.values["card"].text() == "VISA ••••1111"
    assert page.form.fields["card_number"].text() == ""
    assert page.form.fields["card_cvc"].text() == ""
    assert page.browser is None, "the challenge browser is thrown away after use"
    hops = [page.result.trace.item(i).text() for i in range(page.result.trace.count())]
    assert any("/3ds2/sim/acs" in hop for hop in hops)
    assert "intercepted, not loaded" in hops[-1]

    entry = context.history.get(context.profiles.active().id, order_id)
    assert entry is not None
    assert entry.status == "completed"
    assert entry.card_last4 == "1111"
    assert any(hop["path"] == "/3ds2/sim/acs" for hop in entry.trace)
    raw = sqlite3.connect(context.history.path).execute("SELECT * FROM orders").fetchall()
    assert "4111111111111111" not in repr(raw)
    assert caplog.records, "the flow logs what it does"
    assert "4111111111111111" not in caplog.text
    assert "4111 1111 1111 1111" not in caplog.text


def test_3ds_failure_card_is_declined(qtbot, page: OrdersPage) -> None:
    pick(page, "4012001037461114")
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    _answer_challenge(qtbot, page, "auth-Y")
    qtbot.waitUntil(lambda: page.result.status.text() == "Declined", timeout=30000)
    assert "3D" in page.result.values["reason"].text() or "3DS" in page.result.values["reason"].text()


def test_not_enrolled_card_completes_without_a_web_view(qtbot, page: OrdersPage) -> None:
    pick(page, "4012001038443335")
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.status.text() == "Completed", timeout=20000)
    assert page.browser is None
    assert page.tabs.currentIndex() == 2
    assert page.result.values["threeds"].text() == "not performed"
    # The browser details were still sent, from the browser that would have run a challenge.
    assert "QtWebEngine/" in page.form.fields["browser_user_agent"].text()


def test_cancel_in_the_challenge_shows_the_order_cancelled(qtbot, page: OrdersPage) -> None:
    pick(page, "4111111111111111")
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    _answer_challenge(qtbot, page, "auth-cancel")
    qtbot.waitUntil(
        lambda: page.result.status.text() in {"Cancelled (void)", "Void", "Cancelled"}, timeout=30000
    )
    hops = [page.result.trace.item(i).text() for i in range(page.result.trace.count())]
    assert "cancelled by the shopper" in hops[-1]


def test_lost_answer_on_submit_leaves_exactly_one_order(qtbot, page: OrdersPage, context: AppContext) -> None:
    key = sandbox_key(context)
    with httpx.Client() as http:
        armed = http.post(
            context.sandbox.base_url + "_sandbox/faults",
            headers={"api_key": key},
            json={"fault": "slow-response=5000", "count": 1, "paths": "/orders"},
        )
    assert armed.status_code < 300, armed.text
    pick(page, "4012001038443335")
    order_id = page.form.fields["order_id"].text()
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)  # an impatient second click
    assert page.flow is not None
    assert page.flow.submit() is False

    qtbot.waitUntil(lambda: page.result.status.text() == "Completed", timeout=30000)
    assert "looked up and exists once" in page.result.note.text()
    assert orders_with_id(context, order_id) == 1
    assert not page.send_button.isVisible()


def test_rejected_order_keeps_the_form_for_fixing(qtbot, page: OrdersPage, context: AppContext) -> None:
    pick(page, "4012001038443335")
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.status.text() == "Completed", timeout=20000)
    used_id = page.result.values["order_id"].text()

    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    pick(page, "4012001038443335")
    page.form.fields["order_id"].setText(used_id)  # the same id again: MultiSafepay refuses it
    page.form.fields["order_id"].textEdited.emit(used_id)
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text().startswith("⚠"), timeout=20000)
    assert "already used" in page.message.text()
    assert "3335" not in page.message.text()
    assert page.form.fields["card_number"].text() == "4012 0010 3844 3335", "nothing typed is lost"
    assert page.send_button.isVisible()
    assert page.send_button.isEnabled()


def test_bad_input_is_named_and_send_stays_disabled(qtbot, page: OrdersPage) -> None:
    qtbot.keyClicks(page.form.fields["card_number"], "4111111111111112")
    assert page.form.fields["card_number"].text() == "4111 1111 1111 1112"
    assert page.form.brand.text() == "Visa · check digit wrong"
    qtbot.keyClicks(page.form.fields["card_expiry"], "13/30")
    page.form.fields["amount"].clear()
    qtbot.keyClicks(page.form.fields["amount"], "10.001")
    assert not page.send_button.isEnabled()
    assert "Luhn" in page.form.errors["card_number"].text()
    assert page.form.errors["card_expiry"].text() == "⚠ The expiry month must be 01 to 12."
    assert page.form.errors["amount"].text() == "⚠ EUR has 2 decimals at most."
    assert "Still to fix" in page.preview.toPlainText()


def test_preview_and_curl_hide_the_card(qtbot, page: OrdersPage) -> None:
    pick(page, "4111111111111111")
    text = page.preview.toPlainText()
    assert '"card_number": "••••1111"' in text
    assert "card_cvc" not in text
    assert '"amount": 1000' in text
    qtbot.mouseClick(page.copy_curl, Qt.MouseButton.LeftButton)
    command = QApplication.clipboard().text()
    assert command.startswith("curl -X POST " + page._context.sandbox.base_url + "orders")
    assert "$MSP_API_KEY" in command
    assert "4111111111111111" not in command
    assert sandbox_key(page._context) not in command


def test_live_profile_asks_before_charging(qtbot, page: OrdersPage, context: AppContext) -> None:
    from msp_desk.api.environments import Environment
    from msp_desk.credentials.profiles import Profile

    live = context.profiles.store.add(
        Profile(name="Shop NL", environment=Environment.LIVE, site_id=12345), "k" * 40
    )
    context.profiles.set_active(live)
    assert not page.form.scenario.isVisible(), "test cards are not offered on Live"
    qtbot.keyClicks(page.form.fields["card_number"], "4111111111111111")
    qtbot.keyClicks(page.form.fields["card_holder"], "A Shopper")
    qtbot.keyClicks(page.form.fields["card_expiry"], "12/30")
    qtbot.keyClicks(page.form.fields["card_cvc"], "123")
    seen: list[str] = []

    def decline() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.reject()

    QTimer.singleShot(200, decline)
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    assert seen == ["Charge 10.00 EUR on site 12345 (Shop NL) in the LIVE environment?"]
    assert page.message.text() == "Not sent."
    assert page.flow is None, "nothing was sent"
    assert page.form.fields["card_number"].text() == "4111 1111 1111 1111"


def test_tab_follows_the_form_down_to_send(qtbot, page: OrdersPage) -> None:
    pick(page, "4111111111111111")  # a complete order, so Send is enabled and in the chain
    chain = page.form.tab_chain()
    chain[0].setFocus()
    qtbot.waitUntil(chain[0].hasFocus)
    visited = [chain[0]]
    for _ in range(len(chain)):
        page.focusNextChild()
        visited.append(QApplication.focusWidget())
    assert visited[: len(chain)] == chain
    assert visited[len(chain)] is page.send_button


def test_payment_url_can_run_the_challenge_instead_of_the_form(qtbot, page: OrdersPage) -> None:
    page.challenge.use_payment_url.setChecked(True)
    pick(page, "4111111111111111")
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    _answer_challenge(qtbot, page, "auth-Y")
    qtbot.waitUntil(lambda: page.result.status.text() == "Completed", timeout=30000)
    hops = [page.result.trace.item(i).text() for i in range(page.result.trace.count())]
    assert hops[0].startswith("GET "), hops
    assert "/customer-verification" in hops[0], hops


def test_problem_text_stays_readable_on_a_dark_palette(qtbot, page: OrdersPage) -> None:
    from PySide6.QtGui import QColor, QPalette

    qtbot.keyClicks(page.form.fields["card_number"], "4111111111111112")
    assert page.form.errors["card_number"].text().startswith("⚠")
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e8eaed"))
    problem = page.form.errors["card_number"]
    page.setPalette(dark)
    assert problem.palette().color(QPalette.ColorRole.WindowText).name() == "#ef9a9a"
    assert problem.palette().color(QPalette.ColorRole.Window).name() == "#202124"  # the rest follows
    page.setPalette(QPalette(QColor("#f0f0f0")))
    assert problem.palette().color(QPalette.ColorRole.WindowText).name() == "#c62828"


def test_the_form_follows_the_profiles_default_webhook_but_keeps_what_was_typed(
    qtbot, page: OrdersPage, context: AppContext
) -> None:
    from msp_desk.api.environments import Environment
    from msp_desk.credentials.profiles import Profile

    url_field = page.form.fields["notification_url"]
    profile = context.profiles.store.add(
        Profile(name="Shop", environment=Environment.SANDBOX, notification_url="http://127.0.0.1:9/old"),
        "x" * 40,
    )
    context.profiles.set_active(profile)
    assert url_field.text() == "http://127.0.0.1:9/old"

    # The default changes elsewhere (the webhooks screen): the untouched field follows.
    changed = context.profiles.store.update(
        profile.model_copy(
            update={"notification_url": "http://127.0.0.1:9/new", "notification_method": "GET"}
        )
    )
    context.profiles.notify_changed()
    assert url_field.text() == "http://127.0.0.1:9/new"
    assert page.form.notification_method.currentText() == "GET"

    # A URL typed for this order stays when the default changes again.
    replace_text(qtbot, url_field, "http://127.0.0.1:9/typed")
    context.profiles.store.update(changed.model_copy(update={"notification_url": "http://127.0.0.1:9/newer"}))
    context.profiles.notify_changed()
    assert url_field.text() == "http://127.0.0.1:9/typed"


def test_sandbox_orders_notify_the_sandboxs_own_receiver(
    qtbot, page: OrdersPage, context: AppContext
) -> None:
    receiver_url = context.sandbox.default_notification_url()
    assert receiver_url is not None
    assert receiver_url.startswith("http://127.0.0.1:")
    assert page.form.fields["notification_url"].text() == receiver_url
    pick(page, "4012001038443335")
    order_id = page.form.fields["order_id"].text()
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.status.text() == "Completed", timeout=20000)
    receiver = context.sandbox.ensure_running().engine.receiver
    qtbot.waitUntil(
        lambda: any(entry.transaction_id == order_id for entry in receiver.since(0)), timeout=20000
    )
    entry = next(entry for entry in receiver.since(0) if entry.transaction_id == order_id)
    assert entry.signature == "valid"
