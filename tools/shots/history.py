"""The History screen with orders of every kind, as looked up with the built-in sandbox profile."""

from __future__ import annotations

import time
from pathlib import Path

from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.main_window import MainWindow
from shots import _orders
from shots._drive import grab, wait_until


def shoot(window: MainWindow, context: AppContext, out: Path) -> None:
    stamp = time.strftime("%H%M%S")
    made = [
        (_orders.THREE_DS, 4995, "2x Linen shirt, size M"),
        (_orders.PAID_AT_ONCE, 2250, "Notebook set"),
        (_orders.DECLINED, 1250, "Gift card"),
        (_orders.UNCLEARED, 18900, "Desk lamp"),
        (_orders.PAID_AT_ONCE, 3450, "3x Stoneware mug"),
        (_orders.THREE_DS, 7999, "Rain jacket"),
        (_orders.PAID_AT_ONCE, 1500, "Shipping upgrade"),
    ]
    ids = []
    for number, (card, amount, description) in enumerate(made):
        order_id = f"HS-{stamp}-{2001 + number}"
        _orders.create(context, order_id, card, amount, description, shopper=number)
        ids.append(order_id)
    _orders.refund(context, ids[4], 1150)
    _orders.refund(context, ids[6])

    # What the lookup screen keeps of each order it shows.
    profile = context.profiles.active()
    client = context.profiles.client_for(context.http, profile)
    for order_id in ids:
        order = client.get_order(order_id).data
        context.history.record_lookup(profile.id, profile.name, profile.environment.value, order)

    window.show_area("history")
    page = window.area_widget("history")
    page.search()  # type: ignore[attr-defined]
    wait_until(lambda: page.model.rowCount() == len(ids) and not page.model.searching)  # type: ignore[attr-defined]
    grab(window, out / "history.png")
