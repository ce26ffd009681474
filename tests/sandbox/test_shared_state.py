"""Two processes serving one sandbox state file at once, as the app's sandbox and `msp-desk sandbox` may."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import httpx
import pytest

from msp_desk.sandbox.server import SandboxServer
from tests.sandbox.conftest import direct_order

KEY = "7" * 36 + "0007"
ORDERS_EACH = 150
COMPLETES = "4012001038443335"


def _create(base_url: str, prefix: str) -> list[int]:
    """Orders through one server, with a refund each: two writes that draw transaction ids."""
    ids = []
    with httpx.Client(base_url=base_url, headers={"api_key": KEY}, timeout=30) as client:
        for number in range(ORDERS_EACH):
            order_id = f"{prefix}-{number}"
            created = client.post("orders", json=direct_order(order_id, COMPLETES))
            assert created.status_code == 200, created.text
            refund = client.post(f"orders/{order_id}/refunds", json={"currency": "EUR", "amount": 100})
            assert refund.status_code == 200, refund.text
            ids += [created.json()["data"]["transaction_id"], refund.json()["data"]["refund_id"]]
    return ids


def _other_process(state: str, queue: Any, go: Event, done: Event) -> None:
    try:
        with SandboxServer(state_path=state, api_keys=[KEY]) as server:
            queue.put(("ready", server.base_url, server.sites[0].site_id))
            go.wait(30)
            queue.put(("ids", _create(server.base_url, "other")))
            done.wait(60)
    except BaseException as exc:  # the parent must hear of it rather than wait for nothing
        queue.put(("error", repr(exc)))
        raise


@pytest.mark.timeout(120)
def test_two_processes_share_one_state_file(tmp_path: Path) -> None:
    state = str(tmp_path / "sandbox.sqlite3")
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    go, done = context.Event(), context.Event()
    child = context.Process(target=_other_process, args=(state, queue, go, done))
    child.start()
    try:
        with SandboxServer(state_path=state, api_keys=[KEY]) as mine:
            ready = queue.get(timeout=60)
            assert ready[0] == "ready", ready
            _, their_url, their_site = ready
            assert their_site == mine.sites[0].site_id  # one website for the key, not two
            go.set()
            my_ids = _create(mine.base_url, "mine")  # at the same time as the other process
            message = queue.get(timeout=60)
            assert message[0] == "ids", message
            their_ids = message[1]
            assert len(set(my_ids) | set(their_ids)) == 4 * ORDERS_EACH  # no id drawn twice

            with (
                httpx.Client(base_url=mine.base_url, headers={"api_key": KEY}) as here,
                httpx.Client(base_url=their_url, headers={"api_key": KEY}) as there,
            ):
                # Each sees the other's orders, refunds and list entries.
                order = here.get(f"orders/other-{ORDERS_EACH - 1}").json()["data"]
                assert (order["status"], order["amount_refunded"]) == ("partial_refunded", 100)
                assert there.get("orders/mine-0").json()["data"]["status"] == "partial_refunded"
                listed = here.get("transactions", params={"limit": 1000}).json()["data"]
                assert len(listed) == 4 * ORDERS_EACH
                # A website setting changed through one is what the other uses next.
                there.patch(f"sites/{their_site}", json={"notification_url": "http://127.0.0.1:9/x"})
                site = here.get(f"sites/{their_site}").json()["data"]
                assert site["notification_url"] == "http://127.0.0.1:9/x"
                assert mine.engine.store.site_by_id(their_site).notification_url == "http://127.0.0.1:9/x"  # type: ignore[union-attr]
            done.set()
    finally:
        done.set()
        child.join(30)
        if child.is_alive():
            child.kill()
    assert child.exitcode == 0
