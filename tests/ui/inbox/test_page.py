"""The inbox screen against the embedded sandbox over loopback: notifications, retries, resends, detail."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import httpx
import pytest
from PySide6.QtCore import Qt

from msp_desk.api.environments import Environment
from msp_desk.credentials.access import open_store
from msp_desk.credentials.profiles import Profile
from msp_desk.sandbox.inbox import MODES
from msp_desk.sandbox.receiver import AnswerMode
from msp_desk.sandbox.server import SandboxServer
from msp_desk.ui.inbox.page import ATTEMPTS_TAB, RECEIVED_TAB, InboxPage
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.widgets.colours import alert_text_colour
from msp_desk.webhooks.signature import sign
from tests.ui.conftest import choose, click, replace_text
from tests.ui.inbox.conftest import DECLINES, column_of, send_order, shown

WAIT = 15000
TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def _row_of(page: InboxPage, tab: int, order_id: str, nth: int = 0) -> int:
    """The table row (newest first) of an order's ``nth`` notification, oldest first."""
    rows = page.received_rows if tab == RECEIVED_TAB else page.attempt_rows
    matching = [row for row, order in enumerate(shown(rows, "Order ID")) if order == order_id][::-1]
    return matching[nth]


def _open(qtbot, page: InboxPage, tab: int, order_id: str, nth: int = 0) -> None:
    page.select_row(tab, _row_of(page, tab, order_id, nth))
    qtbot.waitUntil(lambda: not page.ops.busy("detail"), timeout=WAIT)
    assert order_id in page.detail.summary.text()


def _timestamp(summary: str) -> int:
    found = re.search(r"timestamp=(\d+)", summary)
    assert found, summary
    return int(found.group(1))


def _post(
    server: SandboxServer, body: bytes, auth: str, order_id: str, timeout: float = 5.0
) -> httpx.Response:
    return httpx.post(
        f"{server.receiver_url()}?transactionid={order_id}&timestamp={int(time.time())}",
        content=body,
        headers={"Auth": auth, "Content-Type": "application/json"},
        timeout=timeout,
    )


def test_a_sandbox_orders_notification_reaches_the_inbox_signed_and_acknowledged(
    qtbot, page: InboxPage, server: SandboxServer
) -> None:
    assert page.receiver.url.text() == server.receiver_url()
    send_order(server, "inbox-paid")
    qtbot.waitUntil(lambda: "inbox-paid" in shown(page.received_rows, "Order ID"), timeout=WAIT)

    rows = page.received_rows
    assert column_of(rows, "Method", "inbox-paid") == ["POST"]
    assert column_of(rows, "Status", "inbox-paid") == ["completed"]
    assert column_of(rows, "Signature", "inbox-paid") == ["✓ valid"]
    assert column_of(rows, "Answer", "inbox-paid") == ["200 OK"]
    assert TIME.fullmatch(column_of(rows, "Time (UTC)", "inbox-paid")[0])
    assert page.counts.text().startswith("1 received · ")

    qtbot.waitUntil(lambda: "inbox-paid" in shown(page.attempt_rows, "Order ID"), timeout=WAIT)
    attempts = page.attempt_rows
    assert column_of(attempts, "URL", "inbox-paid") == [server.receiver_url()]
    assert column_of(attempts, "Code", "inbox-paid") == ["200"]
    assert column_of(attempts, "Acknowledged", "inbox-paid") == ["✓ yes"]
    assert column_of(attempts, "Next retry (UTC)", "inbox-paid") == ["—"]


def test_a_receiver_answering_500_makes_the_sandbox_retry_until_it_gives_up(
    qtbot, page: InboxPage, server: SandboxServer
) -> None:
    site = server.sites[0].site_id
    choose(page.receiver.mode, MODES[AnswerMode.SERVER_ERROR][0])
    qtbot.waitUntil(lambda: server.engine.receiver.mode(site) is AnswerMode.SERVER_ERROR, timeout=WAIT)
    assert page.receiver.explanation.text() == MODES[AnswerMode.SERVER_ERROR][1]
    assert "retries 3 times, 15 minutes apart, then gives up" in page.receiver.explanation.text()

    send_order(server, "inbox-500")
    qtbot.waitUntil(lambda: len(column_of(page.attempt_rows, "Attempt", "inbox-500")) == 4, timeout=WAIT)

    attempts = page.attempt_rows
    assert column_of(attempts, "Attempt", "inbox-500") == ["1 of 4", "2 of 4", "3 of 4", "4 of 4"]
    assert column_of(attempts, "Code", "inbox-500") == ["500"] * 4
    assert column_of(attempts, "Acknowledged", "inbox-500") == ["✗ no"] * 4
    retries = column_of(attempts, "Next retry (UTC)", "inbox-500")
    assert all(TIME.fullmatch(when) for when in retries[:3]), retries
    assert retries[3] == "given up"
    red = alert_text_colour(page.palette())
    failed_code = attempts.index(_row_of(page, ATTEMPTS_TAB, "inbox-500"), 5)
    assert failed_code.data(Qt.ItemDataRole.ForegroundRole) == red

    qtbot.waitUntil(lambda: len(column_of(page.received_rows, "Answer", "inbox-500")) == 4, timeout=WAIT)
    assert column_of(page.received_rows, "Answer", "inbox-500") == ["500 Internal Server Error"] * 4
    assert column_of(page.received_rows, "Signature", "inbox-500") == ["✓ valid"] * 4, (
        "each retry is signed anew"
    )

    _open(qtbot, page, ATTEMPTS_TAB, "inbox-500", 0)
    delivery = page.detail.text_of("delivery")
    assert "Answer: HTTP 500" in delivery
    assert "failed; retry at" in delivery
    assert "(3 left)" in delivery
    _open(qtbot, page, ATTEMPTS_TAB, "inbox-500", 3)
    assert "no retries left, MultiSafepay has given up" in page.detail.text_of("delivery")
    _open(qtbot, page, RECEIVED_TAB, "inbox-500", 0)
    assert "MultiSafepay counts this answer as failed" in page.detail.text_of("delivery")


@pytest.mark.parametrize(
    ("mode", "status", "text", "shown_answer"),
    [
        (AnswerMode.OK, 200, "OK", "200 OK"),
        (AnswerMode.LOWERCASE_OK, 200, "ok", "200 ok"),
        (AnswerMode.SERVER_ERROR, 500, "Internal Server Error", "500 Internal Server Error"),
        (AnswerMode.REDIRECT, 302, "", "302 redirect"),
        (AnswerMode.NO_ANSWER, None, None, "no answer"),
    ],
)
def test_each_answer_mode_is_explained_and_given(
    qtbot,
    page: InboxPage,
    server: SandboxServer,
    mode: AnswerMode,
    status: int | None,
    text: str | None,
    shown_answer: str,
) -> None:
    if mode is AnswerMode.OK:
        choose(page.receiver.mode, MODES[AnswerMode.REDIRECT][0])  # so that choosing OK is a change
    choose(page.receiver.mode, MODES[mode][0])
    qtbot.waitUntil(lambda: MODES[mode][0] in page.receiver.feedback.text(), timeout=WAIT)
    assert server.engine.receiver.mode(server.sites[0].site_id) is mode
    explanation = page.receiver.explanation.text()
    assert explanation == MODES[mode][1]
    assert "\n" not in explanation, "one line"

    body = json.dumps({"order_id": "mode-check", "status": "completed"}).encode()
    auth = sign(server.sites[0].api_key, int(time.time()), body)
    if status is None:
        with pytest.raises(httpx.ReadTimeout):
            _post(server, body, auth, "mode-check", timeout=0.5)
    else:
        answer = _post(server, body, auth, "mode-check")
        assert (answer.status_code, answer.text) == (status, text)
    qtbot.waitUntil(lambda: "mode-check" in shown(page.received_rows, "Order ID"), timeout=WAIT)
    assert column_of(page.received_rows, "Answer", "mode-check") == [shown_answer]
    failing = mode in {AnswerMode.SERVER_ERROR, AnswerMode.REDIRECT, AnswerMode.NO_ANSWER}
    colour = page.received_rows.index(0, 5).data(Qt.ItemDataRole.ForegroundRole)
    assert (colour == alert_text_colour(page.palette())) is failing


def test_resend_sends_the_notification_again_with_a_new_timestamp(
    qtbot, page: InboxPage, server: SandboxServer
) -> None:
    send_order(server, "inbox-resend")
    qtbot.waitUntil(lambda: "inbox-resend" in shown(page.received_rows, "Order ID"), timeout=WAIT)
    _open(qtbot, page, RECEIVED_TAB, "inbox-resend")
    first = _timestamp(page.detail.summary.text())
    assert page.resend.order_edit.text() == "inbox-resend", "selecting a notification picks its order"
    qtbot.waitUntil(lambda: int(time.time()) > first, timeout=3000)

    assert page.resend.url_edit.text() == "", "empty: the order's own notification URL"
    click(qtbot, page.resend.resend_button)
    qtbot.waitUntil(lambda: len(column_of(page.received_rows, "Order ID", "inbox-resend")) == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: "acknowledged" in page.resend.message.text(), timeout=WAIT)
    assert page.resend.message.text() == (
        f"Resent order inbox-resend to {server.receiver_url()}: answered 200 OK, acknowledged."
    )

    _open(qtbot, page, RECEIVED_TAB, "inbox-resend", 1)
    assert _timestamp(page.detail.summary.text()) > first
    assert page.detail.verdict.text() == "Signature: VALID", "signed anew with the new timestamp"
    qtbot.waitUntil(lambda: "resend" in column_of(page.attempt_rows, "Attempt", "inbox-resend"), timeout=WAIT)
    assert column_of(page.attempt_rows, "Attempt", "inbox-resend") == ["1", "resend"]


def test_resend_to_another_url_is_checked_and_failures_elsewhere_are_listed(
    qtbot, page: InboxPage, server: SandboxServer
) -> None:
    nowhere = "http://127.0.0.1:9/nowhere"  # the discard port: nothing listens, the connection is refused
    send_order(server, "inbox-elsewhere", notification_url=nowhere)
    qtbot.waitUntil(lambda: len(column_of(page.attempt_rows, "URL", "inbox-elsewhere")) == 4, timeout=WAIT)
    assert column_of(page.attempt_rows, "URL", "inbox-elsewhere") == [nowhere] * 4
    assert column_of(page.attempt_rows, "Code", "inbox-elsewhere") == ["—"] * 4
    assert all(
        a.startswith("no answer: ConnectError")
        for a in column_of(page.attempt_rows, "Answer", "inbox-elsewhere")
    )
    assert "inbox-elsewhere" not in shown(page.received_rows, "Order ID")

    replace_text(qtbot, page.resend.order_edit, "inbox-elsewhere")
    replace_text(qtbot, page.resend.url_edit, "ftp://shop.example/notify")
    assert not page.resend.resend_button.isEnabled()
    assert page.resend.message.text() == "⚠ To URL: The notification URL must start with http:// or https://."

    click(qtbot, page.resend.inbox_button)
    assert page.resend.url_edit.text() == server.receiver_url()
    assert page.resend.resend_button.isEnabled()
    click(qtbot, page.resend.resend_button)
    qtbot.waitUntil(lambda: "inbox-elsewhere" in shown(page.received_rows, "Order ID"), timeout=WAIT)
    qtbot.waitUntil(lambda: "acknowledged" in page.resend.message.text(), timeout=WAIT)
    assert column_of(page.received_rows, "Signature", "inbox-elsewhere") == ["✓ valid"]

    replace_text(qtbot, page.resend.order_edit, "no-such-order")
    replace_text(qtbot, page.resend.url_edit, "")
    qtbot.keyClick(page.resend.order_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "no order" in page.resend.message.text(), timeout=WAIT)
    assert page.resend.message.text() == "⚠ The sandbox has no order “no-such-order” on this website."

    replace_text(qtbot, page.resend.order_edit, "")
    assert not page.resend.resend_button.isEnabled()
    assert page.resend.message.text().startswith("Enter the order ID to resend")


def test_filtering_by_order_id_and_status(qtbot, page: InboxPage, server: SandboxServer) -> None:
    send_order(server, "filter-alpha-1")
    send_order(server, "filter-alpha-2", card=DECLINES)
    send_order(server, "filter-beta-1")
    qtbot.waitUntil(
        lambda: page.received_model.rowCount() == 3 and page.attempts_model.rowCount() == 3, timeout=WAIT
    )
    # The three are delivered at once: their order of arrival is the network's.
    assert sorted(
        zip(shown(page.received_rows, "Order ID"), shown(page.received_rows, "Status"), strict=True)
    ) == [
        ("filter-alpha-1", "completed"),
        ("filter-alpha-2", "declined"),
        ("filter-beta-1", "completed"),
    ]

    replace_text(qtbot, page.order_filter, "ALPHA")
    for rows in (page.received_rows, page.attempt_rows):
        assert sorted(shown(rows, "Order ID")) == ["filter-alpha-1", "filter-alpha-2"]
    assert page.counts.text() == "2 of 3 received · 2 of 3 delivery attempts"

    choose(page.status_filter, "declined")
    for rows in (page.received_rows, page.attempt_rows):
        assert shown(rows, "Order ID") == ["filter-alpha-2"]
    replace_text(qtbot, page.order_filter, "")
    for rows in (page.received_rows, page.attempt_rows):
        assert shown(rows, "Order ID") == ["filter-alpha-2"]

    send_order(server, "filter-beta-2")  # arrives while filtered: counted, not shown
    qtbot.waitUntil(lambda: page.received_model.rowCount() == 4, timeout=WAIT)
    assert shown(page.received_rows, "Order ID") == ["filter-alpha-2"]
    assert page.counts.text().startswith("1 of 4 received · ")

    choose(page.status_filter, "Any status")
    newest, *older = shown(page.received_rows, "Order ID")
    assert newest == "filter-beta-2"
    assert sorted(older) == ["filter-alpha-1", "filter-alpha-2", "filter-beta-1"]


def test_the_detail_shows_the_request_and_explains_the_signature(
    qtbot, page: InboxPage, server: SandboxServer
) -> None:
    send_order(server, "detail-paid")
    qtbot.waitUntil(lambda: "detail-paid" in shown(page.received_rows, "Order ID"), timeout=WAIT)
    _open(qtbot, page, RECEIVED_TAB, "detail-paid")
    (entry,) = [e for e in server.engine.receiver.since(0) if e.transaction_id == "detail-paid"]
    auth = dict(entry.headers)["auth"]

    assert page.detail.verdict.text() == "Signature: VALID"
    assert page.detail.summary.text().startswith(f"POST {server.receiver_url()}?transactionid=detail-paid&")
    headers = page.detail.text_of("headers").splitlines()
    assert "content-type: application/json" in headers
    assert f"auth: {auth}" in headers, "the signature header is shown whole"
    assert page.detail.text_of("raw_body") == entry.body, "the body exactly as it arrived"
    pretty = page.detail.text_of("pretty_json")
    assert json.loads(pretty) == json.loads(entry.body)
    assert '\n  "order_id": "detail-paid",' in pretty
    signature = page.detail.text_of("signature")
    assert f"Checked with website {server.sites[0].site_id}'s API key (••••" in signature
    assert (
        "Why: The signature matches the body's exact bytes and the timestamp is within the window."
        in signature
    )
    assert server.sites[0].api_key not in signature

    # A sender that hashed compact JSON but sent it with spaces, as re-encoding frameworks do.
    compact = json.dumps(
        {"order_id": "detail-respaced", "status": "completed"}, separators=(",", ":")
    ).encode()
    spaced = json.dumps({"order_id": "detail-respaced", "status": "completed"}).encode()
    assert _post(
        server, spaced, sign(server.sites[0].api_key, int(time.time()), compact), "detail-respaced"
    ).is_success
    # And one signed with a key no sandbox website has.
    _post(server, compact, sign("f" * 40, int(time.time()), compact), "detail-forged")
    qtbot.waitUntil(lambda: "detail-forged" in shown(page.received_rows, "Order ID"), timeout=WAIT)
    assert column_of(page.received_rows, "Signature", "detail-respaced") == ["✗ invalid"]
    assert column_of(page.received_rows, "Signature", "detail-forged") == ["✗ invalid"]

    _open(qtbot, page, RECEIVED_TAB, "detail-respaced")
    assert page.detail.verdict.text() == "⚠ Signature: VALID ONLY AFTER A CHANGE TO THE BODY"
    assert "The signature matches only after" in page.detail.text_of("signature")
    _open(qtbot, page, RECEIVED_TAB, "detail-forged")
    assert page.detail.verdict.text() == "⚠ Signature: INVALID"
    assert "Why: The signature does not match the body." in page.detail.text_of("signature")


def test_a_card_number_in_a_received_body_is_masked_on_screen(
    qtbot, page: InboxPage, server: SandboxServer
) -> None:
    body = json.dumps(
        {"order_id": "detail-card", "transaction_id": 4111111111111111, "note": "card 4111 1111 1111 1111"}
    ).encode()
    _post(server, body, sign(server.sites[0].api_key, int(time.time()), body), "detail-card")
    qtbot.waitUntil(lambda: "detail-card" in shown(page.received_rows, "Order ID"), timeout=WAIT)
    _open(qtbot, page, RECEIVED_TAB, "detail-card")
    for field in ("raw_body", "pretty_json"):
        text = page.detail.text_of(field)
        assert "4111 1111 1111 1111" not in text
        assert "••••1111" in text
    assert "4111111111111111" in page.detail.text_of("pretty_json"), "an id field keeps its digits"
    assert page.detail.verdict.text() == "Signature: VALID", "checked on the body as received"


@pytest.fixture
def idle(qtbot) -> Iterator[AppContext]:
    """The app's services with profiles loaded and the sandbox not started (as after start-up)."""
    ctx = AppContext()
    ctx.profiles.adopt(*open_store())
    yield ctx
    ctx.close()


def test_with_a_test_or_live_profile_the_screen_says_where_notifications_go(qtbot, idle: AppContext) -> None:
    unexpected: list[str] = []
    idle.events.unexpected.connect(lambda what, _error: unexpected.append(what))
    test = idle.profiles.store.add(Profile(name="Shop NL test", environment=Environment.TEST), "k" * 40)
    idle.profiles.set_active(test)
    page = InboxPage(idle)
    qtbot.addWidget(page)
    page.show()

    assert page.stack.currentWidget() is page.notice
    text = page.notice.text()
    assert "“Shop NL test” (Test)" in text
    assert "straight to the merchant's server" in text
    assert "endpoint doctor on the Webhooks screen" in text
    assert "msp-desk webhook check URL --profile “Shop NL test”" in text

    live = idle.profiles.store.add(Profile(name="Shop NL", environment=Environment.LIVE), "l" * 40)
    idle.profiles.set_active(live)
    assert "“Shop NL” (LIVE)" in page.notice.text()
    qtbot.wait(200)
    assert not idle.sandbox.running, "nothing starts the sandbox for a Test or Live profile"

    idle.profiles.set_active(idle.profiles.profiles()[0])  # the built-in Local sandbox
    qtbot.waitUntil(lambda: page.feed.source is not None, timeout=WAIT)
    assert page.stack.currentWidget() is not page.notice
    assert page.receiver.url.text() == idle.sandbox.ensure_running().receiver_url()
    assert unexpected == []
