"""Looking an order up shows it in depth: every field, related transactions, masked JSON, copy buttons."""

from __future__ import annotations

import json
import re

from PySide6.QtGui import QGuiApplication

from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.widgets.order_detail import JSON_TAB, OVERVIEW_TAB, RELATED_TAB
from tests.ui.conftest import click
from tests.ui.lookup.conftest import create_3ds_paid, look_up, new_id, shown

LOCAL_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+$")

CUSTOMER = {
    "locale": "nl_NL",
    "first_name": "Simon",
    "last_name": "Smit",
    "ip_address": "89.20.162.110",
    "country": "NL",
    "email": "simon@example.com",
}


def test_a_3ds_paid_order_shows_every_field(qtbot, page: LookupPage, context: AppContext) -> None:
    order_id = new_id("paid-3ds")
    create_3ds_paid(
        context,
        order_id,
        customer=CUSTOMER,
        var1="campaign-7",
        var3="nl",
        custom_info={"custom_1": "gift wrap"},
    )
    look_up(qtbot, page, order_id)
    qtbot.waitUntil(lambda: shown(page, order_id), timeout=10000)

    detail = page.detail
    assert detail.status_badge.text() == "Status: Completed"
    assert detail.financial_badge.text() == "Financial: Completed"
    assert detail.meaning.text() == "Paid"
    assert "background:#2e7d32" in detail.status_badge.styleSheet()  # green: paid
    values = {key: label.text() for key, label in detail.values.items()}
    transaction_id = values["transaction_id"]
    assert transaction_id.isdigit()
    assert values["description"] == "Sandbox test order"
    assert (values["amount"], values["refunded"], values["left"]) == ("25.00 EUR", "0.00 EUR", "25.00 EUR")
    assert values["costs"].splitlines()[0] == "0.08 EUR in all"  # 0.03 + 0.20 % of 25.00, in euros
    for key in ("created", "modified", "completed"):
        assert LOCAL_TIME.match(values[key]), (key, values[key])
        assert "read as UTC" in detail.values[key].toolTip()  # the sandbox writes UTC
    assert values["customer"] == "Simon Smit"
    assert values["email"] == "simon@example.com"
    assert values["country"] == "NL (Netherlands)"
    assert values["ip_address"] == "89.20.162.110"
    assert values["card"] == "VISA ••••1111"
    assert re.fullmatch(r"12/\d\d", values["expiry"])
    assert values["holder"] == "Test Holder"
    assert re.fullmatch(r"\d{6}", values["authorization_code"])
    assert values["threeds"] == "authenticated (Y)"
    assert values["eci"] == "05 (fully authenticated)"
    assert values["threeds_version"] == "2.2.0"
    assert values["threeds_flow"] == "challenge"
    assert (values["var1"], values["var2"], values["var3"]) == ("campaign-7", "—", "nl")
    assert values["custom_info"] == "custom_1: gift wrap"
    assert detail.tabs.currentIndex() == OVERVIEW_TAB
    for key, label in detail.values.items():
        assert label.isVisible(), f"{key} is not on screen"

    detail.tabs.setCurrentIndex(RELATED_TAB)
    assert detail.related_note.text() == "No refunds, captures or chargebacks on this order."

    detail.tabs.setCurrentIndex(JSON_TAB)
    raw = detail.raw.toPlainText()
    document = json.loads(raw)
    # PSP ids are exact, whether or not they happen to pass the card checksum.
    assert str(document["data"]["transaction_id"]) == transaction_id
    assert document["data"]["payment_details"]["last4"] == "1111"
    assert "4111111111111111" not in raw

    clipboard = QGuiApplication.clipboard()
    click(qtbot, detail.copy_json)
    assert clipboard.text() == raw
    detail.tabs.setCurrentIndex(OVERVIEW_TAB)
    click(qtbot, detail.copy_order_id)
    assert clipboard.text() == order_id
    click(qtbot, detail.copy_transaction_id)
    assert clipboard.text() == transaction_id
    assert page.action_message.text() == "Copied the Transaction ID."

    entry = context.history.get(context.profiles.active().id, order_id)
    assert entry is not None
    assert (entry.status, entry.card_brand, entry.card_last4, entry.source) == (
        "completed",
        "VISA",
        "1111",
        "lookup",
    )
    assert entry.authentication["status"] == "Y"
    events = context.history.events(entry.profile_id, order_id)
    # The lookup, noted by the client as it was made, then the status it brought.
    assert [(e.kind.value, e.method, e.http_status, e.detail) for e in events] == [
        ("lookup", "GET", 200, ""),
        ("status", "", None, "completed/completed"),
    ]
    assert events[0].path.endswith(f"/orders/{order_id}")


def test_the_typed_id_is_checked_before_anything_is_asked(qtbot, page: LookupPage) -> None:
    look_up(qtbot, page, "   ")
    assert page.message.text() == "⚠ Type or paste an order ID."
    look_up(qtbot, page, "x" * 51)
    assert page.message.text() == "⚠ An order ID has at most 50 characters; this one has 51."
    assert page.order_edit.text() == "x" * 51
    assert not page.watch.busy
