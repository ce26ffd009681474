"""The notification inbox: a notification acknowledged, one answered with HTTP 500, and their detail."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from msp_desk.sandbox.inbox import MODES
from msp_desk.sandbox.receiver import AnswerMode
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.main_window import MainWindow
from shots._drive import grab, wait_until

NOWHERE = "http://127.0.0.1:9/multisafepay/notify"  # nothing listens: the shop's server is down


def _order(base_url: str, key: str, order_id: str, amount: int, notification_url: str) -> None:
    expiry = f"{(time.gmtime().tm_year + 3) % 100:02d}12"
    body: dict[str, Any] = {
        "type": "direct",
        "order_id": order_id,
        "currency": "EUR",
        "amount": amount,
        "gateway": "VISA",
        "description": f"Webshop NL order {order_id}",
        "payment_options": {
            "notification_url": notification_url,
            "redirect_url": "https://webshop.example/thanks",
            "cancel_url": "https://webshop.example/cart",
        },
        "customer": {"locale": "nl_NL", "country": "NL", "email": "shopper@example.com"},
        "gateway_info": {
            "card_number": "4012001038443335",
            "card_holder_name": "J. de Vries",
            "card_expiry_date": expiry,
            "card_cvc": "123",
            "flexible_3d": False,
        },
    }
    answer = httpx.post(base_url + "orders", json=body, headers={"api_key": key}, timeout=10)
    answer.raise_for_status()


def shoot(window: MainWindow, context: AppContext, out: Path) -> None:
    window.show_area("inbox")
    inbox: Any = window.area_widget("inbox")
    wait_until(lambda: inbox.feed.source is not None)
    server = context.sandbox.ensure_running()
    base, key, receiver = server.base_url, server.sites[0].api_key, server.receiver_url()

    _order(base, key, "WEB-10421", 2495, receiver)
    wait_until(lambda: inbox.received_model.rowCount() == 1)
    inbox.receiver.mode.setCurrentIndex(inbox.receiver.mode.findText(MODES[AnswerMode.SERVER_ERROR][0]))
    wait_until(lambda: server.engine.receiver.mode(server.sites[0].site_id) is AnswerMode.SERVER_ERROR)
    _order(base, key, "WEB-10422", 5900, receiver)
    _order(base, key, "WEB-10423", 1250, NOWHERE)
    wait_until(lambda: inbox.received_model.rowCount() == 2 and inbox.attempts_model.rowCount() == 3)

    inbox.select_row(0, 1)  # the good one: acknowledged, its signature explained
    wait_until(lambda: "WEB-10421" in inbox.detail.summary.text())
    inbox.detail.tabs.setCurrentIndex(0)
    grab(window, out / "inbox.png")

    inbox.select_row(0, 0)  # answered 500: the request as it arrived
    wait_until(lambda: "WEB-10422" in inbox.detail.summary.text())
    inbox.detail.tabs.setCurrentIndex(1)
    grab(window, out / "inbox-request.png")

    inbox.select_row(1, 1)  # the sender's side of that 500: retrying, and when
    wait_until(lambda: "WEB-10422" in inbox.detail.summary.text() and "Sent" in inbox.detail.summary.text())
    inbox.detail.tabs.setCurrentIndex(4)
    grab(window, out / "inbox-attempts.png")
    inbox.receiver.mode.setCurrentIndex(inbox.receiver.mode.findText(MODES[AnswerMode.OK][0]))
    wait_until(lambda: "OK" in window.statusBar().currentMessage())
    window.statusBar().clearMessage()  # the next screens' shots show their own status
