"""Whatever a server answers, the client raises one of its own errors or returns a model the screens can show.

A loopback server answers every operation of :class:`MspClient` with
hypothesis-made answers: any status, any content type (charsets included),
bodies shaped like MultiSafepay's envelope with any JSON in every field of the
expected model, and bodies no generator finds by chance (numbers past
``int()``'s 4,300-digit limit, nesting past the recursion limit). Nothing but an
``MspError`` may come out; a returned order must become a summary, a site a form.
"""

from __future__ import annotations

import datetime as dt
import json
import typing
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from msp_desk.api.client import MspClient
from msp_desk.api.envelope import decode
from msp_desk.api.environments import Environment
from msp_desk.api.errors import MspError
from msp_desk.api.http import make_http_client
from msp_desk.api.models import Me, Order, RefundResult, Site, TransactionPage
from msp_desk.api.order_summary import summarise
from msp_desk.api.remedies import explain
from msp_desk.api.request_models import (
    CardGatewayInfo,
    DirectCardOrder,
    RefundRequest,
    SiteUpdate,
    TransactionFilters,
)
from msp_desk.api.retry import RetryPolicy, retry_after_seconds
from msp_desk.core.order_ids import order_id_problem
from msp_desk.webhooks.site_settings import SiteSnapshot, check_site_form
from tests.api.fake_msp import API_KEY, FakeMsp, Reply
from tests.helpers.nasty import RAW_BODIES, json_values, nasty_text, scalars

# One try, no waiting: a 429 asking for an hour must not hold the test up.
_ONCE = RetryPolicy(attempts=1, backoff=0.0, max_backoff=0.0, reconcile_delay=0.0, max_retry_after=0.0)


def _model_in(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model class inside an annotation such as ``list[Cost] | None``, and whether it is a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    for arg in typing.get_args(annotation):
        model, listed = _model_in(arg)
        if model is not None:
            return model, listed or typing.get_origin(annotation) is list
    return None, False


def shaped(model: type[BaseModel], depth: int = 0) -> st.SearchStrategy[Any]:
    """A dict with some of ``model``'s fields, each nested model shaped the same way or any JSON."""
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        inner, listed = _model_in(info.annotation)
        value = st.one_of(scalars, json_values)
        if inner is not None and depth < 2:
            one = shaped(inner, depth + 1)
            value = st.one_of(st.lists(one, max_size=3) if listed else one, json_values)
        optional[info.alias or name] = value
    return st.fixed_dictionaries({}, optional=optional)


def envelope(data: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.fixed_dictionaries({"success": st.just(True), "data": data}),
        st.fixed_dictionaries(
            {},
            optional={
                "success": st.one_of(st.booleans(), json_values),
                "data": st.one_of(data, json_values),
                "error_code": st.one_of(st.integers(1000, 1100), json_values),
                "error_info": st.one_of(nasty_text(), json_values),
                "message": json_values,
                "errors": st.one_of(
                    st.lists(st.dictionaries(st.sampled_from(["attribute", "message"]), json_values)),
                    json_values,
                ),
                "pager": json_values,
            },
        ),
        json_values,
    )


_CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin-1",
        "application/json; charset=base64",
        "application/json; charset=rot13",
        "application/json; charset=no-such-charset",
        "text/html",
        "text/plain; charset=utf-16",
        "",
    ]
)
_STATUSES = st.sampled_from([200, 201, 204, 301, 400, 401, 403, 404, 409, 410, 422, 429, 500, 502, 503])


def replies(data: st.SearchStrategy[Any]) -> st.SearchStrategy[Reply]:
    body = st.one_of(
        envelope(data).map(lambda doc: json.dumps(doc)),  # ASCII escapes: lone surrogates survive the trip
        st.sampled_from(RAW_BODIES),
        st.binary(max_size=200),
    )
    return st.builds(Reply, status=_STATUSES, body=body, content_type=_CONTENT_TYPES)


def _order_request() -> DirectCardOrder:
    return DirectCardOrder(
        order_id="o-1",
        currency="EUR",
        amount=1000,
        description="Test",
        gateway="VISA",
        gateway_info=CardGatewayInfo(
            card_number="4111111111111111", card_holder_name="T", card_expiry_date="3012", card_cvc="123"
        ),
    )


Call = Callable[[MspClient], Any]
OPERATIONS: dict[str, tuple[Call, type[BaseModel], list[tuple[str, str]]]] = {
    "me": (lambda c: c.me(), Me, [("GET", "me")]),
    "get_order": (lambda c: c.get_order("o 1/?"), Order, [("GET", "orders/o%201%2F%3F")]),
    "create": (
        lambda c: c.create_direct_card_order(_order_request()),
        Order,
        [("POST", "orders"), ("GET", "orders/o-1")],
    ),
    "cancel": (lambda c: c.cancel_order("o-1"), BaseModel, [("PATCH", "orders/o-1")]),
    "refund": (
        lambda c: c.refund("o-1", RefundRequest(currency="EUR", amount=100)),
        RefundResult,
        [("POST", "orders/o-1/refunds")],
    ),
    "get_site": (lambda c: c.get_site(10), Site, [("GET", "sites/10")]),
    "update_site": (lambda c: c.update_site(10, SiteUpdate(name="x")), Site, [("PATCH", "sites/10")]),
    "transactions": (
        lambda c: c.list_transactions(TransactionFilters(limit=2)),
        TransactionPage,
        [("GET", "transactions")],
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[FakeMsp]:
    with FakeMsp() as fake:
        yield fake


@pytest.fixture(scope="module")
def client(server: FakeMsp) -> Iterator[MspClient]:
    with make_http_client(connect_timeout=2.0, read_timeout=5.0) as http:
        yield MspClient(http, server.base_url, API_KEY, retry=_ONCE, environment=Environment.TEST)


def _data_for(operation: str) -> st.SearchStrategy[Any]:
    model = OPERATIONS[operation][1]
    if model is TransactionPage:
        return st.lists(
            shaped(TransactionPage.model_fields["transactions"].annotation.__args__[0]), max_size=3
        )
    return shaped(model) if model is not BaseModel else json_values


_operation_and_reply = st.sampled_from(sorted(OPERATIONS)).flatmap(
    lambda name: st.tuples(st.just(name), replies(_data_for(name)))
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(case=_operation_and_reply)
@example(case=("get_order", Reply(200, RAW_BODIES[5])))
@example(case=("get_order", Reply(400, RAW_BODIES[7])))
@example(case=("get_order", Reply(400, RAW_BODIES[8])))
@example(case=("me", Reply(200, RAW_BODIES[9])))
@example(case=("get_order", Reply(200, '{"success": true, "data": {}}', "application/json; charset=base64")))
@example(
    case=("get_order", Reply(200, {"success": True, "data": {"costs": [{"amount": "1E+999999999999"}]}}))
)
@example(case=("get_order", Reply(200, {"success": True, "data": {"created": "0001-01-01T00:00:00"}})))
@example(case=("get_site", Reply(200, {"success": True, "data": {"price_from": 10**40, "api_key": "k"}})))
def test_every_operation_returns_a_model_or_raises_an_msp_error(
    server: FakeMsp, client: MspClient, case: tuple[str, Reply]
) -> None:
    name, reply = case
    call, _, routes = OPERATIONS[name]
    for method, path in routes:
        server.on(method, path, reply)
    try:
        response = call(client)
    except MspError as error:
        explained = explain(error)
        assert not explained.unexpected
        assert explained.message
        assert "\n" not in explained.message
        assert API_KEY not in explained.message
        return
    show(response.data)


def show(data: Any) -> None:
    """What the screens do with an answer, minus Qt: an order's summary, a site's form and its PATCH."""
    if isinstance(data, Order):
        for environment in ("sandbox", "test"):
            for zone in (dt.UTC, ZoneInfo("Pacific/Kiritimati")):
                summary = summarise(data, environment, zone=zone)
                assert all(isinstance(value, str) for value in summary.values.values())
        assert isinstance(data.needs_3ds, bool)
    elif isinstance(data, TransactionPage):
        assert data.next_cursor is None or isinstance(data.next_cursor, str)


@settings(max_examples=150, deadline=None)
@given(
    data=shaped(Order),
    environment=st.sampled_from(["sandbox", "test", "live"]),
    zone=st.sampled_from([dt.UTC, ZoneInfo("Europe/Amsterdam"), ZoneInfo("Pacific/Pago_Pago")]),
)
@example(data={"costs": [{"amount": "1E+999999999999"}, {"amount": "1"}]}, environment="test", zone=dt.UTC)
@example(
    data={"created": "0001-01-01T00:00:00", "amount": 1, "currency": "EUR"}, environment="live", zone=dt.UTC
)
@example(data={"amount": 10**4000, "currency": "KWD"}, environment="test", zone=dt.UTC)
def test_any_order_a_server_sends_becomes_a_summary(data: Any, environment: str, zone: dt.tzinfo) -> None:
    try:
        order = Order.model_validate(data)
    except ValidationError:
        return  # the client turns this into MalformedResponse, as the test above shows
    summary = summarise(order, environment, zone=zone)
    assert summary.values["order_id"]
    assert all(isinstance(row.amount, str) for row in summary.related)


@settings(max_examples=150, deadline=None)
@given(data=shaped(Site), form=st.lists(nasty_text(), min_size=7, max_size=7), sandbox=st.booleans())
@example(data={"price_from": 10**40}, form=[""] * 7, sandbox=False)
@example(data={"price_from": -5, "price_till": 10**12}, form=["n", "", "", "", "", "1", "2"], sandbox=True)
def test_any_site_a_server_sends_can_be_edited_and_saved(data: Any, form: list[str], sandbox: bool) -> None:
    from msp_desk.api.models import ApiResponse
    from msp_desk.webhooks.site_settings import SiteFormValues

    try:
        site = Site.model_validate(data)
    except ValidationError:
        return
    snapshot = SiteSnapshot.of(ApiResponse(site, {"data": data}, "", 200), 10)
    assert snapshot.price_range()
    assert snapshot.title()
    for values in (snapshot.values(), SiteFormValues(*form)):
        check = check_site_form(values, snapshot, sandbox=sandbox)
        assert all(message.endswith(".") for message in check.errors.values()), check.errors
        if check.ok:
            check.update().to_payload()  # the PATCH body the site screen sends


@settings(max_examples=300, deadline=None)
@given(
    status=st.integers(100, 599),
    text=st.one_of(st.sampled_from(RAW_BODIES), envelope(json_values).map(json.dumps), nasty_text(200)),
    content_type=_CONTENT_TYPES,
)
def test_decode_raises_only_msp_errors(status: int, text: str, content_type: str) -> None:
    try:
        doc = decode(
            status=status,
            text=text,
            content_type=content_type,
            host="testapi.multisafepay.com",
            environment=Environment.TEST,
            subject="order o-1",
            secrets=(API_KEY,),
        )
    except MspError as error:
        message = error.message
    else:
        assert isinstance(doc, dict)
        assert doc.get("success") is True
        return
    assert message
    assert API_KEY not in message


@given(nasty_text())
@example("9" * 5000)
@example("Sat, 01 Jan 0001 00:00:00 GMT")
@example("Fri, 31 Dec 9999 23:59:59 GMT")
def test_a_retry_after_header_is_seconds_or_nothing(text: str) -> None:
    seconds = retry_after_seconds(text)
    assert seconds is None or seconds >= 0
    assert 0 <= _ONCE.wait_after_rate_limit(seconds, 1) <= _ONCE.max_retry_after


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(typed=nasty_text(80))
@example(typed="a/b?c=d#e f%2F")
@example(typed="..")
@example(typed="order\ud800")
def test_an_order_id_travels_as_one_path_segment(server: FakeMsp, client: MspClient, typed: str) -> None:
    """What the lookup field accepts reaches the server whole; anything else fails as an MspError."""
    from urllib.parse import unquote

    server.on("GET", "orders/never-matched", Reply(200, {}))
    before = len(server.requests)
    try:
        client.get_order(typed.strip())
    except MspError as error:
        message = error.message
    else:
        raise AssertionError("the stand-in answers 404 to every order")
    assert message
    if order_id_problem(typed) is not None:
        return
    seen = server.requests[before:]
    assert len(seen) == 1
    segment = seen[0].path.removeprefix("/v1/json/orders/")
    assert "/" not in segment
    assert unquote(segment) == typed.strip()


def test_text_that_cannot_travel_is_refused_before_anything_is_sent(
    server: FakeMsp, client: MspClient
) -> None:
    """A cursor from a broken answer or pasted text with a lone surrogate: ValidationFailed, no request."""
    from msp_desk.api.errors import ValidationFailed

    before = len(server.requests)
    calls = [
        lambda: client.list_transactions(TransactionFilters(after="\ud800")),
        lambda: client.refund("o-1", RefundRequest(currency="EUR", description="\udc80")),
        lambda: client.get_order(""),
    ]
    for call in calls:
        with pytest.raises(ValidationFailed, match="nothing was sent"):
            call()
    assert len(server.requests) == before
