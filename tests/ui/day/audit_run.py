"""One end-to-end run over every screen of a real ``python -m msp_desk --debug``, for the secrets audit.

``audit_driver/sitecustomize.py`` attaches this to the app as it starts, so the
app runs exactly as a person starts it (its own logging at debug level, to the
log file and stderr, and its own crash handling). Once the screens are built it
works as a support engineer would, by keyboard and mouse: two profiles saved
with their keys in the Secret Service, orders with and without 3-D Secure (in
the embedded browser), lookups, a refund, a support bundle, the history, a bulk
run exported to CSV and .xlsx, the inbox, the signature checker, the endpoint
doctor, and an unexpected error whose report is saved. Then it prints one JSON
line (counts and problems, never a secret) and quits the normal way.

The secrets come from the test in ``MSP_DESK_AUDIT`` (JSON), as a person types
them: the keys into the profile form, the card numbers and CVCs into the order
form.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from pathlib import Path
from typing import Any

ENV = "MSP_DESK_AUDIT"


def install() -> None:
    from PySide6.QtCore import QTimer

    import msp_desk.ui.shell.areas as areas

    original = areas.build_main_window

    def build_and_drive(context: Any) -> Any:
        window = original(context)
        window.areas_ready.connect(lambda: QTimer.singleShot(0, lambda: drive(window, context)))
        return window

    areas.build_main_window = build_and_drive


def drive(window: Any, context: Any) -> None:
    from PySide6.QtCore import QCoreApplication

    from tests.ui.day.desk import Desk, wait_until

    plan = json.loads(os.environ[ENV])
    out = Path(plan["out"])
    desk = Desk(window, context)
    problems: list[str] = []
    crashes: list[str] = []
    context.events.unexpected.connect(lambda name, _error: crashes.append(name))
    try:
        wait_until(lambda: context.profiles.is_ready, "the profiles")
        work(desk, plan, out)
    except Exception:
        problems.append(traceback.format_exc())
    import keyring

    keyring_backend = type(keyring.get_keyring()).__module__
    out_line = {"work": dict(desk.work), "problems": problems, "crashes": crashes, "keyring": keyring_backend}
    print(json.dumps(out_line), flush=True)
    window.close()
    QCoreApplication.quit()


def work(desk: Any, plan: dict[str, Any], out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from msp_desk.ui.shell.crash_dialog import CrashDialog
    from msp_desk.webhooks.sample import sample_body, sample_order_id
    from msp_desk.webhooks.signature import sign
    from tests.ui.day.desk import PAID_AT_ONCE, THREE_DS_CARD, wait_until

    context, window = desk.context, desk.window
    shop_key, live_key = plan["shop_key"], plan["live_key"]
    # The shop's website at MultiSafepay (here the sandbox), whose key the engineer was given.
    server = context.sandbox.ensure_running()
    server.engine.ensure_sites([shop_key])

    desk.add_profile("Shop NL live", "live", live_key)
    desk.add_profile("Shop NL test", "sandbox", shop_key)
    desk.use_profile("Shop NL test")

    three_ds = desk.order(THREE_DS_CARD, cvc=plan["cvcs"][0], holder="Jan de Vries")
    at_once = desk.order(PAID_AT_ONCE, cvc=plan["cvcs"][1], holder="Anna Jansen", amount="30.00")
    desk.look_up(three_ds)
    desk.refund(at_once, "5.00")
    desk.bundle(out / "support-bundle.md")
    for prefix in ("ord", at_once[:8], at_once):
        desk.search_history(prefix)

    desk.bulk([three_ds, at_once, "no-such-order-1", "no-such-order-2"])
    desk.export(out / "order-status.csv")
    desk.export(out / "order-status.xlsx")

    desk.inbox(at_once)
    stamp = int(time.time())
    body = sample_body(sample_order_id(stamp), stamp)
    desk.check_signature(body.decode(), sign(shop_key, stamp, body))
    site = server.engine.store.site_by_key(shop_key)
    desk.doctor(server.receiver_url(site.site_id))

    # A fault in the app whose error carries what was just sent: its report must come out masked.
    payload = json.dumps({"card_number": THREE_DS_CARD, "card_cvc": plan["cvcs"][0]})

    def fails(_ctx: Any) -> None:
        raise RuntimeError(f"could not read back {payload} sent with api_key {shop_key}")

    context.operations(window).run(fails, name="Reading back an order")
    wait_until(
        lambda: any(d.isVisible() for d in window.findChildren(CrashDialog)),
        "the dialog about the unexpected error",
    )
    for dialog in window.findChildren(CrashDialog):
        dialog.reject()
    desk.work["crash reports"] += 1
    QApplication.processEvents()
