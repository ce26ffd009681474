"""The signature checker on the Webhooks screen: the verdict and its reasons, read out by a screen reader."""

from __future__ import annotations

import json
import time
from pathlib import Path

from msp_desk.api.environments import Environment
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.webhooks.page import WebhooksPage
from msp_desk.ui.webhooks.signature_tab import PASTED
from msp_desk.webhooks.notification import compact_json
from msp_desk.webhooks.sample import sample_body, sample_order_id
from msp_desk.webhooks.signature import sign
from tests.ui.conftest import click, replace_text
from tests.ui.webhooks.conftest import open_page, sandbox_key, use_profile
from tests.webhooks.test_signature import FIXTURES, VECTORS

SDK = next(v for v in VECTORS if v.name == "python-sdk")


def checker_page(qtbot, context: AppContext) -> WebhooksPage:
    page = open_page(qtbot, context)
    page.tabs.setCurrentWidget(page.signature_tab)
    return page


def verify(qtbot, page: WebhooksPage, body: str, auth: str) -> None:
    tab = page.signature_tab
    tab.body_edit.setFocus()
    tab.body_edit.setPlainText(body)
    replace_text(qtbot, tab.auth_edit, auth)
    click(qtbot, tab.verify_button)
    qtbot.waitUntil(lambda: not page.busy and tab.verdict.text() != "Verifying…")


def paste_key(qtbot, page: WebhooksPage, key: str) -> None:
    tab = page.signature_tab
    tab.key_combo.setCurrentIndex(tab.key_combo.findData(PASTED))
    assert tab.key_edit.isEnabled()
    replace_text(qtbot, tab.key_edit, key)


def test_a_re_serialised_body_is_explained_with_the_profiles_key(qtbot, context: AppContext) -> None:
    page = checker_page(qtbot, context)
    tab = page.signature_tab
    assert tab.key_combo.currentText() == "Profile “Local sandbox” (Sandbox)"
    timestamp = int(time.time()) - 42
    signed = sample_body(sample_order_id(timestamp), timestamp)
    framework_copy = json.dumps(json.loads(signed))  # parsed and encoded again, as frameworks do
    verify(qtbot, page, framework_copy, sign(sandbox_key(context), timestamp, signed))

    assert tab.verdict.text() == "Signature: VALID ONLY AFTER A CHANGE TO THE BODY"
    assert tab.verdict.kind == "warning"
    assert not tab.verdict.accessibleName()  # the text itself is what a screen reader reads
    reasons = tab.reasons.text().splitlines()
    assert reasons[0].startswith(
        "Why: The signature matches only after re-serialising the JSON compactly with raw UTF-8: "
        "these are not the bytes MultiSafepay signed."
    )
    assert "Verify the raw request body exactly as received." in reasons[0]
    assert reasons[1].startswith(f"Timestamp: {timestamp} (")
    assert reasons[1].endswith("old; window 600 s")
    assert reasons[2].startswith("Expected signature: ")
    assert reasons[3].startswith("Received signature: ")
    assert reasons[4] == "Matches after: re-serialising the JSON compactly with raw UTF-8"
    assert tab.reasons.isVisible()


def test_the_python_sdk_vector_with_a_pasted_key_and_no_age_check(qtbot, context: AppContext) -> None:
    page = checker_page(qtbot, context)
    tab = page.signature_tab
    paste_key(qtbot, page, SDK.api_key)
    replace_text(qtbot, tab.window_edit, "0")
    spaced = (FIXTURES / "python_sdk_webhook_payload_spaced.json").read_text(encoding="utf-8")
    verify(qtbot, page, spaced, SDK.auth)
    assert tab.verdict.text() == "Signature: VALID ONLY AFTER A CHANGE TO THE BODY"
    assert "no age check" in tab.reasons.text()

    compact = (FIXTURES / "python_sdk_webhook_payload.json").read_text(encoding="utf-8")
    verify(qtbot, page, compact, SDK.auth)
    assert tab.verdict.text() == "Signature: VALID"
    assert tab.verdict.kind == "info"

    verify(qtbot, page, compact + "\n", SDK.auth)
    assert tab.verdict.text() == "Signature: VALID ONLY AFTER A CHANGE TO THE BODY"
    assert "trailing newline" in tab.reasons.text()


def test_an_old_timestamp_and_a_wrong_key_are_invalid_and_say_why(qtbot, context: AppContext) -> None:
    page = checker_page(qtbot, context)
    tab = page.signature_tab
    paste_key(qtbot, page, SDK.api_key)
    compact = (FIXTURES / "python_sdk_webhook_payload.json").read_text(encoding="utf-8")
    verify(qtbot, page, compact, SDK.auth)
    assert tab.verdict.text() == "⚠ Signature: INVALID"
    assert tab.verdict.kind == "error"
    assert "outside the 600 s window" in tab.reasons.text()

    replace_text(qtbot, tab.window_edit, "0")
    replace_text(qtbot, tab.key_edit, "another-websites-key")
    verify(qtbot, page, compact, SDK.auth)
    assert tab.verdict.text() == "⚠ Signature: INVALID"
    assert "the key is not this website's API key" in tab.reasons.text()


def test_a_pasted_key_is_never_stored(qtbot, context: AppContext, msp_home: Path) -> None:
    use_profile(context, Environment.SANDBOX, "Shop sandbox")
    page = checker_page(qtbot, context)
    pasted = "PastedKeyForThisCheckOnly000000000007e1d"
    paste_key(qtbot, page, pasted)
    body = compact_json({"order_id": "A-1"})
    verify(qtbot, page, body.decode(), sign(pasted, int(time.time()), body))
    assert page.signature_tab.verdict.text() == "Signature: VALID"
    assert pasted not in page.signature_tab.reasons.text()
    page.window().close()
    for path in (p for p in msp_home.rglob("*") if p.is_file()):
        assert pasted.encode() not in path.read_bytes(), path


def test_a_bad_age_window_is_named_under_it(qtbot, context: AppContext) -> None:
    page = checker_page(qtbot, context)
    tab = page.signature_tab
    tab.body_edit.setPlainText("{}")
    replace_text(qtbot, tab.auth_edit, "MTY0")
    assert tab.verify_button.isEnabled()
    replace_text(qtbot, tab.window_edit, "ten minutes")
    assert (
        tab.window_message.text() == "⚠ Type a whole number of seconds, e.g. 600; 0 turns the age check off."
    )
    assert not tab.verify_button.isEnabled()


def test_the_key_can_come_from_any_profile(qtbot, context: AppContext) -> None:
    use_profile(context, Environment.LIVE, "Webshop NL (Live)")
    page = checker_page(qtbot, context)
    combo = page.signature_tab.key_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Profile “Local sandbox” (Sandbox)",
        "Profile “Webshop NL (Live)” (LIVE)",
        "A key pasted below",
    ]
    assert combo.currentText() == "Profile “Webshop NL (Live)” (LIVE)"
    assert not page.signature_tab.key_edit.isEnabled()
