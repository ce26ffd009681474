"""A working stretch on the order screen in a process of its own: 2,000 keystrokes and three orders.

Prints one JSON line: keystrokes typed, orders completed, and the resident
memory after warm-up (the first order, which loads QtWebEngine) and at the end.
Run by test_soak.py; an abort shows there as this process's exit status.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["MSP_DESK_HOME"] = tempfile.mkdtemp(prefix="msp-desk-soak-")

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtTest import QTest

from msp_desk.api.follow import Backoff
from msp_desk.core.test_cards import TEST_CARDS
from msp_desk.credentials.access import open_store
from msp_desk.ui.app import create_application
from msp_desk.ui.orders.page import OrdersPage
from msp_desk.ui.services.context import AppContext

KEYSTROKES = 2000
ORDERS = 3
THREE_DS_CARD = "4111111111111111"


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the order screen did not get there")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def type_into(page: OrdersPage, budget: int) -> int:
    """Types and corrects text in the customer and order fields, as a person filling forms does."""
    typed = 0
    fields = ["description", "email", "card_holder", "amount", "browser_language"]
    words = {
        "description": "Support test order ",
        "email": "shopper@example.com",
        "card_holder": "A Shopper",
        "amount": "12.50",
        "browser_language": "nl-NL",
    }
    while typed < budget:
        for name in fields:
            edit = page.form.fields[name]
            edit.setFocus()
            QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClick(edit, Qt.Key.Key_Backspace)
            typed += 2
            for char in words[name]:
                if typed >= budget:
                    return typed
                QTest.keyClicks(edit, char)
                typed += 1
    return typed


def pay(page: OrdersPage) -> None:
    index = next(i for i, card in enumerate(TEST_CARDS, start=1) if card.number == THREE_DS_CARD)
    page.form.scenario.setCurrentIndex(index)
    page.form.scenario.activated.emit(index)
    QTest.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: page.challenge.browser is not None and page.tabs.currentIndex() == 1)
    browser = page.challenge.browser
    found: list[bool] = []

    def ready() -> bool:
        browser.page.runJavaScript(
            "!!document.getElementById('auth-Y')", 0, lambda ok: found.append(bool(ok))
        )
        return any(found)

    wait_until(ready)
    browser.page.runJavaScript("document.getElementById('auth-Y').click()", 0)
    wait_until(lambda: page.result.status.text() == "Completed")


def main() -> int:
    app = create_application([sys.argv[0], "--webEngineArgs", "--disable-gpu"])
    context = AppContext()
    context.profiles.adopt(*open_store())
    context.sandbox.ensure_running()
    page = OrdersPage(context)
    page.backoff = Backoff(first=0.1)
    page.resize(1300, 850)
    page.show()
    per_order = KEYSTROKES // ORDERS
    typed, completed, warm = 0, 0, 0.0
    for number in range(ORDERS):
        budget = per_order if number < ORDERS - 1 else KEYSTROKES - typed
        typed += type_into(page, budget)
        pay(page)
        completed += 1
        if number == 0:
            warm = rss_mib()
        QTest.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: page.send_button.isVisible())
    print(
        json.dumps({"keystrokes": typed, "orders": completed, "warm_mib": warm, "end_mib": rss_mib()}),
        flush=True,
    )
    page.close()
    context.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
