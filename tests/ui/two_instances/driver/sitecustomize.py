"""Drives a real ``python -m msp_desk`` as a person would, for the two-instances test.

Python imports ``sitecustomize`` at start-up from the first folder on the path that
has one; the test puts this folder first on PYTHONPATH, so the app starts exactly as
``python -m msp_desk`` does, with this driver attached to its window. Once the
screens are built it sends orders on the New order screen (a card that needs no
3-D Secure) and looks each one up on the Order lookup screen, then prints one JSON
line with the ids and what went wrong, and quits the app the normal way.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback

ORDERS = int(os.environ.get("MSP_DESK_DRIVER_ORDERS", "0"))


def _install() -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest

    import msp_desk.ui.shell.areas as areas
    from msp_desk.core.test_cards import TEST_CARDS

    no_3ds = next(i for i, card in enumerate(TEST_CARDS, start=1) if card.number == "4012001038443335")
    original = areas.build_main_window

    def wait_until(condition, what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out waiting for {what}")
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.005)

    def drive(window, context) -> None:
        sent: list[str] = []
        looked_up: list[str] = []
        problems: list[str] = []
        crashes: list[str] = []
        span = [0.0, 0.0]  # when this window started writing and when it finished
        context.events.unexpected.connect(lambda name, error: crashes.append(f"{name}: {error!r}"))
        try:
            wait_until(lambda: context.profiles.is_ready, "the profiles")
            window.show_area("orders")
            orders = window.area_widget("orders")
            span[0] = time.time()
            for _ in range(ORDERS):
                orders.form.scenario.setCurrentIndex(no_3ds)
                orders.form.scenario.activated.emit(no_3ds)
                wait_until(
                    lambda: orders.send_button.isEnabled(),
                    f"the Send button ({orders.form.draft().problems()}, {orders.message.text()})",
                )
                order_id = orders.form.fields["order_id"].text()
                QTest.mouseClick(orders.send_button, Qt.MouseButton.LeftButton)
                wait_until(lambda: orders.result.status.text() == "Completed", f"order {order_id} completed")
                sent.append(order_id)
                QTest.mouseClick(orders.new_button, Qt.MouseButton.LeftButton)
            window.show_area("lookup")
            lookup = window.area_widget("lookup")
            for order_id in sent:
                lookup.order_edit.setText(order_id)
                QTest.keyClick(lookup.order_edit, Qt.Key.Key_Return)
                wait_until(
                    lambda order_id=order_id: (
                        lookup.detail.values["order_id"].text() == order_id and not lookup.watch.busy
                    ),
                    f"lookup of {order_id}",
                )
                looked_up.append(order_id)
            span[1] = time.time()
        except Exception:
            problems.append(traceback.format_exc())
        out = {"sent": sent, "looked_up": looked_up, "problems": problems, "crashes": crashes, "span": span}
        print(json.dumps(out), flush=True)
        window.close()
        QCoreApplication.quit()

    def build_and_drive(context):
        window = original(context)
        window.areas_ready.connect(lambda: QTimer.singleShot(0, lambda: drive(window, context)))
        return window

    areas.build_main_window = build_and_drive


if ORDERS:
    try:
        _install()
    except Exception:  # pragma: no cover - shown by the test as a missing JSON line
        traceback.print_exc()
        sys.exit(3)
