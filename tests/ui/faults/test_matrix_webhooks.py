"""Fault matrix, Webhooks screen: loading and saving the website's settings, and the endpoint doctor.

A failed load leaves what was typed in the form; a failed save says whether
the change may have been made, keeps the typed value, and the website ends
with exactly the value the person typed. The doctor's faults are the
merchant endpoint's: loopback receivers that stall, reset, refuse or answer
badly, each proven to fail the right step with words a merchant can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from msp_desk.api.environments import Environment
from msp_desk.credentials.profiles import Profile
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.webhooks.page import WebhooksPage
from msp_desk.webhooks.doctor import DoctorOptions
from tests.ui.conftest import click, replace_text
from tests.ui.faults.conftest import KEY
from tests.ui.faults.matrix import BY_KEY, CAUSE, KEYS, REFUSED, Cell, Fault, Shop
from tests.ui.faults.screens import new_id
from tests.ui.faults.silent import SilentPort
from tests.webhooks.conftest import Endpoint, Script
from tests.webhooks.conftest import endpoints as endpoints  # the fixture

SITE_CAUSE = {
    **CAUSE,
    "http-404": "Site {site_id} was not found on Test (error 1006: Invalid transaction ID).",
}
SITE_CAUSE["connect-timeout"] += " Nothing was sent."


def open_page(qtbot, context: AppContext) -> WebhooksPage:
    page = WebhooksPage(context)
    qtbot.addWidget(page)
    page.resize(1300, 860)
    page.show()
    qtbot.waitUntil(lambda: page.site_tab.site is not None and not page.busy, timeout=15000)
    return page


# -- get site -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_get_site(qtbot, context: AppContext, shop: Shop, key: str, record) -> None:
    fault = BY_KEY[key]
    page = open_page(qtbot, context)
    tab = page.site_tab
    email = f"{new_id('help')}@shop.example"
    replace_text(qtbot, tab.form.edits["support_email"], email)
    shop.inject(fault, paths="/sites", method="GET", count=3)  # every one of the 3 tries
    click(qtbot, tab.reload_button)
    qtbot.waitUntil(lambda: not page.busy and tab.status.kind == "error", timeout=20000)

    seen = "⚠ The website's settings could not be loaded: " + SITE_CAUSE[key].format(site_id=shop.site_id)
    assert tab.status.text() == seen
    assert tab.form.edits["support_email"].text() == email, "a failed reload leaves the typed change"
    assert tab.reload_button.isEnabled()
    assert tab.save_button.isEnabled(), "the typed change can still be saved"

    shop.heal()
    click(qtbot, tab.reload_button)
    qtbot.waitUntil(lambda: not page.busy and tab.status.kind == "info", timeout=10000)
    assert tab.status.text().endswith("as MultiSafepay has it now.")
    assert tab.form.edits["support_email"].text() == (shop.site()["support_email"] or "")
    record(
        "get-site",
        fault,
        Cell(
            "Reload",
            seen=seen,
            again="Reload → the website's settings",
            kept="a typed change (support e-mail), until reloaded",
        ),
    )


# -- update site ----------------------------------------------------------------------------------------

MAYBE_SAVED = " The change may or may not have been saved: reload to see what MultiSafepay has."


def save_seen(key: str, site_id: int) -> str:
    if key == "http-422":
        return "⚠ Not saved: MultiSafepay refused the notification url."
    if key in REFUSED or key == "connect-timeout":
        return "⚠ Not saved: " + SITE_CAUSE[key].format(site_id=site_id)
    return "⚠ " + SITE_CAUSE[key] + MAYBE_SAVED


def save_outcome(key: str, saved: bool) -> str:
    if saved:
        return "saved once; “may or may not” → Save"
    if key == "connect-timeout":
        return "not sent → Save"
    if key in REFUSED:
        return "refused → Save"
    return "not saved; “may or may not” → Save"


@pytest.mark.parametrize("key", KEYS)
def test_update_site(qtbot, context: AppContext, shop: Shop, key: str, record) -> None:
    fault = BY_KEY[key]
    if key == "http-422":  # a refusal that names the field, as MultiSafepay's validation does
        fault = Fault(fault.key, fault.title, "status=422,field=notification_url")
    page = open_page(qtbot, context)
    tab = page.site_tab
    before = shop.site()["notification_url"]
    url = f"https://{new_id('shop')}.example.com/msp/notify"
    edit = tab.form.edits["notification_url"]
    replace_text(qtbot, edit, url)
    shop.inject(fault, paths="/sites", method="PATCH")
    click(qtbot, tab.save_button)
    qtbot.waitUntil(lambda: not page.busy and tab.feedback.kind == "error", timeout=20000)

    seen = save_seen(key, shop.site_id)
    assert tab.feedback.text() == seen
    if key == "http-422":
        refused = (
            "⚠ MultiSafepay rejected notification_url: Invalid notification_url: refused "
            "(injected by the sandbox) (error 1000)."
        )
        assert tab.form.messages["notification_url"].text() == refused
        seen += f" Under the field: “{refused}”"
    assert edit.text() == url
    assert shop.site()["notification_url"] == (url if fault.carried_out else before)
    assert tab.save_button.isEnabled()

    shop.heal()
    click(qtbot, tab.save_button)
    qtbot.waitUntil(lambda: not page.busy and tab.feedback.kind == "info", timeout=10000)
    assert tab.feedback.text().startswith("Saved.")
    assert shop.site()["notification_url"] == url
    assert edit.text() == url
    record(
        "update-site",
        fault,
        Cell(
            save_outcome(key, fault.carried_out),
            seen=seen,
            again="Save → saved",
            kept="the typed notification URL",
            writes="the notification URL as typed"
            + (" (saved by the first request)" if fault.carried_out else ""),
        ),
    )


# -- the endpoint doctor --------------------------------------------------------------------------------

LIMITS = DoctorOptions(resolve_timeout=2.0, connect_timeout=0.5, answer_timeout=1.0, slow_after=0.8)
WRONG = "; MultiSafepay counts anything but 200 with OK as failed, so MultiSafepay would resend it."
NO_OK = "Answered 200 but without OK in the first 100 characters, so MultiSafepay would resend it."

# How each fault looks when it is the merchant's endpoint that misbehaves, and what the doctor says.
ENDPOINT: dict[str, tuple[Script | None, str, str]] = {
    "read-timeout": (
        Script(silent=True),
        "reads the notification and never answers",
        "No answer within 1 s.",
    ),
    "connect-timeout": (None, "a port that never answers a SYN (its accept queue is full)", ""),
    "reset": (
        Script(reset=True),
        "reads the notification, then resets the connection",
        "The server reset the connection after",
    ),
    "http-500": (
        Script(status=500, body="Internal Server Error"),
        "500",
        "Answered 500 Internal Server Error" + WRONG,
    ),
    "http-502": (Script(status=502, body="Bad Gateway"), "502", "Answered 502 Bad Gateway" + WRONG),
    "http-503": (
        Script(status=503, body="Service Unavailable", headers={"Retry-After": "120"}),
        "503 with Retry-After: 120",
        "Answered 503 Service Unavailable" + WRONG,
    ),
    "http-429": (
        Script(status=429, body="Too Many Requests", headers={"Retry-After": "1"}),
        "429 with Retry-After: 1",
        "Answered 429 Too Many Requests" + WRONG,
    ),
    "malformed": (
        Script(status=200, body='{"received": true, "order": '),
        "200 with broken JSON and no OK",
        NO_OK,
    ),
    "html": (
        Script(
            status=200,
            body="<!DOCTYPE html><html><head><title>Page not found</title></head><body></body></html>",
        ),
        "200 with a shop's HTML error page",
        NO_OK,
    ),
    "truncated": (
        Script(status=200, body="OK", declared_length=100),
        "200 “OK”, announcing 100 bytes and closing after 2",
        "Answered 200 OK, but the connection closed after 2 of the 100 bytes it announced: the answer was "
        "cut short. An HTTP client reports that as an error, so the notification would count as failed "
        "and be sent again.",
    ),
    "http-401": (
        Script(status=401, body="Unauthorized", headers={"WWW-Authenticate": 'Basic realm="shop"'}),
        "401 (HTTP authentication in front of the handler)",
        "Answered 401 Unauthorized" + WRONG,
    ),
    "http-404": (
        Script(status=404, body="Not Found"),
        "404 (no handler at that path)",
        "Answered 404 Not Found" + WRONG,
    ),
    "http-422": (
        Script(status=422, body='{"error": "unknown order"}'),
        "422 (a handler refusing the test order it cannot find)",
        "Answered 422 Unprocessable Entity" + WRONG,
    ),
}


@pytest.fixture
def firewalled() -> Iterator[SilentPort]:
    """The merchant's port behind a firewall that drops every SYN, until ``open``."""
    wall = SilentPort()
    yield wall
    wall.open()


def checklist(page: WebhooksPage) -> dict[str, tuple[str, str]]:
    return {step: (result, why) for step, result, why in page.doctor_tab.checklist.rows()}


def failed_steps(page: WebhooksPage) -> dict[str, tuple[str, str]]:
    return {step: shown for step, shown in checklist(page).items() if shown[0] == "✘ Fail"}


@pytest.mark.parametrize("key", KEYS)
def test_endpoint_doctor(
    qtbot,
    request: pytest.FixtureRequest,
    context: AppContext,
    endpoints: Callable[..., Endpoint],
    key: str,
    record,
) -> None:
    fault = BY_KEY[key]
    script, plays, says = ENDPOINT[key]
    # The doctor checks the endpoint itself: a Sandbox profile's rules let it reach this computer.
    profile = context.profiles.store.add(Profile(name="Shop sandbox", environment=Environment.SANDBOX), KEY)
    context.profiles.set_active(profile)
    page = WebhooksPage(context)
    qtbot.addWidget(page)
    page.resize(1300, 860)
    page.tabs.setCurrentWidget(page.doctor_tab)
    page.show()
    doctor = page.doctor_tab
    doctor.limits = LIMITS
    if script is None:
        firewalled: SilentPort = request.getfixturevalue("firewalled")
        endpoint, port = None, firewalled.port
    else:
        endpoint = endpoints()
        endpoint.script = script
        port = endpoint.port
    url = f"http://127.0.0.1:{port}/msp/notify"
    replace_text(qtbot, doctor.url_edit, url)
    click(qtbot, doctor.run_button)
    qtbot.waitUntil(lambda: doctor.report is not None and not page.busy, timeout=20000)

    assert doctor.verdict.text() == "⚠ Result: FAILED (1 step failed)"
    if endpoint is None:
        step = "Connection"
        says = (
            f"127.0.0.1 port {port}: no answer within 0.5 s: a firewall may drop the traffic; "
            "MultiSafepay's addresses must be let in."
        )
    else:
        step = "Signed POST notification"
    ((failed, (_result, why)),) = failed_steps(page).items()
    assert failed == step
    assert why.startswith(says) if key == "reset" else why == says
    assert doctor.run_button.isEnabled()
    assert doctor.url_edit.text() == url
    if endpoint is not None:
        assert len(endpoint.requests) == 1, "one notification per check, never resent"

    # The merchant fixes the endpoint (or the firewall); the same check, run again, passes.
    if endpoint is None:
        firewalled.open()
        endpoint = endpoints(port=port)
    else:
        endpoint.script = Script()
    click(qtbot, doctor.run_button)
    qtbot.waitUntil(lambda: doctor.report is not None and not page.busy, timeout=20000)
    assert doctor.verdict.text() == "Result: PASSED"
    assert len(endpoint.requests) == (1 if key == "connect-timeout" else 2)
    record(
        "doctor",
        fault,
        Cell(
            f"FAIL at {'Connection' if step == 'Connection' else 'POST'}",
            seen=f"{plays}: “✘ Fail” at {step}: “{why}”",
            again="Run check, after the endpoint is fixed → PASSED",
            kept="the URL",
            writes="one test notification per check",
        ),
    )
