"""Whatever is typed in the order form, a refund amount or an order-id field: a named problem, not a crash.

Each field of :class:`OrderDraft` gets text built to break hand-written rules
(digits of other scripts, control characters, lone surrogates, 5,000-digit
numbers). Either ``problems()`` names the field with a sentence, or the draft
becomes a body that the request model accepts and that can be encoded as UTF-8
JSON, as the client sends it, with the card's digits and the CVC in 0-9 only.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import fields
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from msp_desk.api.request_models import DirectCardOrder
from msp_desk.core.money import MAX_ORDER_MINOR, AmountError, refund_minor_units, to_minor_units
from msp_desk.core.order_draft import OrderDraft, curl_command, preview_json
from msp_desk.core.order_ids import MAX_ORDER_ID_LENGTH, order_id_problem
from msp_desk.core.times import as_sent, clock_times, local_time
from tests.helpers.nasty import nasty_text

NEXT_YEAR = f"12/{(dt.date.today().year + 1) % 100:02d}"
TEXT_FIELDS = [f.name for f in fields(OrderDraft) if f.type == "str"]


def valid_draft() -> OrderDraft:
    return OrderDraft(
        order_id="order-1",
        amount="10.00",
        description="Test order",
        card_number="4111 1111 1111 1111",
        card_holder="Test Holder",
        card_expiry=NEXT_YEAR,
        card_cvc="123",
        email="shopper@example.com",
        browser_user_agent="Mozilla/5.0",
        browser_language="en-US",
        browser_screen_width="1920",
        browser_screen_height="1080",
        browser_time_zone="-60",
        notification_url="https://shop.example/webhook",
        redirect_url="https://msp-desk.localhost/return",
        cancel_url="https://msp-desk.localhost/cancel",
    )


def test_the_sample_draft_is_valid() -> None:
    assert valid_draft().problems() == {}
    assert {"order_id", "amount", "card_number", "card_cvc", "ip_address"} <= set(TEXT_FIELDS)


@settings(max_examples=400, deadline=None)
@given(field=st.sampled_from(TEXT_FIELDS), value=nasty_text())
@example(field="card_number", value="4111 1111 1111 ١١١١")
@example(field="card_cvc", value="¹²³")
@example(field="browser_screen_width", value="²")
@example(field="order_id", value="order\ud800")
@example(field="card_holder", value="Test \ud800")
@example(field="amount", value="9" * 5000)
def test_every_field_gets_a_named_problem_or_a_sendable_body(field: str, value: str) -> None:
    draft = valid_draft()
    setattr(draft, field, value)
    problems = draft.problems()
    assert set(problems) <= set(TEXT_FIELDS)
    for message in problems.values():
        assert message.strip(), field
        assert message.endswith("."), message
    if problems:
        # A card number of another brand can make the typed CVC the wrong length; a currency, the amount.
        related = {"card_number": {"card_cvc"}, "currency": {"amount"}}.get(field, set())
        assert set(problems) <= {field} | related
        first = re.escape(next(iter(problems.values())))
        with pytest.raises(ValueError, match=first) as refused:
            draft.payload()
        assert all(message in str(refused.value) for message in problems.values())
        return
    body = draft.payload()
    request = DirectCardOrder.model_validate(body)  # what the order screen sends
    sent = json.dumps(request.to_payload(), ensure_ascii=False).encode("utf-8")
    info = json.loads(sent)["gateway_info"]
    assert info["card_number"].isascii()
    assert info["card_number"].isdigit()
    assert info.get("card_cvc", "123").isascii()
    assert info.get("card_cvc", "123").isdigit()
    browser = json.loads(sent)["customer"].get("browser", {})
    for name in ("screen_width", "screen_height", "screen_color_depth"):
        assert browser.get(name, "1").isascii()
        assert browser.get(name, "1").isdigit()
    shown = preview_json(body) + curl_command("http://127.0.0.1:1/v1/json/", body)
    assert cards_digits(body) not in shown


def cards_digits(body: dict[str, object]) -> str:
    info = body["gateway_info"]
    assert isinstance(info, dict)
    return str(info["card_number"])


@settings(max_examples=200, deadline=None)
@given(
    text=nasty_text(),
    currency=st.sampled_from(["EUR", "JPY", "KWD", "eur", "XXX"]),
    left=st.integers(min_value=-5, max_value=MAX_ORDER_MINOR * 10),
)
@example(text="1" * 5000, currency="EUR", left=100)
@example(text="٣", currency="EUR", left=100)
def test_a_refund_amount_is_minor_units_within_what_is_left_or_a_named_rule(
    text: str, currency: str, left: int
) -> None:
    try:
        minor = refund_minor_units(text, currency, left)
    except AmountError as error:
        message = str(error)
    else:
        assert 1 <= minor <= left
        assert minor == to_minor_units(text, currency) or minor > MAX_ORDER_MINOR
        return
    assert message.endswith("."), message


@settings(max_examples=300, deadline=None)
@given(nasty_text(max_size=80))
@example("a\ud800b")
@example("order\n2")
@example("x" * 51)
def test_an_order_id_is_sendable_or_its_problem_is_named(text: str) -> None:
    problem = order_id_problem(text)
    if problem is not None:
        assert problem.endswith("."), problem
        return
    order_id = text.strip()
    assert 1 <= len(order_id) <= MAX_ORDER_ID_LENGTH
    order_id.encode("utf-8")  # it can travel in a URL path and a JSON body
    assert not any(unicodedata.category(c) in {"Cc", "Cs", "Zl", "Zp"} for c in order_id)


_ZONES = [dt.UTC, ZoneInfo("Europe/Amsterdam"), ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago")]


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(
        st.datetimes(),
        st.datetimes(timezones=st.sampled_from(_ZONES)),
        nasty_text(30),
        st.sampled_from(["0001-01-01T00:00:00", "9999-12-31T23:59:59", "0001-01-01"]),
    ),
    environment=st.sampled_from(["sandbox", "test", "live"]),
    zone=st.sampled_from(_ZONES),
)
@example(value="0001-01-01T00:00:00", environment="live", zone=dt.UTC)
@example(value="9999-12-31T23:59:59", environment="sandbox", zone=ZoneInfo("Pacific/Kiritimati"))
def test_any_time_a_server_sends_is_shown_as_text(
    value: dt.datetime | str, environment: str, zone: dt.tzinfo
) -> None:
    shown = local_time(value, environment, zone=zone)
    assert isinstance(shown, str)
    assert shown
    assert isinstance(as_sent(value, environment), str)


@given(
    instants=st.lists(
        st.one_of(st.none(), st.datetimes(), st.datetimes(timezones=st.sampled_from(_ZONES))), max_size=5
    ),
    zone=st.sampled_from(_ZONES),
    seconds_only=st.booleans(),
)
@example(instants=[dt.datetime(1, 1, 1, tzinfo=dt.UTC)], zone=_ZONES[3], seconds_only=False)
@example(instants=[dt.datetime(9999, 12, 31, 23, 59)], zone=_ZONES[2], seconds_only=True)
def test_a_timeline_column_of_any_moments_is_text(
    instants: list[dt.datetime | None], zone: dt.tzinfo, seconds_only: bool
) -> None:
    shown, _first_day, _zone_name = clock_times(instants, zone=zone, seconds_only=seconds_only)
    assert len(shown) == len(instants)
    assert all(isinstance(text, str) and text for text in shown)
