"""The inbox's words for received notifications and delivery attempts, without a window."""

from __future__ import annotations

import json
from typing import Any

import pytest

from msp_desk.sandbox.attempts import NotificationAttempt
from msp_desk.sandbox.errors import ApiError, order_not_found
from msp_desk.sandbox.inbox import (
    MODES,
    attempt_detail,
    attempt_row,
    explain_signature,
    received_detail,
    received_row,
    resend_problem,
    resend_refusal,
    status_carried,
)
from msp_desk.sandbox.receiver import AnswerMode, ReceivedNotification
from msp_desk.sandbox.store import Site
from msp_desk.webhooks.signature import sign

KEY_A = "a" * 36 + "0001"
KEY_B = "b" * 36 + "0002"
SITES = [Site(11111, 1, KEY_A), Site(22222, 2, KEY_B)]
NOW = 1_800_000_000
ARRIVED = "2027-01-15T08:00:00.250"  # NOW, in UTC


def _received(body: bytes = b"", auth: str | None = None, **changes: Any) -> ReceivedNotification:
    headers = [("content-type", "application/json")] + ([("auth", auth)] if auth else [])
    fields: dict[str, Any] = {
        "id": 7,
        "site_id": 11111,
        "received_at": ARRIVED,
        "method": "POST",
        "url": f"http://127.0.0.1:8765/_sandbox/receiver/11111?transactionid=o-1&timestamp={NOW}",
        "headers": headers,
        "body": body.decode(),
        "body_bytes": len(body),
        "transaction_id": "o-1",
        "signature": "valid",
        "signature_detail": "",
        "mode": "ok",
        "answer_status": 200,
        "answer_body": "OK",
    }
    return ReceivedNotification(**{**fields, **changes})


def _attempt(**changes: Any) -> NotificationAttempt:
    record: dict[str, Any] = {
        "notification_id": "n1",
        "trigger": "status change",
        "event": "completed/completed",
        "attempt": 1,
        "time": "2027-01-15T08:00:00.100",
        "timestamp": NOW,
        "url": f"https://shop.example/notify?transactionid=o-1&timestamp={NOW}",
        "method": "POST",
        "request_headers": {},
        "request_body": None,
        "response_status": 500,
        "response_text": "Internal Server Error",
        "error": None,
        "duration_ms": 12.5,
        "acknowledged": False,
        "retry_scheduled": True,
        "retries_left": 3,
        "next_retry_at": "2027-01-15T08:15:00.100",
        "outcome": "retrying",
    }
    return NotificationAttempt.from_record(9, 11111, "o-1", {**record, **changes})


def test_every_mode_has_a_name_and_one_line_on_what_multisafepay_then_does() -> None:
    assert set(MODES) == set(AnswerMode)
    for title, line in MODES.values():
        assert title
        assert "\n" not in line
    assert "retries 3 times, 15 minutes apart, then gives up" in MODES[AnswerMode.SERVER_ERROR][1]
    assert "never followed" in MODES[AnswerMode.REDIRECT][1]
    assert "gives up after 10 s" in MODES[AnswerMode.NO_ANSWER][1]


def test_a_received_row_says_status_signature_and_answer() -> None:
    body = b'{"order_id":"o-1","status":"completed"}'
    row = received_row(_received(body))
    assert (row.time, row.order_id, row.method, row.status) == (
        "2027-01-15 08:00:00",
        "o-1",
        "POST",
        "completed",
    )
    assert (row.signature, row.answer, row.problem) == ("✓ valid", "200 OK", False)

    failed = received_row(_received(body, signature="invalid", mode="http-500", answer_status=500))
    assert (failed.signature, failed.signature_problem) == ("✗ invalid", True)
    assert failed.answer_problem
    assert received_row(_received(body, answer_status=None, answer_body=None)).answer == "no answer"
    assert received_row(_received(body, answer_status=302, answer_body="")).answer == "302 redirect"
    lowercase = received_row(_received(body, answer_body="ok"))
    assert (lowercase.answer, lowercase.answer_problem) == ("200 ok", False)


def test_a_get_notification_needs_no_signature_but_a_post_does() -> None:
    get = received_row(_received(method="GET", signature="absent"))
    assert (get.signature, get.problem, get.status) == ("none (GET)", False, "")
    post = received_row(_received(b"{}", signature="absent"))
    assert (post.signature, post.problem) == ("✗ missing", True)


@pytest.mark.parametrize("body", ["", "not json", "[1, 2]", '{"status": 3}', '{"order_id": "x"}', "{"])
def test_a_body_without_an_order_status_carries_none(body: str) -> None:
    assert status_carried(body) == ""


def test_attempt_rows_say_which_try_it_was_and_what_follows() -> None:
    retrying = attempt_row(_attempt())
    assert (retrying.attempt, retrying.code, retrying.acknowledged) == ("1 of 4", "500", "✗ no")
    assert (retrying.next_retry, retrying.status, retrying.url) == (
        "2027-01-15 08:15:00",
        "completed",
        "https://shop.example/notify",
    )
    last = attempt_row(
        _attempt(attempt=4, retries_left=0, retry_scheduled=False, next_retry_at=None, outcome="failed")
    )
    assert (last.attempt, last.next_retry) == ("4 of 4", "given up")
    silent = attempt_row(
        _attempt(response_status=None, response_text="", error="ConnectError: [Errno 111] Connection refused")
    )
    assert (silent.code, silent.answer) == ("—", "no answer: ConnectError: [Errno 111] Connection refused")
    done = attempt_row(
        _attempt(
            acknowledged=True, response_status=200, response_text="OK", retries_left=0, retry_scheduled=False
        )
    )
    assert (done.attempt, done.acknowledged, done.next_retry, done.problem) == ("1", "✓ yes", "—", False)
    resend = attempt_row(_attempt(trigger="resend", retries_left=0, retry_scheduled=False, outcome="failed"))
    assert (resend.attempt, resend.next_retry) == ("resend", "none (a resend is sent once)")


def test_the_signature_is_explained_in_the_checkers_words_with_the_key_that_signed_it() -> None:
    body = b'{"order_id":"o-1","status":"completed"}'
    own = explain_signature(body, sign(KEY_A, NOW, body), SITES, 11111, at=NOW + 1, moment="when it arrived")
    assert (own.verdict, own.problem) == ("Signature: VALID", False)
    assert own.text.startswith("Checked with website 11111's API key (••••0001), when it arrived.\n")
    assert "Why: The signature matches the body's exact bytes" in own.text

    other = explain_signature(body, sign(KEY_B, NOW, body), SITES, 11111, at=NOW, moment="when it arrived")
    assert other.text.startswith("Checked with website 22222's API key (••••0002)")
    assert not other.problem

    respaced = json.dumps(json.loads(body)).encode()
    changed = explain_signature(respaced, sign(KEY_A, NOW, body), SITES, 11111, at=NOW, moment="")
    assert changed.verdict == "Signature: VALID ONLY AFTER A CHANGE TO THE BODY"
    assert changed.problem

    late = explain_signature(body, sign(KEY_A, NOW, body), SITES, 11111, at=NOW + 3600, moment="")
    assert late.verdict == "Signature: INVALID"
    assert "outside the 600 s window" in late.text
    for text in (own.text, other.text, changed.text, late.text):
        assert KEY_A not in text
        assert KEY_B not in text


def test_the_detail_of_a_received_notification_shows_everything_masked_where_it_must() -> None:
    body = json.dumps({"order_id": "o-1", "transaction_id": 4111111111111111, "status": "completed"}).encode()
    auth = sign(KEY_A, NOW, body)
    detail = received_detail(_received(body, auth), SITES)
    assert detail.raw_body == body.decode(), "nothing secret: the exact text"
    assert '"transaction_id": 4111111111111111' in detail.pretty_json
    assert f"auth: {auth}" in detail.headers.splitlines()
    assert detail.verdict == "Signature: VALID"
    assert "2027-01-15 08:00:00 UTC for order o-1; answered 200 OK." in detail.summary
    assert "MultiSafepay counts this answer as received" in detail.delivery

    carded = json.dumps({"order_id": "o-1", "note": "card 4111111111111111"}).encode()
    masked = received_detail(_received(carded, sign(KEY_A, NOW, carded)), SITES)
    assert "4111111111111111" not in masked.raw_body + masked.pretty_json
    assert "card numbers and keys are masked here" in masked.raw_body
    assert masked.verdict == "Signature: VALID", "checked on the bytes as they arrived"

    keyed = received_detail(_received(b"{}", headers=[("api_key", KEY_B)]), SITES)
    assert KEY_B not in keyed.headers


def test_a_get_notification_without_a_signature_is_no_problem() -> None:
    detail = received_detail(_received(method="GET", signature="absent"), SITES)
    assert (detail.verdict, detail.signature_problem) == (
        "No signature: MultiSafepay signs POST notifications only.",
        False,
    )
    assert detail.raw_body.startswith("(no body")
    assert "There is no Auth header." in detail.signature


def test_the_detail_of_an_attempt_says_what_happens_next() -> None:
    body = '{"order_id":"o-1","status":"completed"}'
    headers = {"Content-Type": "application/json", "Auth": sign(KEY_A, NOW, body.encode())}
    detail = attempt_detail(_attempt(request_headers=headers, request_body=body), SITES)
    assert detail.verdict == "Signature: VALID"
    assert "when it was sent" in detail.signature
    assert "Answer: HTTP 500 after 12.5 ms" in detail.delivery
    assert "What happens next: failed; retry at 2027-01-15 08:15:00 UTC (3 left)." in detail.delivery


def test_a_resend_needs_an_order_and_a_url_the_sandbox_can_deliver_to() -> None:
    assert resend_problem("", "") == "Enter the order ID to resend, or select a notification in the list."
    assert resend_problem("o-1", "") is None
    assert resend_problem("o-1", "http://127.0.0.1:8765/_sandbox/receiver/1") is None, "sandbox rules"
    assert resend_problem("o-1", "ftp://x.example") == (
        "To URL: The notification URL must start with http:// or https://."
    )
    assert (resend_problem("o-1", "https://shop.example/a b") or "").startswith(
        "To URL: MultiSafepay accepts only"
    )


def test_a_refused_resend_is_told_in_words() -> None:
    assert resend_refusal(order_not_found(), "o-9") == "The sandbox has no order “o-9” on this website."
    missing = ApiError(
        1000, "Missing url: neither the order nor the website has a notification_url; give one"
    )
    assert resend_refusal(missing, "o-1").startswith("Order “o-1” has no notification URL")
    assert (
        resend_refusal(ApiError(1000, "Something else"), "o-1")
        == "The sandbox refused the resend: Something else"
    )
