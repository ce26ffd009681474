"""A support engineer's working day on the whole window, in a process of its own.

Every screen in turn, the way a day goes: orders typed and sent (a handful
with 3-D Secure in the embedded browser), looked up and partly refunded, the
history searched as you type, a spreadsheet of 1,000 ids looked up at once,
the inbox opened, notification signatures checked and the endpoint doctor run.
One *round* is about half an hour of that. The first two warm the process up
(QtWebEngine loaded, every screen built, the sandbox's notification lanes
started), then sixteen measured rounds follow.

At the start (after warm-up) and the end it takes the same snapshot, after the
same kind of round and the same pause: resident memory, open descriptors,
threads, and a census of what is alive (widgets, threads and descriptors by
kind, msp-desk's own objects by class) to name whatever grew. Prints it all as
one JSON line; test_working_day.py judges it. An abort shows there as this
process's exit status.
"""

from __future__ import annotations

import concurrent.futures
import gc
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["MSP_DESK_HOME"] = tempfile.mkdtemp(prefix="msp-desk-day-")
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import httpx
import keyring
from PySide6.QtWidgets import QApplication

from msp_desk.api.follow import Backoff
from msp_desk.ui.app import create_application
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.areas import build_main_window
from msp_desk.webhooks.sample import sample_body, sample_order_id
from msp_desk.webhooks.signature import sign
from tests.helpers.memory_keyring import InMemoryKeyring
from tests.ui.day.desk import (
    PAID_AT_ONCE,
    THREE_DS_CARD,
    Desk,
    open_descriptors,
    resident_mib,
    settle,
    threads,
    wait_until,
)

WARM_UP_ROUNDS = 2
ROUNDS = int(os.environ.get("MSP_DESK_DAY_ROUNDS", "16"))  # measured half hours after the warm-up
THREE_DS_ROUNDS = {0, 1, 6, 12, 17}  # a handful of orders pass 3-D Secure in the embedded browser
BULK_ROUNDS = {1, 9, 17}  # a spreadsheet of 1,000 ids in the morning, at noon and at the end
DOCTOR_ROUNDS = {0, 1, 9, 17}
BULK_IDS = 1000
MORNING_ORDERS = 40  # paid with notifications before the day starts: every notification lane in use
TYPING_PER_ROUND = 3000
QUIET_S = 6.0  # longer than the sandbox's keep-alive (5 s): idle connections are closed by then


# -- measuring ------------------------------------------------------------------------------


def peak_reset() -> bool:
    """Start the kernel's high-water mark of resident memory again (clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def figures() -> dict[str, Any]:
    return {"rss_mib": round(resident_mib(), 1), "fds": open_descriptors(), "threads": threads()}


def census() -> dict[str, dict[str, int]]:
    """What is alive, by kind, to name what grew when a figure did."""
    gc.collect()
    tasks = Path("/proc/self/task")
    python_threads = {t.native_id: t.name.rstrip("0123456789_-") for t in threading.enumerate()}
    native = Counter(
        python_threads.get(int(task.name)) or (task / "comm").read_text().strip() for task in tasks.iterdir()
    )
    ours = Counter(
        type(o).__qualname__
        for o in gc.get_objects()
        if str(getattr(type(o), "__module__", "")).startswith("msp_desk.")
    )
    return {
        "threads": dict(native),
        "descriptors": dict(Counter(_target(fd) for fd in Path("/proc/self/fd").iterdir())),
        "widgets": dict(Counter(type(w).__name__ for w in QApplication.allWidgets())),
        "objects": dict(ours),
    }


def _target(fd: Path) -> str:
    try:
        target = os.readlink(fd)
    except OSError:
        return "gone"
    return target.split(":")[0] if ":" in target else str(Path(target).parent)


def snapshot(desk: Desk, order_id: str) -> tuple[dict[str, Any], dict[str, dict[str, int]]]:
    """After a pause (idle keep-alive connections closed) and one refresh of an order (the client's
    pool drops what the server closed): the same state at the start and at the end of the day."""
    settle(QUIET_S)
    desk.look_up(order_id)
    settle(1.0)
    return figures(), census()


# -- the day ------------------------------------------------------------------------------------


def seed_orders(context: AppContext) -> list[str]:
    """What the shop did before the day started, straight through the sandbox's API: a spreadsheet's
    worth of orders to look up in bulk, and some paid ones whose notifications reach the inbox."""
    server = context.sandbox.ensure_running()
    year = (time.gmtime().tm_year + 2) % 100
    ids = [f"day-bulk-{n:04d}" for n in range(BULK_IDS)]
    paid = {
        "type": "direct",
        "gateway": "CREDITCARD",
        "payment_options": {"notification_url": server.receiver_url()},
        "customer": {"locale": "nl_NL", "email": "shopper@example.com", "ip_address": "127.0.0.1"},
        "gateway_info": {
            "card_number": PAID_AT_ONCE,
            "card_holder_name": "Early Bird",
            "card_expiry_date": f"{year:02d}12",
            "card_cvc": "123",
            "flexible_3d": False,
        },
    }
    headers = {"api_key": server.sites[0].api_key}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=15) as api:

        def make(number: int) -> None:
            body: dict[str, Any] = {"currency": "EUR", "amount": 1230, "description": "Spreadsheet"}
            if number < MORNING_ORDERS:
                body.update(paid, order_id=f"day-morning-{number:02d}")
            else:
                body["order_id"] = ids[number - MORNING_ORDERS]
            api.post("orders", json=body).raise_for_status()

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(make, range(MORNING_ORDERS + BULK_IDS)))
    return ids


def signed_sample(context: AppContext) -> tuple[str, str]:
    """A notification body and its Auth header, as a merchant pastes them from their server's log."""
    stamp = int(time.time())
    body = sample_body(sample_order_id(stamp), stamp)
    return body.decode(), sign(context.sandbox.ensure_running().sites[0].api_key, stamp, body)


def work_half_an_hour(desk: Desk, number: int, bulk_ids: list[str], made: list[str]) -> None:
    card = THREE_DS_CARD if number in THREE_DS_ROUNDS else PAID_AT_ONCE
    made.append(desk.order(card, holder=f"Shopper {number}"))
    desk.type_in_order_form(TYPING_PER_ROUND // 3)
    made.append(desk.order(PAID_AT_ONCE, holder=f"Caller {number}", amount="30.00"))
    for order_id in (made[-1], made[-2], made[len(made) // 2]):
        desk.look_up(order_id)
    desk.refund(made[-1], "1.00")
    desk.type_in_order_form(TYPING_PER_ROUND // 3)
    for prefix in ("ORD", "ord-", made[-2][:8], made[-2]):
        desk.search_history(prefix)
    if number in BULK_ROUNDS:
        desk.bulk(bulk_ids)
    desk.inbox(made[-1])
    desk.check_signature(*signed_sample(desk.context))
    if number in DOCTOR_ROUNDS:
        desk.doctor(desk.context.sandbox.ensure_running().receiver_url())
    desk.go("profiles")
    desk.type_in_order_form(TYPING_PER_ROUND // 3)


def main() -> int:
    app = create_application([sys.argv[0], "--webEngineArgs", "--disable-gpu"])
    # The keyring is not what this day measures: an in-memory one keeps D-Bus out of the figures.
    keyring.set_keyring(InMemoryKeyring())
    context = AppContext()
    window = build_main_window(context)
    window.resize(1300, 860)
    window.show()
    window.activateWindow()
    wait_until(lambda: context.profiles.is_ready and context.sandbox.running, "profiles and sandbox")
    desk = Desk(window, context)
    desk.go("orders").backoff = Backoff(first=0.1)
    desk.go("lookup").watch.backoff = Backoff(first=0.2, factor=1.5, longest=1.0, limit=10.0)
    bulk_ids = seed_orders(context)
    made: list[str] = []

    began = time.monotonic()
    for number in range(WARM_UP_ROUNDS):
        work_half_an_hour(desk, number, bulk_ids, made)
    start, start_census = snapshot(desk, made[0])
    warm_kinds, warm_work = Counter(desk.kinds), Counter(desk.work)
    warm_s, measuring = time.monotonic() - began, time.monotonic()
    tracked = peak_reset()
    rounds = [start]
    for number in range(WARM_UP_ROUNDS, WARM_UP_ROUNDS + ROUNDS):
        work_half_an_hour(desk, number, bulk_ids, made)
        rounds.append(figures())
    measured_s = time.monotonic() - measuring
    end, end_census = snapshot(desk, made[0])
    peak = max(r["rss_mib"] for r in [*rounds, end])
    result = {
        "actions": desk.actions,
        "kinds": dict(desk.kinds),
        "work": dict(desk.work),
        "measured_kinds": dict(desk.kinds - warm_kinds),
        "measured_work": dict(desk.work - warm_work),
        "rounds": ROUNDS,
        "warm_up_s": round(warm_s, 1),
        "measured_s": round(measured_s, 1),
        "seconds": round(time.monotonic() - began, 1),
        "start": start,
        "end": end,
        "peak_mib": round(max(peak, peak_mib()) if tracked else peak, 1),
        "after_each_round": rounds,
        "start_census": start_census,
        "end_census": end_census,
        "questions": len(desk.answers.asked),
    }
    print(json.dumps(result), flush=True)
    window.close()
    context.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
