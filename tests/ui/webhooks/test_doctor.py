"""The endpoint doctor on the Webhooks screen: live steps against loopback endpoints, a ticket's checklist."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from msp_desk.api.environments import Environment
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.webhooks.checklist import RUNNING, WAITING
from msp_desk.ui.webhooks.page import WebhooksPage
from msp_desk.webhooks.signature import verify
from tests.ui.conftest import click, replace_text
from tests.ui.webhooks.conftest import open_page, sandbox_key, use_profile
from tests.webhooks.conftest import Endpoint, Script


def doctor_page(qtbot, context: AppContext) -> WebhooksPage:
    page = open_page(qtbot, context)
    page.tabs.setCurrentWidget(page.doctor_tab)
    return page


def run_check(qtbot, page: WebhooksPage, url: str) -> None:
    doctor = page.doctor_tab
    replace_text(qtbot, doctor.url_edit, url)
    click(qtbot, doctor.run_button)
    qtbot.waitUntil(lambda: doctor.report is not None and not page.busy, timeout=20000)


def rows(page: WebhooksPage) -> dict[str, tuple[str, str]]:
    return {step: (result, why) for step, result, why in page.doctor_tab.checklist.rows()}


def copied(qtbot, page: WebhooksPage) -> str:
    QGuiApplication.clipboard().clear()
    click(qtbot, page.doctor_tab.copy_button)
    return QGuiApplication.clipboard().text()


def test_an_endpoint_answering_ok_passes_and_the_checklist_is_copied(
    qtbot, context: AppContext, endpoint: Endpoint
) -> None:
    page = doctor_page(qtbot, context)
    doctor = page.doctor_tab
    assert not doctor.copy_button.isEnabled()
    assert [result for result, _why in rows(page).values()] == [WAITING] * 6
    run_check(qtbot, page, endpoint.url())

    shown = rows(page)
    assert shown["MultiSafepay's URL rules"][0] == "✔ Pass"
    assert shown["Host name and addresses"][0] == "✔ Pass"
    assert shown["Connection"] == (
        "✔ Pass",
        f"Connected to 127.0.0.1 port {endpoint.port} in " + shown["Connection"][1].split(" in ")[1],
    )
    assert shown["TLS certificate"][0] == "– Skipped"
    assert shown["Signed POST notification"][0] == "✔ Pass"
    assert shown["Signed POST notification"][1].startswith("Answered 200 with OK in ")
    assert shown["GET notification"][0] == "– Skipped"
    assert doctor.verdict.text() == "Result: PASSED"
    assert f"URL: {endpoint.url()}" in doctor.setup_label.text()
    assert f"POST signed with the API key ending ••••{sandbox_key(context)[-4:]}" in doctor.setup_label.text()

    # Only the entered URL was contacted, once, with a notification signed by the website's key.
    assert len(endpoint.requests) == 1
    request = endpoint.requests[0]
    assert request.method == "POST"
    assert verify(sandbox_key(context), request.headers["Auth"], request.body, now=time.time())

    text = copied(qtbot, page)
    assert text.startswith("Webhook check by msp-desk ")
    assert f"URL: {endpoint.url()}\n" in text
    assert "\n[PASS] Signed POST notification: Answered 200 with OK in " in text
    assert "\n[SKIP] TLS certificate: http:// has no TLS" in text
    assert text.endswith("\nResult: PASSED\n")
    assert sandbox_key(context) not in text


def test_an_endpoint_answering_500_fails_at_the_post_step(
    qtbot, context: AppContext, endpoint: Endpoint
) -> None:
    endpoint.script = Script(status=500, body="Internal Server Error")
    page = doctor_page(qtbot, context)
    run_check(qtbot, page, endpoint.url())
    result, why = rows(page)["Signed POST notification"]
    assert result == "✘ Fail"
    assert why.startswith("Answered 500 Internal Server Error; MultiSafepay counts anything but 200 with OK")
    assert page.doctor_tab.verdict.text() == "⚠ Result: FAILED (1 step failed)"
    assert page.doctor_tab.verdict.kind == "error"
    text = copied(qtbot, page)
    assert "\n[FAIL] Signed POST notification: Answered 500 Internal Server Error" in text
    assert "       Answer: 500 Internal Server Error in " in text
    assert text.endswith("\nResult: FAILED (1 step failed)\n")


def test_the_steps_appear_while_the_check_runs_and_stop_ends_it(
    qtbot, context: AppContext, endpoint: Endpoint
) -> None:
    endpoint.script = Script(silent=True)  # reads the notification and never answers
    page = doctor_page(qtbot, context)
    doctor = page.doctor_tab
    ticks: list[int] = []
    heartbeat = QTimer(page)
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(20)
    replace_text(qtbot, doctor.url_edit, endpoint.url())
    click(qtbot, doctor.run_button)
    qtbot.waitUntil(lambda: rows(page)["Signed POST notification"][0] == RUNNING, timeout=10000)
    assert rows(page)["Connection"][0] == "✔ Pass"  # the earlier steps are already shown
    assert doctor.verdict.text() == "Checking: Signed POST notification…"
    assert doctor.stop_button.isEnabled()
    assert not doctor.run_button.isEnabled()
    before = len(ticks)
    qtbot.waitUntil(endpoint.arrived.is_set, timeout=5000)
    qtbot.waitUntil(lambda: len(ticks) > before + 5, timeout=5000)  # the window keeps working

    click(qtbot, doctor.stop_button)
    qtbot.waitUntil(lambda: not page.busy, timeout=5000)
    heartbeat.stop()
    assert doctor.verdict.text() == "Result: CANCELLED before the check finished"
    assert rows(page)["Signed POST notification"][0] == "■ Stopped"
    assert rows(page)["GET notification"][0] == "– Skipped"
    text = copied(qtbot, page)
    assert "\n[STOP] Signed POST notification: Cancelled." in text
    assert text.endswith("\nResult: CANCELLED before the check finished\n")


def test_the_url_comes_from_the_website_and_the_get_option_sends_a_get(
    qtbot, context: AppContext, endpoint: Endpoint
) -> None:
    server = context.sandbox.ensure_running()
    server.engine.update_site(
        server.sites[0],
        str(server.sites[0].site_id),
        b'{"notification_url": "%s", "notification_method": "GET"}' % endpoint.url().encode(),
    )
    page = doctor_page(qtbot, context)
    doctor = page.doctor_tab
    assert doctor.url_edit.text() == endpoint.url()
    assert doctor.get_check.isChecked()
    assert "ℹ note (no-port)" in doctor.rules.text()
    click(qtbot, doctor.run_button)
    qtbot.waitUntil(lambda: doctor.report is not None and not page.busy, timeout=20000)
    assert [r.method for r in endpoint.requests] == ["POST", "GET"]
    assert rows(page)["GET notification"][0] == "✔ Pass"


def test_production_rules_for_a_test_profile_stop_before_contacting_anything(
    qtbot, context: AppContext, endpoint: Endpoint
) -> None:
    use_profile(context, Environment.TEST, "Shop test")
    page = doctor_page(qtbot, context)
    run_check(qtbot, page, endpoint.url())
    assert rows(page)["MultiSafepay's URL rules"] == (
        "✘ Fail",
        "Breaks MultiSafepay's rules: https, no-port, public-host.",
    )
    assert "✗ error (https)" in page.doctor_tab.rules.text()
    assert rows(page)["Host name and addresses"] == (
        "✘ Fail",
        "127.0.0.1 has addresses MultiSafepay cannot reach (127.0.0.1); they are not contacted.",
    )
    assert rows(page)["Connection"][0] == "– Skipped"
    assert endpoint.requests == []
