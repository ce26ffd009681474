"""The Bulk lookup screen: choosing the id column of a merchant's CSV, a run under way, and a run done.

The orders are made in the embedded sandbox first, a few with other statuses,
and every lookup is slowed down a little so the run in progress can be caught.
"""

from __future__ import annotations

import csv
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx

from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.main_window import MainWindow
from shots._drive import grab, settle, wait_until

COUNT = 800
MISSING = {17, 95, 233, 612}  # ids the merchant sent that MultiSafepay has never seen
BROKEN = {5}  # the server fails on this one, three times


def _order_ids() -> list[str]:
    return [f"WEB-{20260501 + i // 100}-{i % 100:03d}" for i in range(COUNT)]


def _body(order_id: str, i: int) -> dict[str, object]:
    """Mostly paid card orders, some declined, some still waiting for the shopper."""
    amount = 995 + 250 * (i % 37)
    currency = "GBP" if i % 9 == 4 else "EUR"
    base: dict[str, object] = {
        "order_id": order_id,
        "currency": currency,
        "amount": amount,
        "description": "Shop",
    }
    if i % 13 == 6:
        return base  # a payment page the shopper never finished: initialized
    card = "4012001038488884" if i % 17 == 8 else "4012001038443335"  # declined, or paid without 3-D Secure
    expiry = f"{(date.today().year + 2) % 100:02d}12"
    gateway_info = {"card_number": card, "card_holder_name": "J. Jansen", "card_expiry_date": expiry}
    return base | {
        "type": "direct",
        "gateway": "CREDITCARD",
        "customer": {"locale": "nl_NL", "ip_address": "89.20.162.110", "country": "NL"},
        "gateway_info": gateway_info | {"card_cvc": "123", "flexible_3d": False},
    }


def _make_orders(context: AppContext, ids: list[str]) -> httpx.Client:
    server = context.sandbox.ensure_running()
    admin = httpx.Client(base_url=server.base_url, headers={"api_key": server.sites[0].api_key}, timeout=10)

    def make(i: int) -> None:
        admin.post("orders", json=_body(ids[i], i)).raise_for_status()
        if i % 29 == 11:
            admin.patch(f"orders/{ids[i]}", json={"status": "cancelled"})  # only an unpaid order can be

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(make, [i for i in range(len(ids)) if i not in MISSING]))
    return admin


def _merchant_csv(ids: list[str]) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="msp-desk-shots-"))
    path = folder / "orders-may.csv"
    with path.open("w", encoding="cp1252", newline="") as file:
        writer = csv.writer(file, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Datum", "Klant", "Order ID", "Bedrag", "Opmerking"])
        names = ["Café de Zon", "Renée Bakker", "Müller GmbH", "Jansen & Zn", "Zoë's Bloemen"]
        for i, order_id in enumerate(ids):
            amount = f"€ {(995 + 250 * (i % 37)) / 100:.2f}".replace(".", ",")
            writer.writerow([f"0{1 + i // 100}-05-2026", names[i % len(names)], order_id, amount, ""])
    return path


def shoot(window: MainWindow, context: AppContext, out: Path) -> None:
    ids = _order_ids()
    admin = _make_orders(context, ids)
    window.show_area("bulk")
    page = window.area_widget("bulk")

    page.importer.open(_merchant_csv(ids))  # type: ignore[attr-defined]
    wait_until(lambda: page.importer.dialog is not None and page.importer.dialog.isVisible())  # type: ignore[attr-defined]
    dialog = page.importer.dialog  # type: ignore[attr-defined]
    settle()
    grab(dialog, out / "bulk-column-chooser.png")
    dialog.use_button.click()
    wait_until(lambda: len(page.input.ids()) == COUNT)  # type: ignore[attr-defined]

    for i in BROKEN:
        admin.post("_sandbox/faults", json={"fault": "status=503", "count": 3, "paths": f"/orders/{ids[i]}"})
    # Slow enough to catch the run under way: 8 at a time, 0.4 s each.
    admin.post("_sandbox/faults", json={"fault": "latency=400", "count": 5 * COUNT, "paths": "/orders"})
    page.look_up_button.click()  # type: ignore[attr-defined]
    wait_until(lambda: page.progress_bar.value() >= COUNT * 0.3, timeout=60)  # type: ignore[attr-defined]
    done = page.progress_bar.value()  # type: ignore[attr-defined]
    table = page.table  # type: ignore[attr-defined]
    table.scrollTo(table.model().index(done + 24, 0), table.ScrollHint.PositionAtBottom)  # where it is at
    settle(0.3)
    grab(window, out / "bulk-running.png")

    admin.delete("_sandbox/faults")
    wait_until(lambda: not page.run.busy, timeout=120)  # type: ignore[attr-defined]
    page.table.scrollToTop()  # type: ignore[attr-defined]
    grab(window, out / "bulk-finished.png")
    admin.close()
