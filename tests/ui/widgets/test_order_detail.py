"""The shared order detail view, from MultiSafepay's own example answer, without a server."""

from __future__ import annotations

import copy
import json

from msp_desk.api.models import ApiResponse, Order
from msp_desk.ui.widgets.order_detail import RELATED_TAB, OrderDetailView
from tests.api.fake_msp import fixture_json

LUHN_VALID_PSP_ID = 1796160041877000


def _response(document: dict) -> ApiResponse[Order]:
    return ApiResponse(
        data=Order.model_validate(document["data"]), raw=document, text=json.dumps(document), status_code=200
    )


def test_the_example_order_in_depth_with_its_json_masked_by_field(qtbot) -> None:
    document = copy.deepcopy(fixture_json("getOrder3DS.json"))
    document["data"]["transaction_id"] = LUHN_VALID_PSP_ID
    document["data"]["related_transactions"] = [
        {"type": "refund", "status": "completed", "amount": 200, "currency": "EUR", "transaction_id": 42}
    ]
    document["data"]["gateway_info"] = {"card_number": "4111111111111111", "card_cvc": "123"}
    view = OrderDetailView()
    qtbot.addWidget(view)
    view.show_order(_response(document), environment="test")

    assert view.status_badge.text() == "Status: Refunded"
    assert view.meaning.text() == "Refunded in full"
    assert view.values["transaction_id"].text() == str(LUHN_VALID_PSP_ID)
    assert view.values["threeds"].text() == "authenticated (Y)"
    assert view.values["eci"].text() == "05 (fully authenticated)"
    assert view.tabs.tabText(RELATED_TAB) == "Related transactions (1)"
    assert view.related_rows() == [["Refund", "Completed", "2.00 EUR", "—", "42", "—"]]
    raw = view.raw.toPlainText()
    assert f'"transaction_id": {LUHN_VALID_PSP_ID}' in raw
    assert "4111111111111111" not in raw
    assert '"card_number": "••••1111"' in raw
    assert '"card_cvc": "••••"' in raw
    assert view.copy_json.isEnabled()

    view.clear()
    assert view.values["order_id"].text() == "—"
    assert view.raw.toPlainText() == ""
    assert view.related_rows() == []
    assert not view.copy_order_id.isEnabled()


def test_the_order_screens_result_adds_its_3ds_steps_beside_the_same_view(qtbot) -> None:
    from msp_desk.ui.widgets.order_result import OrderResultView

    view = OrderResultView()
    qtbot.addWidget(view)
    view.show_order(_response(fixture_json("getOrder3DS.json")), environment="test")
    tabs = view.detail.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Overview",
        "Related transactions (0)",
        "JSON",
        "3-D Secure steps",
    ]
    assert view.status.text() == "Refunded"
    assert view.detail.financial_badge.text() == "Financial: Completed"


def test_the_timeline_tab_shows_each_line_and_marks_problems_beyond_colour(qtbot) -> None:
    from msp_desk.history.records import EventKind, HistoryEvent
    from msp_desk.support.timeline import build_timeline
    from msp_desk.ui.widgets.colours import alert_text_colour
    from msp_desk.ui.widgets.order_detail import TIMELINE_TAB

    view = OrderDetailView(timeline=True)
    qtbot.addWidget(view)
    assert view.tabs.tabText(TIMELINE_TAB) == "Timeline"
    assert OrderDetailView().timeline is None, "only screens that fill it get the tab"
    timeline = view.timeline
    assert timeline is not None
    events = [
        HistoryEvent(
            1, "p", "o", "2025-10-02T09:14:03.100", EventKind.CREATE, "POST", "/v1/json/orders", 200, ""
        ),
        HistoryEvent(
            2, "p", "o", "2025-10-02T09:14:04.250", EventKind.REFUND, "POST", "/r", None, "timed out"
        ),
    ]
    timeline.show_entries(build_timeline(events), "2 calls.")
    rows = timeline.rows()
    assert [(row[1], row[2], row[6]) for row in rows] == [
        ("Create", "200", "POST /v1/json/orders"),
        ("⚠ Refund", "—", "POST /r"),
    ]
    assert [len(row[0]) for row in rows] == [len("11:14:03.100")] * 2, "the day is in the note"
    assert timeline.note.text().startswith("2 calls. Times from 2025-10-02, ")
    assert timeline.table.item(0, 0).toolTip() == "2025-10-02 09:14:03.100 UTC"
    assert timeline.table.item(1, 1).foreground().color() == alert_text_colour(timeline.palette())
    view.clear()
    assert timeline.rows() == []
    assert timeline.note.text() == "No order shown."
