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
