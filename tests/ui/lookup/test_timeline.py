"""The Timeline tab and the support bundle, against the sandbox over loopback, as a person uses them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QFileDialog

from msp_desk.api.follow import Backoff
from msp_desk.api.request_models import DirectCardOrder
from msp_desk.credentials.access import builtin_sandbox_profile
from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.orders.page import OrdersPage
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.widgets.order_detail import TIMELINE_TAB
from tests.helpers.secrets import card_forms, cvc_hits, hits
from tests.sandbox.conftest import direct_order
from tests.ui.conftest import Dialogs, click, replace_text
from tests.ui.lookup.conftest import PAID_AT_ONCE, THREE_DS_CARD, api, look_up, new_id, sandbox_key, shown
from tests.ui.orders.conftest import pick

CVC = "737"
EVENT, CODE, ANSWER, ACKNOWLEDGED, NEXT_RETRY, REQUEST = 1, 2, 3, 4, 5, 6


def _rows(page: LookupPage) -> list[list[str]]:
    assert page.detail.timeline is not None
    return page.detail.timeline.rows()


def _open_timeline(qtbot, page: LookupPage, ready: Callable[[list[list[str]]], bool]) -> list[list[str]]:
    """Open the Timeline tab as a person does and wait until it shows what ``ready`` looks for."""
    page.detail.tabs.tabBar().setFocus()
    page.detail.tabs.setCurrentIndex(TIMELINE_TAB)
    qtbot.waitUntil(lambda: ready(_rows(page)), timeout=20000)
    return _rows(page)


def _index(rows: list[list[str]], found: Callable[[list[str]], bool]) -> int:
    return next(i for i, row in enumerate(rows) if found(row))


def _send_3ds_order_from_the_order_screen(qtbot, context: AppContext, cvc: str = "123") -> str:
    """The order screen sends a 3-D Secure order; the challenge is passed in the real embedded browser."""
    from tests.ui.orders.test_page import _answer_challenge

    orders = OrdersPage(context)
    qtbot.addWidget(orders)
    orders.resize(1300, 850)
    orders.show()
    orders.backoff = Backoff(first=0.1)
    pick(orders, THREE_DS_CARD)
    replace_text(qtbot, orders.form.fields["card_cvc"], cvc)
    order_id = orders.form.fields["order_id"].text()
    click(qtbot, orders.send_button)
    _answer_challenge(qtbot, orders, "auth-Y")
    qtbot.waitUntil(lambda: orders.result.status.text() == "Completed", timeout=30000)
    return order_id


@pytest.mark.webengine
def test_a_3ds_order_from_the_order_screen_shows_its_whole_story_in_order(
    qtbot, page: LookupPage, context: AppContext
) -> None:
    order_id = _send_3ds_order_from_the_order_screen(qtbot, context)
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: shown(page, order_id), timeout=10000)
    rows = _open_timeline(
        qtbot,
        page,
        lambda rows: (
            any(r[EVENT] == "Lookup" for r in rows)
            and any(r[EVENT].startswith("Notification completed") for r in rows)
        ),
    )
    events = [row[EVENT] for row in rows]

    create = _index(rows, lambda r: r[EVENT] == "Create")
    assert create == 0
    assert (rows[create][REQUEST], rows[create][CODE]) == ("POST /v1/json/orders", "200")
    assert rows[create][ANSWER] == "order of 10.00 EUR, VISA ••••1111"
    hops = [i for i, e in enumerate(events) if e == "3-D Secure"]
    assert hops, "the browser's steps are on the timeline"
    assert any("/3ds2/sim/acs" in rows[i][REQUEST] for i in hops)
    assert any("intercepted, not loaded" in rows[i][ANSWER] for i in hops)
    started = _index(rows, lambda r: r[EVENT] == "Status" and r[ANSWER] == "initialized")
    completed = _index(rows, lambda r: r[EVENT] == "Status" and "→ completed" in r[ANSWER])
    notified = _index(rows, lambda r: r[EVENT].startswith("Notification completed"))
    polls = [i for i, e in enumerate(events) if e == "Poll"]
    lookup = _index(rows, lambda r: r[EVENT] == "Lookup")
    # Sent, challenged, completed (the sandbox notified the shop), polled, seen completed, looked up.
    assert create < started < hops[0] < notified < completed < lookup
    assert hops[0] < polls[0] < completed
    assert rows[notified][ACKNOWLEDGED] == "✓ yes"
    assert all(row[CODE] == "200" for row in rows if row[EVENT] in ("Create", "Poll", "Lookup"))
    assert page.detail.timeline is not None
    table = page.detail.timeline.table
    moments = [table.item(row, 0).toolTip()[:23] for row in range(table.rowCount())]  # exact, in UTC
    assert moments == sorted(moments)
    calls = sum(1 for e in events if e in ("Create", "Poll", "Lookup"))
    assert page.detail.timeline is not None
    assert page.detail.timeline.note.text().startswith(f"{calls} calls, {len(hops)} steps in 3-D Secure, ")


def test_a_refunded_orders_timeline_lists_each_step_and_notification_in_order(
    qtbot, page: LookupPage, context: AppContext, dialogs: Dialogs
) -> None:
    order_id = new_id("refunded")
    profile = context.profiles.active()
    body = direct_order(order_id, PAID_AT_ONCE, amount=2500)
    body["gateway_info"]["flexible_3d"] = False
    body["payment_options"]["notification_url"] = context.sandbox.ensure_running().receiver_url()
    # Sent through the app's own client, as the order screen sends it (it runs off the UI thread).
    sent = threading.Thread(
        target=lambda: context.profiles.client_for(context.http, profile).create_direct_card_order(
            DirectCardOrder.model_validate(body)
        )
    )
    sent.start()
    sent.join(10)

    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: shown(page, order_id) and page.refund_button.isEnabled(), timeout=10000)
    click(qtbot, page.refund_button)
    assert page.refund.form is not None
    click(qtbot, page.refund.form.continue_button)
    qtbot.waitUntil(lambda: page.detail.status_badge.text() == "Status: Refunded", timeout=15000)

    rows = _open_timeline(
        qtbot,
        page,
        lambda rows: (
            any(r[EVENT].startswith("Notification refunded") for r in rows)
            and any("→ refunded" in r[ANSWER] for r in rows)
        ),
    )
    create = _index(rows, lambda r: r[EVENT] == "Create")
    completed = _index(rows, lambda r: r[EVENT] == "Status" and r[ANSWER] == "completed/completed")
    refund = _index(rows, lambda r: r[EVENT] == "Refund")
    refunded = _index(rows, lambda r: r[EVENT] == "Status" and "→ refunded" in r[ANSWER])
    paid_note = _index(rows, lambda r: r[EVENT].startswith("Notification completed"))
    refund_note = _index(rows, lambda r: r[EVENT].startswith("Notification refunded"))
    assert create == 0
    assert create < paid_note < completed < refund < refund_note
    assert refund < refunded
    assert not any(r[EVENT] == "3-D Secure" for r in rows), "this card needs no 3-D Secure"
    assert (rows[refund][REQUEST], rows[refund][CODE]) == (f"POST /v1/json/orders/{order_id}/refunds", "200")
    assert rows[refund][ANSWER] == "refund of everything left (EUR)"
    assert [r[ACKNOWLEDGED] for r in rows if r[EVENT].startswith("Notification")] == ["✓ yes", "✓ yes"]
    assert len([r for r in rows if r[EVENT] == "Refund"]) == 1, "the refund is on the timeline once"


def test_a_failed_call_shows_on_the_timeline_and_a_closed_history_fails_nothing(
    qtbot, page: LookupPage, context: AppContext
) -> None:
    order_id = new_id("fault")
    with api(context) as client:
        body = direct_order(order_id, PAID_AT_ONCE, amount=2500)
        body["gateway_info"]["flexible_3d"] = False
        assert client.post("orders", json=body).status_code == 200
        client.post(
            "_sandbox/faults", json={"fault": "status=500", "count": 1, "paths": f"/orders/{order_id}"}
        )
    look_up(qtbot, page, order_id)  # the first GET meets the fault; the client asks again
    qtbot.waitUntil(lambda: shown(page, order_id), timeout=10000)
    rows = _open_timeline(qtbot, page, lambda rows: any(r[EVENT] == "Status" for r in rows))
    assert [(r[EVENT], r[CODE]) for r in rows[:2]] == [("⚠ Lookup", "500"), ("Lookup", "200")]
    assert "500" in rows[0][ANSWER]

    context.history.close()  # from here on every history write fails
    page.refresh()
    qtbot.waitUntil(lambda: "could not keep this lookup" in page.action_message.text(), timeout=10000)
    assert shown(page, order_id), "the order is shown: noting the call never failed it"
    assert page.detail.status_badge.text() == "Status: Completed"
    assert page.detail.timeline is not None
    qtbot.waitUntil(lambda: "could not be read" in page.detail.timeline.note.text(), timeout=10000)


@pytest.mark.webengine
def test_the_support_bundle_holds_everything_asked_for_and_no_secret_of_the_run(
    qtbot, page: LookupPage, context: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    order_id = _send_3ds_order_from_the_order_screen(qtbot, context, cvc=CVC)
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: shown(page, order_id) and page.bundle_button.isEnabled(), timeout=10000)
    _open_timeline(qtbot, page, lambda rows: any(r[EVENT].startswith("Notification completed") for r in rows))

    chosen = tmp_path / "for MultiSafepay"  # typed without a suffix: .md is added
    asked: list[str] = []

    def save_dialog(parent, caption, suggested, types, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(chosen), types.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    click(qtbot, page.bundle_button)
    qtbot.waitUntil(lambda: page.action_message.text().startswith("Saved the support bundle"), timeout=15000)
    saved = chosen.with_suffix(".md")
    assert page.action_message.text() == (
        f"Saved the support bundle for order {order_id} to {saved}. It holds no card number, CVC or API key."
    )
    assert Path(asked[0]).name.startswith(f"msp-desk-support-{order_id}-")
    assert saved.stat().st_mode & 0o077 == 0, "readable by its owner only"

    data = saved.read_bytes()
    text = data.decode("utf-8")
    assert text.startswith(f"# Support bundle: order {order_id}\n")
    assert "| Environment | Sandbox (the local sandbox built into msp-desk) |" in text
    assert f"| Profile | {builtin_sandbox_profile().name} |" in text
    assert f"| Qt | {qVersion()} |" in text
    assert f"| PySide6 | {PySide6.__version__} |" in text
    assert "| Python | 3." in text
    timeline = text.split("## Timeline")[1].split("## 3-D Secure")[0]
    assert "| Create |" in timeline
    assert "| 3-D Secure |" in timeline
    assert "| Notification completed #1 |" in timeline
    three_ds = text.split("## 3-D Secure")[1].split("## Notifications")[0]
    assert "MultiSafepay reported: " in three_ds
    assert "status Y" in three_ds
    assert "/3ds2/sim/acs" in three_ds
    notifications = text.split("## Notifications")[1].split("## The order as")[0]
    assert "\nAuth: " in notifications, "the signature header is kept"
    assert '"order_id": ' in text.split("## The order as MultiSafepay answered")[1]
    assert '"last4": "1111"' in text

    key = sandbox_key(context)
    assert hits(data, [key, key[:-4], *card_forms(THREE_DS_CARD)]) == []
    assert cvc_hits(data, CVC) == []
