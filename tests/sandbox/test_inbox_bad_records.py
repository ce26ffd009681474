"""The inbox's words for whatever a merchant's server answered and whatever reached the receiver.

Anyone can send the receiver any request (method, URL, headers, body), and a
merchant's handler can answer anything; the inbox rows, the detail with its
signature explained, and the order timeline must come out as text for every
one of them, with card numbers and keys masked.
"""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from msp_desk.history.records import EventKind, HistoryEvent
from msp_desk.sandbox.attempts import NotificationAttempt
from msp_desk.sandbox.inbox import attempt_detail, attempt_row, received_detail, received_row, status_carried
from msp_desk.sandbox.receiver import ReceivedNotification
from msp_desk.sandbox.store import Site
from msp_desk.support.timeline import build_timeline, summary
from msp_desk.webhooks.signature import sign
from tests.helpers.nasty import json_text, json_values, nasty_text

KEY = "0123456789abcdef0123456789abcdef01234567"
CARD = "4111111111111111"
SITES = [Site(site_id=10001, account_id=1, api_key=KEY), Site(site_id=10002, account_id=2, api_key="k" * 40)]

_times = st.one_of(
    nasty_text(30), st.sampled_from(["2025-10-02T09:14:03.123", "0001-01-01T00:00:00", "9999-12-31T23:59:59"])
)
_bodies = st.one_of(
    nasty_text(300),
    json_values.map(json_text),
    st.sampled_from(
        [f'{{"card": "{CARD}", "status": "completed"}}', "[" * 5000, '{"status": ' + "1" * 5000 + "}"]
    ),
)
_headers = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(["Auth", "auth", "Content-Type", "X-Key"]), nasty_text(20)), nasty_text(80)
    ),
    max_size=5,
)


@st.composite
def received(draw: st.DrawFn) -> ReceivedNotification:
    body = draw(_bodies)
    headers = draw(_headers)
    if draw(st.booleans()):
        headers.append(
            ("Auth", sign(KEY, draw(st.integers(0, 2**40)), body.encode("utf-8", "surrogatepass")))
        )
    return ReceivedNotification(
        id=draw(st.integers(1, 10**6)),
        site_id=draw(st.sampled_from([10001, 10002, 99999])),
        received_at=draw(_times),
        method=draw(st.one_of(st.sampled_from(["POST", "GET"]), nasty_text(10))),
        url=draw(nasty_text(200)),
        headers=headers,
        body=body,
        body_bytes=len(body),
        transaction_id=draw(st.one_of(st.none(), nasty_text(60))),
        signature=draw(st.sampled_from(["valid", "invalid", "absent"])),
        signature_detail=draw(nasty_text(60)),
        mode=draw(st.one_of(st.sampled_from(["ok", "server_error"]), nasty_text(10))),
        answer_status=draw(st.one_of(st.none(), st.integers(100, 599))),
        answer_body=draw(st.one_of(st.none(), nasty_text(200))),
    )


@st.composite
def attempts(draw: st.DrawFn) -> NotificationAttempt:
    acknowledged = draw(st.booleans())
    body = draw(st.one_of(st.none(), _bodies))
    return NotificationAttempt(
        id=draw(st.integers(1, 10**6)),
        site_id=draw(st.sampled_from([10001, 10002, 99999])),
        order_id=draw(nasty_text(60)),
        notification_id=draw(nasty_text(20)),
        trigger=draw(st.sampled_from(["status change", "resend", "retry"])),
        event=draw(nasty_text(30)),
        attempt=draw(st.integers(0, 10)),
        time=draw(_times),
        timestamp=draw(st.integers(0, 2**40)),
        url=draw(nasty_text(200)),
        method=draw(st.sampled_from(["POST", "GET"])),
        request_headers=dict(draw(_headers)),
        request_body=body,
        response_status=draw(st.one_of(st.none(), st.integers(100, 599))),
        response_text=draw(nasty_text(300)),
        error=draw(st.one_of(st.none(), nasty_text(100))),
        duration_ms=draw(st.floats(0, 1e9)),
        acknowledged=acknowledged,
        retry_scheduled=draw(st.booleans()),
        retries_left=draw(st.integers(0, 4)),
        next_retry_at=draw(st.one_of(st.none(), _times)),
        outcome="acknowledged" if acknowledged else draw(st.sampled_from(["retrying", "failed"])),
    )


def _all_text(*values: object) -> str:
    return "\n".join(str(value) for value in values)


@settings(max_examples=150, deadline=None)
@given(entry=received())
def test_whatever_reached_the_receiver_becomes_a_row_and_a_detail(entry: ReceivedNotification) -> None:
    row = received_row(entry)
    detail = received_detail(entry, SITES)
    assert detail.summary
    assert detail.signature
    assert detail.verdict
    assert isinstance(row.problem, bool)
    shown = _all_text(row, detail.headers, detail.raw_body, detail.pretty_json, detail.signature)
    assert KEY not in shown
    if CARD in entry.body:
        assert CARD not in detail.raw_body
        assert CARD not in detail.pretty_json
    assert isinstance(status_carried(entry.body), str)


@settings(max_examples=150, deadline=None)
@given(attempt=attempts())
def test_whatever_a_merchant_answered_becomes_a_row_a_detail_and_a_timeline_line(
    attempt: NotificationAttempt,
) -> None:
    row = attempt_row(attempt)
    detail = attempt_detail(attempt, SITES)
    assert row.acknowledged
    assert detail.delivery
    entries = build_timeline([], [attempt])
    assert len(entries) == 1
    assert entries[0].utc
    assert summary(entries, notifications_known=True)
    assert KEY not in _all_text(row, detail.summary, detail.headers, detail.signature)


def test_a_signed_body_is_explained_as_valid() -> None:
    body = '{"status": "completed"}'
    entry = ReceivedNotification(
        1,
        10001,
        "2025-10-02T09:14:03.123",
        "POST",
        "http://127.0.0.1/notify?transactionid=o-1",
        [("Auth", sign(KEY, 1759396443, body.encode()))],
        body,
        len(body),
        "o-1",
        "valid",
        "",
        "ok",
        200,
        "OK",
    )
    detail = received_detail(entry, SITES)
    assert detail.verdict == "Signature: VALID"
    assert base64.b64decode(entry.headers[0][1]).startswith(b"1759396443:")


@settings(max_examples=60, deadline=None)
@given(
    events=st.lists(
        st.builds(
            HistoryEvent,
            id=st.integers(1, 10**6),
            profile_id=st.just("p"),
            order_id=nasty_text(20),
            at=_times,
            kind=st.sampled_from(list(EventKind)),
            method=nasty_text(8),
            path=nasty_text(80),
            http_status=st.one_of(st.none(), st.integers(0, 999)),
            detail=nasty_text(120),
            duration_ms=st.one_of(st.none(), st.floats(allow_nan=True)),
        ),
        max_size=6,
    ),
    sent=st.lists(attempts(), max_size=3),
)
def test_any_history_and_attempts_make_one_timeline_oldest_first(
    events: list[HistoryEvent], sent: list[NotificationAttempt]
) -> None:
    entries = build_timeline(events, sent)
    assert len(entries) == len(events) + len(sent)
    known = [entry.at for entry in entries if entry.at is not None]
    assert known == sorted(known)
    assert summary(entries, notifications_known=bool(sent)).endswith(".")
