"""MspClient over real HTTP on loopback, against MultiSafepay's payloads and faults."""

from __future__ import annotations

import logging
import socket
import threading

import httpx
import pytest

from msp_desk.api.client import MspClient
from msp_desk.api.environments import Environment
from msp_desk.api.errors import (
    ConnectionDropped,
    InvalidApiKey,
    MalformedResponse,
    MspError,
    NetworkUnreachable,
    NotFound,
    OrderNotCreated,
    OrderStateUnknown,
    RequestRejected,
    RequestTimeout,
    ServerError,
    ValidationFailed,
)
from msp_desk.api.request_models import DirectCardOrder, RefundRequest, SiteUpdate, TransactionFilters
from msp_desk.api.retry import RetryPolicy
from tests.api.fake_msp import API_KEY, FakeMsp, Reply, Seen, fixture_json, fixture_text

CARD = "5747906991001442"
CVC = "123"
SLOW = 1.5  # longer than the 0.5 s read timeout of the test client


def card_order(order_id: str = "my-order-id-1") -> DirectCardOrder:
    example = fixture_json("request-credit-card-direct.json")
    example["order_id"] = order_id
    return DirectCardOrder.model_validate(example)


# --- happy paths -----------------------------------------------------------


def test_get_order_sends_key_in_header_only_and_keeps_raw_answer(
    client: MspClient, fake_msp: FakeMsp
) -> None:
    fake_msp.on("GET", "orders/example_order_123456", Reply(body=fixture_text("getOrder.json")))
    result = client.get_order("example_order_123456")

    assert result.data.transaction_id == 17472052901237122
    assert result.raw == fixture_json("getOrder.json")
    assert result.text == fixture_text("getOrder.json")
    assert result.status_code == 200
    assert not result.reconciled
    seen = fake_msp.requests[0]
    assert seen.headers["api_key"] == API_KEY
    assert seen.headers["accept"] == "application/json"
    assert seen.headers["user-agent"].startswith("msp-desk/")
    assert seen.headers["user-agent"].endswith("(+python-httpx)")
    assert API_KEY not in seen.path
    assert all(API_KEY not in value for _, value in seen.query)


def test_order_id_is_escaped_in_the_path(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "orders/a%2Fb%20c%3F", Reply(body=fixture_text("getOrder3DS.json")))
    assert client.get_order("a/b c?").data.order_id == "ORDER-12345"


def test_create_direct_card_order_posts_the_documented_body(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("POST", "orders", Reply(body=fixture_text("postOrdersCreditCardDirect3DS.json")))
    result = client.create_direct_card_order(card_order())

    assert result.data.needs_3ds
    assert result.data.transaction_id == 5437731
    sent = fake_msp.requests[0]
    assert sent.headers["content-type"] == "application/json"
    body = sent.json()
    assert body["gateway_info"]["card_number"] == CARD
    assert body["gateway_info"]["card_cvc"] == CVC
    assert body["gateway_info"]["card_expiry_date"] == "2512"
    assert (body["type"], body["amount"], body["currency"]) == ("direct", 100, "EUR")


def test_cancel_sends_status_cancelled_with_exclude_order(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("PATCH", "orders/my-order-id-1", Reply(body=fixture_text("patchOrdersCancel.json")))
    result = client.cancel_order("my-order-id-1")
    assert result.raw == {"success": True, "data": {}}
    assert fake_msp.requests[0].json() == fixture_json("request-cancelOrder.json")


def test_full_and_partial_refunds(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("POST", "orders/case-1/refunds", Reply(body=fixture_text("refundOrder.json")))
    full = client.refund_full("case-1", "EUR")
    partial = client.refund_partial("case-1", 500, "EUR", description="half")
    generic = client.refund("case-1", RefundRequest.model_validate(fixture_json("request-refund.json")))

    assert full.data.transaction_id == 6303074
    bodies = [r.json() for r in fake_msp.requests]
    assert bodies[0] == {"currency": "EUR"}
    assert bodies[1] == {"currency": "EUR", "amount": 500, "description": "half"}
    assert bodies[2] == fixture_json("request-refund.json")
    assert generic.data.order_id == "case-20220404-06-0001"
    assert partial.status_code == 200


def test_me_site_and_site_update(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "me", Reply(body=fixture_text("me.json")))
    fake_msp.on("GET", "sites/12345", Reply(body=fixture_text("getSite.json")))
    fake_msp.on("PATCH", "sites/12345", Reply(body=fixture_text("getSite.json")))

    me = client.me().data
    assert (me.site_id, me.account_id, me.role) == (12345, 12345678, "merchant")
    site = client.get_site(me.site_id).data
    assert site.notification_url == "https://www.examplewebsite.com/order-updates"
    client.update_site(12345, SiteUpdate(notification_url="https://example.com/new"))
    assert fake_msp.requests[-1].json() == {"notification_url": "https://example.com/new"}


def test_list_transactions_with_filters_and_cursor(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "transactions", Reply(body=fixture_text("listTransactions.json")))
    page = client.list_transactions(
        TransactionFilters(status="completed", payment_method=["VISA", "IDEAL"], limit=3)
    ).data
    assert len(page.transactions) == 3
    second = client.list_transactions(TransactionFilters(limit=3, after=page.next_cursor))
    assert second.data.next_cursor == "string"
    first_query, second_query = fake_msp.requests[0].query, fake_msp.requests[1].query
    assert first_query == [
        ("status", "completed"),
        ("payment_method", "VISA"),
        ("payment_method", "IDEAL"),
        ("limit", "3"),
    ]
    assert ("after", "string") in second_query


# --- refusals ----------------------------------------------------------------


def test_invalid_key_names_the_environment(http_client: httpx.Client, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "me", Reply(401, fixture_text("error1032.json")))
    live = MspClient(http_client, fake_msp.base_url, API_KEY, environment=Environment.LIVE)
    with pytest.raises(InvalidApiKey) as caught:
        live.me()
    assert caught.value.code == 1032
    assert "Live refused the API key" in caught.value.message
    assert "a Test key was used against Live" in caught.value.message
    assert API_KEY not in str(caught.value)


def test_invalid_key_on_sandbox_url_says_sandbox(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "transactions", Reply(403, {"message": "Forbidden"}))
    with pytest.raises(InvalidApiKey) as caught:
        client.list_transactions()
    assert caught.value.environment is Environment.SANDBOX
    assert caught.value.code == 403


def test_unknown_order_is_not_found(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "orders/nope", Reply(404, fixture_text("error1006.json")))
    with pytest.raises(NotFound) as caught:
        client.get_order("nope")
    assert caught.value.code == 1006
    assert caught.value.message == "Order nope was not found on Sandbox (error 1006: Invalid transaction ID)."
    assert fake_msp.count("GET", "orders/nope") == 1  # a refusal is not retried


def test_duplicate_order_id_on_create_is_a_validation_error(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("POST", "orders", Reply(200, fixture_text("error1006.json")))
    with pytest.raises(ValidationFailed) as caught:
        client.create_direct_card_order(card_order())
    assert caught.value.field == "order_id"
    assert caught.value.code == 1006


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"success": False, "data": {}, "error_code": 1001, "error_info": "Invalid amount"}, "amount"),
        ({"success": False, "data": {}, "error_code": 1016, "error_info": "Missing customer.email"}, "email"),
        (
            {
                "success": False,
                "message": "Validation error",
                "errors": [{"attribute": "support_email", "message": "Invalid email", "uri": "#/x"}],
            },
            "support_email",
        ),
    ],
)
def test_validation_failures_name_the_field(
    client: MspClient, fake_msp: FakeMsp, body: dict[str, object], field: str
) -> None:
    fake_msp.on("PATCH", "sites/1", Reply(422, body))
    with pytest.raises(ValidationFailed) as caught:
        client.update_site(1, SiteUpdate(name="x"))
    assert caught.value.field == field
    assert field in caught.value.message


def test_server_text_is_masked_in_messages(client: MspClient, fake_msp: FakeMsp) -> None:
    echo = f"Declined card {CARD} cvc: {CVC} for key {API_KEY}\n<b>see log</b>"
    fake_msp.on("POST", "orders", Reply(200, {"success": False, "error_code": 1024, "error_info": echo}))
    with pytest.raises(RequestRejected) as caught:
        client.create_direct_card_order(card_order())
    text = str(caught.value)
    assert CARD not in text
    assert API_KEY not in text
    assert f"cvc: {CVC}" not in text
    assert "••••1442" in text
    assert "\n" not in text
    assert caught.value.code == 1024


# --- faults: GETs retry ------------------------------------------------------


def test_get_retries_5xx_then_succeeds(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on(
        "GET",
        "orders/x",
        Reply(503, "Service Unavailable", "text/plain"),
        Reply(500, {"success": False, "error_code": 9999, "error_info": "boom"}),
        Reply(body=fixture_text("getOrder3DS.json")),
    )
    assert client.get_order("x").data.status == "refunded"
    assert fake_msp.count("GET", "orders/x") == 3


def test_get_gives_up_after_the_configured_attempts_with_backoff(
    http_client: httpx.Client, fake_msp: FakeMsp
) -> None:
    waits: list[float] = []
    policy = RetryPolicy(attempts=4, backoff=0.1, max_backoff=0.3, sleep=waits.append)
    client = MspClient(http_client, fake_msp.base_url, API_KEY, retry=policy)
    fake_msp.on("GET", "me", Reply(502, "<html><title>502 Bad Gateway</title></html>", "text/html"))
    with pytest.raises(ServerError) as caught:
        client.me()
    assert fake_msp.count("GET", "me") == 4
    assert waits == [0.1, 0.2, 0.3]
    assert caught.value.code == 502
    assert "502 Bad Gateway" in caught.value.message


def test_get_timeout_is_retried_then_reported(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "me", Reply(body=fixture_text("me.json"), delay=SLOW))
    with pytest.raises(RequestTimeout) as caught:
        client.me()
    assert fake_msp.count("GET", "me") == 3
    assert caught.value.code == "timeout"


def test_dropped_connection_on_get(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "me", Reply(fault="drop"), Reply(body=fixture_text("me.json")))
    assert client.me().data.site_id == 12345
    fake_msp.on("GET", "me", Reply(fault="drop"))
    with pytest.raises(ConnectionDropped):
        client.me()


def test_truncated_body_is_malformed_and_retried(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "orders/x", Reply(body=fixture_text("getOrder.json"), fault="truncate"))
    with pytest.raises(MalformedResponse) as caught:
        client.get_order("x")
    assert caught.value.code == "truncated"
    assert "cut short" in caught.value.message
    assert fake_msp.count("GET", "orders/x") == 3


def test_body_cut_short_without_content_length_is_recognised(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "orders/x", Reply(body=fixture_text("getOrder.json")[:300]))
    with pytest.raises(MalformedResponse) as caught:
        client.get_order("x")
    assert caught.value.code == "truncated"


def test_html_page_with_200_is_malformed_not_retried(client: MspClient, fake_msp: FakeMsp) -> None:
    page = "<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Back soon</body></html>"
    fake_msp.on("GET", "me", Reply(200, page, "text/html"))
    with pytest.raises(MalformedResponse) as caught:
        client.me()
    assert caught.value.code == "html"
    assert "Maintenance" in caught.value.message
    assert fake_msp.count("GET", "me") == 1


def test_plain_text_is_malformed(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "me", Reply(200, "OK then", "text/plain"))
    with pytest.raises(MalformedResponse) as caught:
        client.me()
    assert caught.value.code == "not_json"


def test_json_of_the_wrong_shape_is_malformed(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("GET", "orders/x", Reply(body={"success": True, "data": {"amount": "lots"}}))
    with pytest.raises(MalformedResponse) as caught:
        client.get_order("x")
    assert "amount" in caught.value.message
    assert "lots" not in caught.value.message


def test_unreachable_host(http_client: httpx.Client, fast_retry: RetryPolicy) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = MspClient(http_client, f"http://127.0.0.1:{port}/v1/json/", API_KEY, retry=fast_retry)
    with pytest.raises(NetworkUnreachable) as caught:
        client.me()
    assert caught.value.message == f"Cannot reach 127.0.0.1:{port}."


# --- faults: POST /orders is reconciled, never repeated ---------------------


class OrderBook:
    """Creates orders on POST like MultiSafepay would, and answers GETs for them."""

    def __init__(self, fake_msp: FakeMsp) -> None:
        self.orders: dict[str, dict[str, object]] = {}
        self.lock = threading.Lock()
        self.fake_msp = fake_msp

    def created_then(self, reply: Reply) -> object:
        def handle(seen: Seen) -> Reply:
            body = seen.json()
            data = dict(fixture_json("postOrdersCreditCardDirect3DS.json")["data"])
            data["order_id"] = body["order_id"]
            with self.lock:
                self.orders[body["order_id"]] = data
            self.fake_msp.on("GET", f"orders/{body['order_id']}", Reply(body={"success": True, "data": data}))
            return reply

        return handle


def test_timeout_after_create_returns_the_existing_order(client: MspClient, fake_msp: FakeMsp) -> None:
    book = OrderBook(fake_msp)
    fake_msp.on("POST", "orders", book.created_then(Reply(body={"success": True, "data": {}}, delay=SLOW)))
    result = client.create_direct_card_order(card_order("slow-1"))

    assert result.reconciled
    assert result.data.order_id == "slow-1"
    assert result.data.transaction_id == 5437731
    assert fake_msp.count("POST", "orders") == 1
    assert fake_msp.count("GET", "orders/slow-1") == 1
    assert list(book.orders) == ["slow-1"]


def test_dropped_connection_after_create_returns_the_existing_order(
    client: MspClient, fake_msp: FakeMsp
) -> None:
    book = OrderBook(fake_msp)
    fake_msp.on("POST", "orders", book.created_then(Reply(fault="drop")))
    result = client.create_direct_card_order(card_order("dropped-1"))
    assert result.reconciled
    assert fake_msp.count("POST", "orders") == 1


def test_truncated_create_answer_returns_the_existing_order(client: MspClient, fake_msp: FakeMsp) -> None:
    book = OrderBook(fake_msp)
    answer = fixture_text("postOrdersCreditCardDirect3DS.json")
    fake_msp.on("POST", "orders", book.created_then(Reply(body=answer, fault="truncate")))
    result = client.create_direct_card_order(card_order("cut-1"))
    assert result.reconciled
    assert result.data.order_id == "cut-1"


def test_timeout_without_order_says_retry_is_safe(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("POST", "orders", Reply(body=fixture_text("error1006.json"), delay=SLOW))
    fake_msp.on("GET", "orders/never-1", Reply(404, fixture_text("error1006.json")))
    with pytest.raises(OrderNotCreated) as caught:
        client.create_direct_card_order(card_order("never-1"))
    assert "was not created" in caught.value.message
    assert "safe to try again" in caught.value.message
    assert isinstance(caught.value.cause, RequestTimeout)
    assert fake_msp.count("POST", "orders") == 1


def test_server_error_on_create_is_checked_not_repeated(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("POST", "orders", Reply(503, "unavailable", "text/plain"))
    fake_msp.on("GET", "orders/e-1", Reply(404, fixture_text("error1006.json")))
    with pytest.raises(OrderNotCreated):
        client.create_direct_card_order(card_order("e-1"))
    assert fake_msp.count("POST", "orders") == 1


def test_failed_lookup_after_timeout_leaves_state_unknown(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("POST", "orders", Reply(body={}, delay=SLOW))
    fake_msp.on("GET", "orders/u-1", Reply(500, "oops", "text/plain"))
    with pytest.raises(OrderStateUnknown) as caught:
        client.create_direct_card_order(card_order("u-1"))
    assert "Look the order up before trying again" in caught.value.message
    assert "safe to try again" not in caught.value.message
    assert fake_msp.count("POST", "orders") == 1
    assert fake_msp.count("GET", "orders/u-1") == 3


def test_refund_is_never_repeated_after_a_timeout(client: MspClient, fake_msp: FakeMsp) -> None:
    fake_msp.on("POST", "orders/r-1/refunds", Reply(body=fixture_text("refundOrder.json"), delay=SLOW))
    with pytest.raises(RequestTimeout):
        client.refund_full("r-1", "EUR")
    assert fake_msp.count("POST", "orders/r-1/refunds") == 1


def test_unreachable_host_on_create_is_not_reconciled(
    http_client: httpx.Client, fast_retry: RetryPolicy
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = MspClient(http_client, f"http://127.0.0.1:{port}/v1/json/", API_KEY, retry=fast_retry)
    with pytest.raises(NetworkUnreachable):
        client.create_direct_card_order(card_order())


# --- secrets stay out of logs and errors -------------------------------------


def test_no_key_card_or_cvc_in_logs_or_errors(
    client: MspClient, fake_msp: FakeMsp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    book = OrderBook(fake_msp)
    fake_msp.on("POST", "orders", book.created_then(Reply(body={}, delay=SLOW)))
    client.create_direct_card_order(card_order("log-1"))
    fake_msp.on("GET", "me", Reply(401, fixture_text("error1032.json")))
    fake_msp.on("GET", "orders/bad", Reply(500, f"card {CARD} key {API_KEY}", "text/plain"))
    errors: list[str] = []
    for call in (client.me, lambda: client.get_order("bad")):
        with pytest.raises(MspError) as caught:
            call()
        errors.append(str(caught.value))
        errors.append(repr(caught.value))
    assert caplog.records, "the client logs its requests"
    everything = "\n".join([caplog.text, *errors, repr(client)])
    assert API_KEY not in everything
    assert CARD not in everything
    assert f"cvc: {CVC}" not in everything.lower()
    assert '"card_cvc"' not in everything


def test_key_with_whitespace_is_refused(http_client: httpx.Client) -> None:
    with pytest.raises(ValueError, match="whitespace"):
        MspClient(http_client, "http://127.0.0.1:1/v1/json/", "abc def")
