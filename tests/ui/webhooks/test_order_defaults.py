"""The profile's notification defaults for new orders, edited on the Webhooks screen."""

from __future__ import annotations

from msp_desk.api.environments import Environment
from msp_desk.ui.services.context import AppContext
from tests.ui.conftest import choose, click, replace_text
from tests.ui.webhooks.conftest import open_page, use_profile


def test_the_defaults_are_saved_in_the_profile_and_announced(qtbot, context: AppContext) -> None:
    profile = use_profile(context, Environment.SANDBOX, "Shop sandbox")
    page = open_page(qtbot, context)
    defaults = page.site_tab.defaults
    assert defaults.method_combo.currentText() == "POST (recommended)"
    assert "An order's own notification URL wins over the website's." in defaults.note.text()
    assert not defaults.save_button.isEnabled()

    replace_text(qtbot, defaults.url_edit, "http://127.0.0.1:8080/orders/notify")
    assert "ℹ note (no-port)" in defaults.rules.text()
    choose(defaults.method_combo, "GET")
    with qtbot.waitSignal(context.profiles.profiles_changed, timeout=5000):
        click(qtbot, defaults.save_button)
    qtbot.waitUntil(lambda: not page.busy)
    saved = context.profiles.store.get(profile.id)
    assert saved.notification_url == "http://127.0.0.1:8080/orders/notify"
    assert saved.notification_method == "GET"
    assert context.profiles.active().notification_method == "GET"
    assert defaults.feedback.text() == "Saved in “Shop sandbox”: new orders get these defaults."
    assert not defaults.save_button.isEnabled()
    assert defaults.url_edit.text() == "http://127.0.0.1:8080/orders/notify"  # kept after the re-announcement


def test_a_url_no_order_can_carry_blocks_saving_while_rules_only_warn(qtbot, context: AppContext) -> None:
    use_profile(context, Environment.LIVE, "Webshop NL (Live)")
    page = open_page(qtbot, context)
    defaults = page.site_tab.defaults
    replace_text(qtbot, defaults.url_edit, "http://shop.example.com:8080/notify")
    assert defaults.rules.kind == "error"
    assert "✗ error (https)" in defaults.rules.text()
    assert defaults.save_button.isEnabled()  # a merchant's broken URL may be kept, to show why it fails
    replace_text(qtbot, defaults.url_edit, "shop.example.com/notify")
    assert defaults.url_message.text() == "⚠ The notification URL must start with http:// or https://."
    assert not defaults.save_button.isEnabled()


def test_the_builtin_profile_keeps_no_defaults(qtbot, context: AppContext) -> None:
    page = open_page(qtbot, context)
    defaults = page.site_tab.defaults
    assert defaults.url_edit.isReadOnly()
    assert not defaults.save_button.isEnabled()
    assert defaults.feedback.text().startswith("The built-in Local sandbox profile keeps no defaults")
