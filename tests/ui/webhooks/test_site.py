"""The website's settings on the Webhooks screen, driven as a support engineer does, against the sandbox."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItemIterator,
    QWidget,
)

from msp_desk.api.environments import Environment
from msp_desk.core.logs import setup_logging
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.webhooks.page import WebhooksPage
from msp_desk.webhooks.notification import compact_json
from msp_desk.webhooks.signature import sign
from tests.ui.conftest import NO, YES, Dialogs, choose, click, replace_text
from tests.ui.webhooks.conftest import LoopbackStandIn, open_page, sandbox_key, use_profile


def stored_site(context: AppContext):
    server = context.sandbox.ensure_running()
    return server.engine.store.site_by_id(server.sites[0].site_id)


def save(qtbot, page: WebhooksPage) -> None:
    tab = page.site_tab
    assert tab.save_button.isEnabled(), tab.save_hint.text()
    click(qtbot, tab.save_button)
    qtbot.waitUntil(lambda: not page.busy)


# -- showing the website ------------------------------------------------------------------------------


def test_the_site_settings_come_from_the_sandbox(qtbot, context: AppContext) -> None:
    site = context.sandbox.ensure_running().sites[0]
    page = open_page(qtbot, context)
    form = page.site_tab.form
    assert page.tabs.currentWidget() is page.site_tab
    assert form.site_id.text() == str(site.site_id)
    assert form.account_id.text() == str(site.account_id)
    assert form.edits["name"].text() == site.name
    assert form.edits["notification_url"].text() == ""
    assert form.edits["price_from"].text() == ""
    assert (
        page.site_tab.status.text()
        == f"Website “{site.name}” (site {site.site_id}), as MultiSafepay has it now."
    )
    answer = page.site_tab.answer.toPlainText()
    assert f'"api_key": "••••{site.api_key[-4:]}"' in answer
    assert site.api_key not in answer
    assert not page.site_tab.save_button.isEnabled()
    assert page.site_tab.save_hint.text() == "Nothing changed yet."


def test_prices_show_in_euros_and_are_sent_in_cents(qtbot, context: AppContext) -> None:
    page = open_page(qtbot, context)
    form = page.site_tab.form
    replace_text(qtbot, form.edits["price_from"], "1,50")
    replace_text(qtbot, form.edits["price_till"], "2500")
    save(qtbot, page)
    assert (stored_site(context).price_from, stored_site(context).price_till) == (150, 250000)
    assert form.edits["price_from"].text() == "1.50"
    assert form.edits["price_till"].text() == "2500.00"
    assert "Price till: (none) → 2,500.00 EUR" in page.site_tab.feedback.text()


def test_editing_the_notification_url_patches_the_site_and_shows_the_answer(
    qtbot, context: AppContext
) -> None:
    use_profile(context, Environment.SANDBOX, "Shop sandbox")
    page = open_page(qtbot, context)
    tab = page.site_tab
    url = context.sandbox.ensure_running().receiver_url()
    replace_text(qtbot, tab.form.edits["notification_url"], url)
    assert tab.save_button.isEnabled()
    save(qtbot, page)
    assert stored_site(context).notification_url == url
    assert tab.feedback.text().startswith("Saved. MultiSafepay's answer for “Sandbox website”")
    assert f"Notification URL: (none) → “{url}”" in tab.feedback.text()
    assert f'"notification_url": "{url}"' in tab.answer.toPlainText()
    assert tab.form.edits["notification_url"].text() == url
    # The doctor checks what the website now has.
    assert page.doctor_tab.url_edit.text() == url


def test_the_rules_are_named_under_the_url_as_it_is_typed(qtbot, context: AppContext) -> None:
    page = open_page(qtbot, context)
    tab = page.site_tab
    edit = tab.form.edits["notification_url"]
    edit.setFocus()
    qtbot.keyClicks(edit, "ftp")
    assert tab.form.rules.text() == (
        "✗ error (web-address): The notification URL must start with http:// or https://."
    )
    assert tab.form.rules.kind == "error"
    assert not tab.save_button.isEnabled()
    assert tab.save_hint.text() == "To save, fix: Notification URL."
    replace_text(qtbot, edit, "http://127.0.0.1:8080/webhook")
    rules = tab.form.rules.text().splitlines()
    assert [line.split(" ", 1)[1].split(":")[0] for line in rules] == [
        "note (https)",
        "note (no-port)",
        "note (public-host)",
    ]
    assert "MultiSafepay's test and live environments refuse a URL with a port" in rules[1]
    assert tab.save_button.isEnabled()
    replace_text(qtbot, edit, "https://webshop.example.com/webhook")
    assert tab.form.rules.text().startswith("Meets MultiSafepay's rules: web-address, https, no-port")


def test_with_a_test_profile_the_rules_refuse_what_production_refuses(
    qtbot, context: AppContext, stand_in: LoopbackStandIn
) -> None:
    use_profile(context, Environment.TEST, "Shop test")
    page = open_page(qtbot, context)
    assert ("testapi.multisafepay.com", "GET", "/v1/json/me") in stand_in.sent
    tab = page.site_tab
    replace_text(qtbot, tab.form.edits["notification_url"], "http://localhost:8080/webhook")
    lines = tab.form.rules.text().splitlines()
    assert [line.split("(")[1].split(")")[0] for line in lines] == ["https", "no-port", "public-host"]
    assert all(line.startswith("✗ error") for line in lines)
    assert not tab.save_button.isEnabled()
    click(qtbot, tab.save_button)
    assert stand_in.patches() == []


def test_a_refused_field_gets_multisafepays_words_under_it(qtbot, context: AppContext) -> None:
    page = open_page(qtbot, context)
    tab = page.site_tab
    email = "support." + "x" * 80 + "@webshop.example.com"  # ours allows it; the sandbox keeps 100 at most
    replace_text(qtbot, tab.form.edits["support_email"], email)
    save(qtbot, page)
    message = tab.form.messages["support_email"]
    assert message.isVisible()
    assert message.kind == "error"
    assert "support_email" in message.text()
    assert "at most 100 characters" in message.text()
    assert tab.feedback.text() == "⚠ Not saved: MultiSafepay refused the support e-mail."
    assert stored_site(context).support_email is None
    assert tab.form.edits["support_email"].text() == email  # kept to fix
    qtbot.keyClick(tab.form.edits["support_email"], "a")
    assert not message.isVisible()  # edited: the refusal no longer describes the field


def test_a_field_changed_elsewhere_meanwhile_is_refused_by_name(qtbot, context: AppContext) -> None:
    page = open_page(qtbot, context)
    tab = page.site_tab
    server = context.sandbox.ensure_running()
    # Someone else sets the highest price after the page loaded the website.
    httpx.patch(
        f"{server.base_url}sites/{server.sites[0].site_id}",
        headers={"api_key": sandbox_key(context)},
        json={"price_till": 500},
        timeout=5,
    ).raise_for_status()
    replace_text(qtbot, tab.form.edits["price_from"], "10.00")
    save(qtbot, page)
    assert "price_from" in tab.form.messages["price_from"].text()
    assert "must not be more than price_till (500)" in tab.form.messages["price_from"].text()


# -- Live -------------------------------------------------------------------------------------------


@pytest.fixture
def informed(monkeypatch: pytest.MonkeyPatch, dialogs: Dialogs) -> list[str]:
    """The dialogs' informative text too (a Live confirmation lists the changes there)."""
    details: list[str] = []

    def answer(box: QMessageBox) -> int:
        details.append(box.informativeText())
        return dialogs.answer(box)

    monkeypatch.setattr(QMessageBox, "exec", answer)
    return details


def test_a_live_change_is_confirmed_naming_the_site_and_no_sends_nothing(
    qtbot, context: AppContext, stand_in: LoopbackStandIn, dialogs: Dialogs, informed: list[str]
) -> None:
    use_profile(context, Environment.LIVE, "Webshop NL (Live)")
    page = open_page(qtbot, context)
    assert ("api.multisafepay.com", "GET", "/v1/json/me") in stand_in.sent
    assert page.environment_badge.text() == "LIVE — real payments"
    site = context.sandbox.ensure_running().sites[0]
    tab = page.site_tab
    replace_text(qtbot, tab.form.edits["notification_url"], "https://webshop.example.com/msp/notify")

    dialogs.answers = [NO]
    click(qtbot, tab.save_button)
    assert dialogs.asked == [
        "Change a LIVE website?: Change the settings of “Sandbox website” "
        f"(site {site.site_id}) in the LIVE environment?"
    ]
    assert informed == [
        "MultiSafepay uses the new settings at once, for real payments:\n"
        "Notification URL: (none) → “https://webshop.example.com/msp/notify”"
    ]
    assert stand_in.patches() == []
    assert stored_site(context).notification_url is None
    assert tab.feedback.text() == "Not saved: nothing was sent to MultiSafepay."

    dialogs.answers = [YES]
    save(qtbot, page)
    assert len(dialogs.asked) == 2
    assert stand_in.patches() == [f"/v1/json/sites/{site.site_id}"]
    assert ("api.multisafepay.com", "PATCH", f"/v1/json/sites/{site.site_id}") in stand_in.sent
    assert stored_site(context).notification_url == "https://webshop.example.com/msp/notify"
    assert tab.feedback.text().startswith("Saved.")


def test_a_sandbox_change_asks_nothing(qtbot, context: AppContext, dialogs: Dialogs) -> None:
    page = open_page(qtbot, context)
    replace_text(qtbot, page.site_tab.form.edits["name"], "Webshop NL")
    save(qtbot, page)
    assert dialogs.asked == []
    assert stored_site(context).name == "Webshop NL"


# -- the key ----------------------------------------------------------------------------------------


def every_text(root: QWidget) -> str:
    """Everything a person or a screen reader can meet on the screen."""
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText(), widget.displayText()]
        if isinstance(widget, QPlainTextEdit):
            texts += [widget.toPlainText(), widget.placeholderText()]
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QTreeWidget):
            items = QTreeWidgetItemIterator(widget)
            while items.value():
                item = items.value()
                texts += [item.text(c) for c in range(widget.columnCount())]
                texts += [item.toolTip(c) for c in range(widget.columnCount())]
                items += 1
    return "\n".join(texts)


@pytest.fixture
def log_file(msp_home: Path) -> Iterator[Path]:
    path = setup_logging(logging.DEBUG)
    yield path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_msp_desk", False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.WARNING)


def test_the_sites_key_is_never_on_screen_in_the_log_or_in_a_file(
    qtbot, context: AppContext, caplog: pytest.LogCaptureFixture, log_file: Path, msp_home: Path, endpoint
) -> None:
    caplog.set_level(logging.DEBUG)
    status: list[str] = []
    context.events.status.connect(status.append)
    key = sandbox_key(context)
    use_profile(context, Environment.SANDBOX, "Shop sandbox")
    page = open_page(qtbot, context)
    assert key[-4:] in page.site_tab.answer.toPlainText()  # the masked key is there: the answer has one

    replace_text(qtbot, page.site_tab.form.edits["notification_url"], endpoint.url())
    save(qtbot, page)
    replace_text(qtbot, page.site_tab.defaults.url_edit, endpoint.url())
    choose(page.site_tab.defaults.method_combo, "GET")
    click(qtbot, page.site_tab.defaults.save_button)
    qtbot.waitUntil(lambda: not page.busy)

    page.tabs.setCurrentWidget(page.doctor_tab)
    click(qtbot, page.doctor_tab.run_button)
    qtbot.waitUntil(lambda: page.doctor_tab.report is not None, timeout=15000)
    assert endpoint.requests
    assert "Auth" in endpoint.requests[0].headers

    page.tabs.setCurrentWidget(page.signature_tab)
    body = compact_json({"order_id": "A-1"})
    page.signature_tab.body_edit.setPlainText(body.decode())
    replace_text(qtbot, page.signature_tab.auth_edit, sign(key, 1_700_000_000, body))
    click(qtbot, page.signature_tab.verify_button)
    qtbot.waitUntil(lambda: page.signature_tab.verdict.text().startswith("⚠ Signature"))

    shown = every_text(page) + "\n".join(status)
    assert f"••••{key[-4:]}" in shown
    assert key not in shown
    assert key not in caplog.text
    assert "PATCH sites/" in caplog.text  # the log did record the work
    files = [p for p in msp_home.rglob("*") if p.is_file() and not p.name.startswith("sandbox.sqlite3")]
    assert log_file in files
    assert any(p.name == "profiles.json" for p in files)
    for path in files:
        assert key.encode() not in path.read_bytes(), path


def test_switching_profiles_loads_the_other_website_and_drops_the_edit(
    qtbot, context: AppContext, stand_in: LoopbackStandIn
) -> None:
    page = open_page(qtbot, context)
    tab = page.site_tab
    replace_text(qtbot, tab.form.edits["name"], "Half-typed name")
    stand_in.sent.clear()
    use_profile(context, Environment.LIVE, "Webshop NL (Live)")
    qtbot.waitUntil(lambda: tab.site is not None and not page.busy, timeout=15000)
    assert ("api.multisafepay.com", "GET", "/v1/json/me") in stand_in.sent
    assert tab.form.edits["name"].text() == "Sandbox website"
    assert page.profile_label.text() == "Profile “Webshop NL (Live)”"
    assert page.signature_tab.key_combo.currentText() == "Profile “Webshop NL (Live)” (LIVE)"
