"""A thousand notifications at once: every one is listed, and the window keeps answering meanwhile."""

from __future__ import annotations

import json
import threading
import time

import httpx
from PySide6.QtCore import QTimer

from msp_desk.sandbox.server import SandboxServer
from msp_desk.ui.inbox.page import InboxPage
from msp_desk.webhooks.signature import sign
from tests.ui.inbox.conftest import shown

BURST = 1000


def _send_burst(server: SandboxServer, errors: list[BaseException]) -> None:
    """Signed notifications as fast as one keep-alive connection over loopback allows."""
    key, url = server.sites[0].api_key, server.receiver_url()
    try:
        with httpx.Client(timeout=10) as http:
            for n in range(BURST):
                body = json.dumps({"order_id": f"burst-{n:04d}", "status": "completed"}).encode()
                now = int(time.time())
                http.post(
                    f"{url}?transactionid=burst-{n:04d}&timestamp={now}",
                    content=body,
                    headers={"Auth": sign(key, now, body), "Content-Type": "application/json"},
                ).raise_for_status()
    except BaseException as error:  # reported by the test, not lost on the thread
        errors.append(error)


def test_a_burst_of_a_thousand_is_listed_completely_while_the_heartbeat_ticks(
    qtbot, page: InboxPage, server: SandboxServer
) -> None:
    ticks_while_sending: list[int] = []
    ticks = [0]
    heartbeat = QTimer(page)
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    heartbeat.start()
    errors: list[BaseException] = []
    sender = threading.Thread(target=_send_burst, args=(server, errors), name="burst-sender")

    sender.start()
    qtbot.waitUntil(lambda: not sender.is_alive(), timeout=120_000)
    ticks_while_sending.append(ticks[0])
    qtbot.waitUntil(lambda: page.received_model.rowCount() == BURST, timeout=30_000)
    heartbeat.stop()

    assert errors == []
    assert ticks_while_sending[0] > 0, "the event loop kept running while the burst arrived"
    orders = shown(page.received_rows, "Order ID")
    assert orders == [f"burst-{n:04d}" for n in reversed(range(BURST))], (
        "all of them, newest first, none twice"
    )
    assert set(shown(page.received_rows, "Signature")) == {"✓ valid"}
    assert page.counts.text().startswith("1,000 received · ")
    qtbot.wait(300)
    assert page.received_model.rowCount() == BURST, "nothing listed twice once the burst is over"
