"""MultiSafepay's own example payloads parse into the models without losing anything."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest
from pydantic import ValidationError

from msp_desk.api.models import Me, Order, RefundResult, Site, TransactionPage
from msp_desk.api.request_models import DirectCardOrder, RefundRequest, SiteUpdate, TransactionFilters
from tests.api.fake_msp import fixture_json

CARD = "5747906991001442"


def test_get_order_keeps_a_17_digit_psp_id_exact_and_costs_in_euros() -> None:
    order = Order.model_validate(fixture_json("getOrder.json")["data"])
    assert order.transaction_id == 17472052901237122  # above 2**53: a float would change it
    assert isinstance(order.transaction_id, int)
    assert order.costs is not None
    assert order.costs[0].amount == Decimal("0.01")
    assert order.costs[1].transaction_id == 1747219123451369
    assert order.amount == 1000
    assert order.completed is not None
    assert order.completed.isoformat() == "2025-05-14T08:50:32"
    # Fields the model does not name are still there.
    assert order.customer is not None
    assert order.customer.model_extra == {"cocnumber": None}
    assert order.payment_details is not None
    assert order.payment_details.model_extra is not None
    assert order.payment_details.model_extra["account_bic"] == "BSCHESMM"


def test_get_order_3ds_accepts_last4_and_expiry_as_string_or_number() -> None:
    order = Order.model_validate(fixture_json("getOrder3DS.json")["data"])
    details = order.payment_details
    assert details is not None
    assert (details.last4, details.card_expiry_date) == ("1111", "3807")
    assert details.card_authentication_result is not None
    assert details.card_authentication_result.status == "Y"
    assert details.card_authentication_details is not None
    assert details.card_authentication_details.flow == "frictionless"
    assert order.payment_methods is not None
    method = order.payment_methods[0]
    # Numbers in this payload: 1234, 1904 and 906015000050.
    assert (method.last4, method.card_expiry_date, method.external_transaction_id) == (
        "1234",
        "1904",
        "906015000050",
    )
    assert order.amount_refunded == 200
    assert order.costs is not None
    assert sum(c.amount or 0 for c in order.costs) == Decimal("0.05")


def test_failed_3ds_order_reports_decline_reason() -> None:
    order = Order.model_validate(fixture_json("getOrderFailed3DS.json")["data"])
    assert (order.status, order.financial_status, order.reason_code) == ("declined", "declined", "3001")
    assert order.payment_details is not None
    assert order.payment_details.response_code == "08"
    assert order.transaction_id == 17123154123113


def test_direct_card_answer_exposes_the_3ds_step() -> None:
    order = Order.model_validate(fixture_json("postOrdersCreditCardDirect3DS.json")["data"])
    assert order.needs_3ds
    assert order.customer_verification is not None
    assert order.customer_verification.html is not None
    assert "PaReqForm" in order.customer_verification.html
    assert order.payment_details is not None
    assert (order.payment_details.last4, order.payment_details.card_expiry_date) == ("4444", "2512")
    assert order.payment_url is not None
    assert order.payment_url.startswith("https://testpay.")


def test_redirect_and_ideal_answers_parse() -> None:
    redirect = Order.model_validate(fixture_json("postOrdersRedirect.json")["data"])
    assert redirect.session_id == "82Az5nicWa3Xb3qsNuuYcAHshvO43HjUmyv"
    assert not redirect.needs_3ds
    ideal = Order.model_validate(fixture_json("postOrdersDirectIdeal.json")["data"])
    assert ideal.costs is not None
    assert ideal.costs[0].amount == Decimal("0.44")


def test_id_given_as_string_becomes_the_same_exact_int() -> None:
    order = Order.model_validate({"transaction_id": "17472052901237122", "order_id": 12345})
    assert order.transaction_id == 17472052901237122
    # The merchant's order id is text even when it looks like a number.
    assert order.order_id == "12345"


def test_id_as_float_is_refused_rather_than_rounded() -> None:
    with pytest.raises(ValidationError):
        Order.model_validate({"transaction_id": 1.7472052901237122e16})


def test_transaction_list_and_cursor() -> None:
    doc = fixture_json("listTransactions.json")
    page = TransactionPage.model_validate({"transactions": doc["data"], "pager": doc["pager"]})
    assert [t.order_id for t in page.transactions] == ["my-order-id-1", "my-order-id-2", "my-order-id-3"]
    assert page.next_cursor == "string"
    assert page.previous_cursor == "string"
    first = page.transactions[0]
    assert first.costs is not None
    assert first.costs[0].amount == Decimal(49)
    assert (first.net, first.site_id) == (951, 12345)


def test_refund_me_and_site() -> None:
    refund = RefundResult.model_validate(fixture_json("refundOrder.json")["data"])
    assert (refund.transaction_id, refund.refund_id, refund.order_id) == (
        6303074,
        None,
        "case-20220404-06-0001",
    )
    me = Me.model_validate(fixture_json("me.json")["data"])
    assert (me.account_id, me.site_id, me.role) == (12345678, 12345, "merchant")
    site = Site.model_validate(fixture_json("getSite.json")["data"])
    assert site.api_key is not None
    assert site.api_key.get_secret_value() == "c2693951893e065830ad99e3540c3e417dcb1937"
    assert "c2693951893e065830ad99e3540c3e417dcb1937" not in repr(site)
    assert site.price_till == 100000


def test_documented_direct_card_request_round_trips_to_the_wire() -> None:
    example = fixture_json("request-credit-card-direct.json")
    order = DirectCardOrder.model_validate(example)
    payload = order.to_payload()
    # The example's numeric expiry is sent in the documented YYMM string form.
    assert payload["gateway_info"]["card_expiry_date"] == "2512"
    example["gateway_info"]["card_expiry_date"] = "2512"
    assert payload == example


def test_card_number_and_cvc_never_show_in_repr_str_dump_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    order = DirectCardOrder.model_validate(fixture_json("request-credit-card-direct.json"))
    caplog.set_level(logging.DEBUG)
    logging.getLogger("test").info("order %s / %r", order, order)
    shown = [repr(order), str(order), order.model_dump_json(), json.dumps(order.model_dump(mode="json"))]
    shown.append(caplog.text)
    for text in shown:
        assert CARD not in text
        assert '"123"' not in text
        assert "'123'" not in text
    assert order.secrets() == (CARD, "123")


def test_invalid_card_details_are_refused_without_quoting_them() -> None:
    example = fixture_json("request-credit-card-direct.json")
    example["gateway_info"]["card_number"] = "5747 9069 9100 144X"
    example["gateway_info"]["card_cvc"] = "12a"
    with pytest.raises(ValidationError) as caught:
        DirectCardOrder.model_validate(example)
    text = str(caught.value)
    assert "card_number" in text
    assert "card_cvc" in text
    assert "144X" not in text
    assert "12a" not in text


@pytest.mark.parametrize("expiry", ["2513", "251", "25-12", 251300])
def test_expiry_must_be_yymm(expiry: object) -> None:
    example = fixture_json("request-credit-card-direct.json")
    example["gateway_info"]["card_expiry_date"] = expiry
    with pytest.raises(ValidationError):
        DirectCardOrder.model_validate(example)


def test_amount_is_whole_cents() -> None:
    example = fixture_json("request-credit-card-direct.json")
    example["amount"] = 1.5
    with pytest.raises(ValidationError):
        DirectCardOrder.model_validate(example)


def test_refund_request_matches_documented_example_and_full_refund_omits_amount() -> None:
    example = fixture_json("request-refund.json")
    assert RefundRequest.model_validate(example).to_payload() == example
    assert RefundRequest(currency="EUR").to_payload() == {"currency": "EUR"}


def test_site_update_sends_only_what_was_set() -> None:
    assert SiteUpdate(notification_url="https://example.com/hook").to_payload() == {
        "notification_url": "https://example.com/hook"
    }
    assert SiteUpdate(support_phone=None).to_payload() == {"support_phone": None}


def test_transaction_filters_become_query_parameters() -> None:
    filters = TransactionFilters(site_id=12345, payment_method=["VISA", "IDEAL"], limit=50, after="abc")
    assert filters.to_params() == [
        ("site_id", "12345"),
        ("payment_method", "VISA"),
        ("payment_method", "IDEAL"),
        ("limit", "50"),
        ("after", "abc"),
    ]
