"""The Profiles screen, driven with the keyboard and mouse as a support engineer would use it.

Connection tests run against the real local sandbox; key storage against the
in-memory keyring, keyring's own failing backend, a keyring that is locked,
and (marked secret_service) the real gnome-keyring.
"""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QWidget,
)

from msp_desk.api.environments import Environment
from msp_desk.credentials.access import BUILTIN_SANDBOX_ID, open_store
from msp_desk.credentials.profiles import KeyStorage, Profile
from msp_desk.ui.profiles.keyring_banner import LOCKED_MESSAGE, NO_KEYRING_MESSAGE
from msp_desk.ui.profiles.list import DETAIL_ROLE
from msp_desk.ui.profiles.page import ProfilesPage
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.services.settings import save_layout
from tests.ui.conftest import NO, choose, click, replace_text, text_colour

LIVE_KEY = "L1veKeyForShopNL0000000000000000000a9f3c"
TEST_KEY = "TestKeyForShopNL000000000000000000001234"


def open_page(qtbot, context: AppContext) -> ProfilesPage:
    if not context.profiles.is_ready:
        context.profiles.adopt(*open_store())
    page = ProfilesPage(context)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.waitUntil(lambda: page.keyring_status is not None)
    return page


@pytest.fixture
def page(qtbot, context: AppContext) -> ProfilesPage:
    return open_page(qtbot, context)


def select(qtbot, page: ProfilesPage, name: str) -> None:
    items = page.profile_list.findItems(name, Qt.MatchFlag.MatchExactly)
    assert items, f"{name} is not in the list"
    rect = page.profile_list.visualItemRect(items[0])
    qtbot.mouseClick(page.profile_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.form.name_edit.text() == name


def fill_new(qtbot, page: ProfilesPage, name: str, environment: str, key: str, url: str = "") -> None:
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.form.title.text() == "New profile"
    assert page.form.name_edit.hasFocus()
    qtbot.keyClicks(page.form.name_edit, name)
    choose(page.form.environment_combo, environment)
    page.form.key_edit.setFocus()
    qtbot.keyClicks(page.form.key_edit, key)
    if url:
        page.form.url_edit.setFocus()
        qtbot.keyClicks(page.form.url_edit, url)


def save(qtbot, page: ProfilesPage) -> None:
    assert page.save_button.isEnabled(), page.save_hint.text()
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: not page.busy and page.feedback.text() != "Saving…")


def add_profile(qtbot, page: ProfilesPage, name: str, environment: str, key: str, url: str = "") -> Profile:
    fill_new(qtbot, page, name, environment, key, url)
    save(qtbot, page)
    assert page.feedback.text() == f"Saved “{name}”."
    profile = page.shown_profile()
    assert profile is not None
    return profile


def item_details(page: ProfilesPage, name: str) -> str:
    return page.profile_list.findItems(name, Qt.MatchFlag.MatchExactly)[0].data(DETAIL_ROLE)


def sandbox_site(context: AppContext):
    return context.sandbox.ensure_running().sites[0]


# -- loading and the list -------------------------------------------------------


def test_page_waits_for_profiles_then_shows_the_builtin_sandbox(qtbot, context: AppContext) -> None:
    page = ProfilesPage(context)
    qtbot.addWidget(page)
    page.show()
    assert page.loading_label.isVisible()
    assert page.loading_label.text() == "Loading profiles…"

    context.profiles.adopt(*open_store())
    assert not page.loading_label.isVisible()
    assert page.profile_list.count() == 1
    item = page.profile_list.item(0)
    assert item.text() == "Local sandbox"
    assert item.data(DETAIL_ROLE) == "active · built-in"
    assert item.data(Qt.ItemDataRole.AccessibleTextRole) == "Local sandbox, Sandbox, active · built-in"
    assert page.form.name_edit.isReadOnly()
    assert "cannot be edited or deleted" in page.form.note.text()
    assert not page.save_button.isEnabled()
    assert not page.delete_button.isEnabled()
    assert not page.use_button.isEnabled()  # it already is the active profile
    assert page.form.test_button.isEnabled()
    qtbot.waitUntil(lambda: page.banner.state == "working")
    assert page.banner.message.text() == "API keys are stored in the system keyring (InMemoryKeyring)."


def test_a_failed_load_is_said_where_the_list_would_be(qtbot, context: AppContext) -> None:
    page = ProfilesPage(context)
    qtbot.addWidget(page)
    context.profiles.load_failed.emit("Profiles could not be loaded: disk on fire")
    assert page.loading_label.text() == "⚠ Profiles could not be loaded: disk on fire"


def test_every_control_is_named_as_it_reads_and_labelled(page: ProfilesPage) -> None:
    kinds = (QLineEdit, QComboBox, QPushButton, QCheckBox, QListWidget)
    controls = [w for w in page.findChildren(QWidget) if isinstance(w, kinds)]
    assert len(controls) >= 15
    buddies = {label.buddy(): label for label in page.findChildren(QLabel) if label.buddy() is not None}
    mnemonics: list[str] = []
    for control in controls:
        name = control.accessibleName()
        assert name, f"{control.objectName()} has no accessible name"
        if isinstance(control, QAbstractButton):
            assert name == control.text().replace("&", ""), control.objectName()
            mnemonics.append(control.text().split("&")[1][0].lower())
        if isinstance(control, QLineEdit | QComboBox | QListWidget):
            label = buddies.get(control)
            assert label is not None, f"{name} has no label"
            assert label.text().replace("&", "") == name
            assert "&" in label.text(), f"the label of {name} has no mnemonic"
            mnemonics.append(label.text().split("&")[1][0].lower())
    assert len(mnemonics) == len(set(mnemonics)), f"mnemonics used twice: {sorted(mnemonics)}"
    # A message label has no name of its own, so a screen reader reads what it says.
    assert page.form.result_label.accessibleName() == ""
    assert page.form.result_label.accessibleDescription() == "Connection result"
    assert page.form.key_edit.echoMode() is QLineEdit.EchoMode.Password


def test_tab_goes_from_the_list_down_the_form_to_the_buttons(page: ProfilesPage) -> None:
    form = page.form
    expected = [
        page.profile_list,
        form.name_edit,
        form.environment_combo,
        form.key_edit,
        form.session_check,
        form.test_button,
        form.site_edit,
        form.account_edit,
        form.url_edit,
        form.method_combo,
        page.new_button,
        page.delete_button,
        page.use_button,
        page.save_button,
    ]
    order = [page.profile_list]
    widget = page.profile_list.nextInFocusChain()
    while widget is not page.profile_list and len(order) < 200:
        if widget in expected:
            order.append(widget)
        widget = widget.nextInFocusChain()
    assert order == expected


def test_shortcuts_are_the_ones_the_tooltips_promise(page: ProfilesPage) -> None:
    keys = {shortcut.key().toString() for shortcut in page.findChildren(QShortcut)}
    assert {"Ctrl+N", "Ctrl+S", "Ctrl+T", "Ctrl+Return", "Ctrl+Enter", "Del"} <= keys
    assert "Ctrl+S" in page.save_button.toolTip()
    assert "Ctrl+N" in page.new_button.toolTip()
    assert "Ctrl+T" in page.form.test_button.toolTip()


def test_the_page_follows_the_palette(qtbot, page: ProfilesPage) -> None:
    for widget in [page, *page.findChildren(QWidget)]:
        sheet = widget.styleSheet().replace(" ", "").lower()
        assert "background:#fff" not in sheet
        assert "background-color" not in sheet

    dark = QPalette(page.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    page.setPalette(dark)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.form.name_edit, "Local sandbox")
    # The badge red is unreadable on a dark window; errors use a lighter red there.
    assert text_colour(page.form.messages["name"]) == "#ef9a9a"


def test_the_keyring_is_left_alone_until_the_page_is_shown(qtbot, context: AppContext) -> None:
    context.profiles.adopt(*open_store())
    page = ProfilesPage(context)
    qtbot.addWidget(page)
    assert page.profile_list.count() == 1
    assert page.keyring_status is None
    assert context.tasks.active_count == 0
    page.show()
    qtbot.waitUntil(lambda: page.keyring_status is not None)
    assert page.banner.state == "working"


# -- adding, validating, editing, deleting --------------------------------------


def test_add_a_live_profile_with_the_keyboard(
    qtbot, context: AppContext, page: ProfilesPage, memory_keyring
) -> None:
    fill_new(qtbot, page, "Shop NL", "LIVE", LIVE_KEY, "https://shop.example/notify")
    assert page.form.environment_badge.text() == "LIVE — real money"
    assert "#c62828" in page.form.environment_badge.styleSheet()
    assert page.form.messages["api_key"].text() == "Ends in ••••9f3c"
    qtbot.keyClick(page.form.url_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.feedback.text() == "Saved “Shop NL”.")

    saved = context.profiles.store.list()
    assert [(p.name, p.environment, p.notification_url) for p in saved] == [
        ("Shop NL", Environment.LIVE, "https://shop.example/notify")
    ]
    assert memory_keyring.entries == {("msp-desk", saved[0].id): LIVE_KEY}
    assert page.form.key_edit.text() == ""
    assert page.form.key_edit.placeholderText() == "Unchanged (••••9f3c)"
    item = page.profile_list.findItems("Shop NL", Qt.MatchFlag.MatchExactly)[0]
    assert item.isSelected()
    assert item.foreground().color().name() == "#c62828"
    assert "LIVE" in item.data(Qt.ItemDataRole.AccessibleTextRole)
    assert not page.save_button.isEnabled()


def test_problems_show_under_their_field_and_block_saving(qtbot, page: ProfilesPage) -> None:
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not page.save_button.isEnabled()
    assert page.save_hint.text() == "To save, enter a name and the API key."
    assert not page.form.messages["name"].isVisible()  # a blank new form is not scolded

    qtbot.keyClicks(page.form.name_edit, "local SANDBOX")
    name_message = page.form.messages["name"]
    assert name_message.text() == "⚠ There is already a profile named “local SANDBOX”."
    assert name_message.kind == "error"
    assert text_colour(name_message) == "#c62828"

    replace_text(qtbot, page.form.name_edit, "Shop BE")
    assert not name_message.isVisible()
    page.form.key_edit.setFocus()
    qtbot.keyClicks(page.form.key_edit, "short key")
    assert page.form.messages["api_key"].text() == "⚠ An API key contains no spaces or line breaks."
    assert not page.save_button.isEnabled()
    assert not page.form.test_button.isEnabled()

    replace_text(qtbot, page.form.key_edit, "shortkey")
    warning = page.form.messages["api_key"]
    assert warning.kind == "warning"
    assert warning.text() == "MultiSafepay API keys are 40 characters; this one has 8."
    assert text_colour(warning) != "#c62828"
    assert page.save_button.isEnabled()

    page.form.url_edit.setFocus()
    qtbot.keyClicks(page.form.url_edit, "shop.example/notify")
    assert page.form.messages["notification_url"].text() == (
        "⚠ The notification URL must start with http:// or https://."
    )
    assert not page.save_button.isEnabled()
    replace_text(qtbot, page.form.url_edit, "http://shop.example/notify")
    assert (
        page.form.messages["notification_url"].text()
        == "MultiSafepay only delivers webhooks to https:// URLs."
    )
    assert page.save_button.isEnabled()


def test_rename_keeps_the_key_under_the_same_id(qtbot, context, page: ProfilesPage, memory_keyring) -> None:
    profile = add_profile(qtbot, page, "Shop NL test", "Test", TEST_KEY)
    replace_text(qtbot, page.form.name_edit, "Shop Netherlands test")
    assert page.form.key_edit.text() == ""
    qtbot.keyClick(page.form.name_edit, Qt.Key.Key_Return)  # Enter in a field saves, as in any form
    qtbot.waitUntil(lambda: page.feedback.text() == "Saved “Shop Netherlands test”.")

    renamed = context.profiles.store.get(profile.id)
    assert renamed.name == "Shop Netherlands test"
    assert memory_keyring.entries == {("msp-desk", profile.id): TEST_KEY}
    assert page.profile_list.findItems("Shop Netherlands test", Qt.MatchFlag.MatchExactly)
    assert not page.profile_list.findItems("Shop NL test", Qt.MatchFlag.MatchExactly)


def test_typing_a_new_key_replaces_the_stored_one(qtbot, context, page: ProfilesPage, memory_keyring) -> None:
    profile = add_profile(qtbot, page, "Shop NL test", "Test", TEST_KEY)
    new_key = "N" * 36 + "77aa"
    page.form.key_edit.setFocus()
    qtbot.keyClicks(page.form.key_edit, new_key)
    save(qtbot, page)
    assert memory_keyring.entries == {("msp-desk", profile.id): new_key}
    assert page.form.key_edit.text() == ""
    assert page.form.key_edit.placeholderText() == "Unchanged (••••77aa)"


def test_delete_asks_first_and_removes_the_key(
    qtbot, context, page: ProfilesPage, memory_keyring, dialogs
) -> None:
    profile = add_profile(qtbot, page, "Shop NL", "LIVE", LIVE_KEY)
    dialogs.answers.append(NO)
    page.profile_list.setFocus()
    qtbot.keyClick(page.profile_list, Qt.Key.Key_Delete)
    assert dialogs.asked == [
        "Delete profile: Delete the profile “Shop NL”?\n\n"
        "Its API key is removed from the system keyring. This cannot be undone."
    ]
    assert context.profiles.store.list() == [profile]

    click(qtbot, page.delete_button)
    qtbot.waitUntil(lambda: page.feedback.text() == "Deleted “Shop NL” and its API key.")
    assert context.profiles.store.list() == []
    assert memory_keyring.entries == {}
    assert [page.profile_list.item(i).text() for i in range(page.profile_list.count())] == ["Local sandbox"]
    assert page.shown_profile().id == BUILTIN_SANDBOX_ID


def test_leaving_unsaved_changes_asks_before_discarding(qtbot, context, page: ProfilesPage, dialogs) -> None:
    add_profile(qtbot, page, "Shop NL test", "Test", TEST_KEY)
    replace_text(qtbot, page.form.name_edit, "Half-typed name")
    dialogs.answers.append(NO)
    rect = page.profile_list.visualItemRect(page.profile_list.item(0))
    qtbot.mouseClick(page.profile_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialogs.asked == ["Unsaved changes: Discard your changes to “Shop NL test”?"]
    assert page.form.name_edit.text() == "Half-typed name"
    assert page.profile_list.currentItem().text() == "Shop NL test"

    select(qtbot, page, "Local sandbox")
    assert len(dialogs.asked) == 2


def test_use_this_profile_switches_the_status_bar_and_window(qtbot, context: AppContext) -> None:
    from msp_desk.ui.shell.areas import build_main_window
    from msp_desk.ui.shell.main_window import Area

    window = build_main_window(context)
    qtbot.addWidget(window)
    page = ProfilesPage(context)
    window.add_area(Area("profiles", "Profiles", "profiles", lambda: page, "Profiles and API keys"))
    window.show_area("profiles")  # beside the order screen, whose Ctrl+Return must not fire here
    with qtbot.waitSignal(context.profiles.ready, timeout=10000):
        window.show()  # the first paint loads the profiles, as at start-up
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: page.keyring_status is not None)
    add_profile(qtbot, page, "Shop NL test", "Test", TEST_KEY)
    add_profile(qtbot, page, "Shop NL", "LIVE", LIVE_KEY)
    select(qtbot, page, "Shop NL test")
    click(qtbot, page.use_button)
    assert window.badge.text() == "Shop NL test — Test"

    select(qtbot, page, "Shop NL")
    assert page.use_button.isEnabled()
    qtbot.keyClick(page.profile_list, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.badge.text() == "Shop NL — LIVE"
    assert window.live_banner.isVisible()
    assert item_details(page, "Shop NL") == "active"
    assert not page.use_button.isEnabled()
    assert page.feedback.text() == "“Shop NL” is now the active profile."

    select(qtbot, page, "Local sandbox")
    click(qtbot, page.use_button)
    assert window.badge.text() == "Local sandbox — Sandbox"
    assert not window.live_banner.isVisible()
    assert context.profiles.store.active() is None


# -- Test connection against the local sandbox ----------------------------------


def test_builtin_profile_connects_to_the_local_sandbox(qtbot, context, page: ProfilesPage) -> None:
    select(qtbot, page, "Local sandbox")
    qtbot.keyClick(page.profile_list, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert not page.form.test_button.isEnabled()
    running = context.tasks.active_count
    page.form.test_button.click()
    page.test_connection()
    assert context.tasks.active_count == running  # a second request is never started

    site = sandbox_site(context)
    expected = f"Site {site.site_id} · Account {site.account_id} · role: merchant"
    qtbot.waitUntil(lambda: page.form.result_label.text() == expected, timeout=20000)
    assert page.form.site_edit.text() == str(site.site_id)
    assert page.form.account_edit.text() == str(site.account_id)
    assert page.form.test_button.isEnabled()


def test_new_sandbox_profile_learns_its_site_and_account(qtbot, context, page: ProfilesPage) -> None:
    site = sandbox_site(context)
    fill_new(qtbot, page, "Sandbox shop", "Sandbox", site.api_key)
    click(qtbot, page.form.test_button)
    expected = f"Site {site.site_id} · Account {site.account_id} · role: merchant"
    qtbot.waitUntil(lambda: page.form.result_label.text() == expected, timeout=20000)
    assert page.form.site_edit.text() == str(site.site_id)
    save(qtbot, page)

    stored = context.profiles.store.list()[0]
    assert (stored.site_id, stored.account_id) == (site.site_id, site.account_id)
    assert item_details(page, "Sandbox shop") == f"site {site.site_id}", "adding never makes a profile active"


def test_testing_a_saved_profile_stores_what_get_me_answered(qtbot, context, page: ProfilesPage) -> None:
    site = sandbox_site(context)
    profile = add_profile(qtbot, page, "Sandbox shop", "Sandbox", site.api_key)
    assert profile.site_id is not None or page.form.site_edit.text() == ""
    context.profiles.store.update(profile.model_copy(update={"site_id": None, "account_id": None}))
    context.profiles.notify_changed()

    click(qtbot, page.form.test_button)  # no key typed: the stored one is read on the worker
    qtbot.waitUntil(lambda: page.form.result_label.text().startswith("Site "), timeout=20000)
    stored = context.profiles.store.get(profile.id)
    assert (stored.site_id, stored.account_id) == (site.site_id, site.account_id)
    assert not page.is_dirty()
    assert not page.save_button.isEnabled()


def test_a_wrong_key_shows_the_typed_error(qtbot, context, page: ProfilesPage) -> None:
    sandbox_site(context)
    wrong = "b" * 40
    fill_new(qtbot, page, "Sandbox shop", "Sandbox", wrong)
    click(qtbot, page.form.test_button)
    qtbot.waitUntil(lambda: "1032" in page.form.result_label.text(), timeout=20000)
    assert page.form.result_label.text() == (
        "⚠ Sandbox refused the API key (error 1032); "
        "perhaps a Test or Live key was used against the local sandbox."
    )
    assert text_colour(page.form.result_label) == "#c62828"
    assert page.form.site_edit.text() == ""


def test_changing_the_key_forgets_the_learned_site(qtbot, context, page: ProfilesPage) -> None:
    site = sandbox_site(context)
    fill_new(qtbot, page, "Sandbox shop", "Sandbox", site.api_key)
    click(qtbot, page.form.test_button)
    qtbot.waitUntil(lambda: page.form.site_edit.text() == str(site.site_id), timeout=20000)
    qtbot.keyClicks(page.form.key_edit, "x")
    assert page.form.site_edit.text() == ""
    assert page.form.result_label.text() == ""


# -- keyring states -------------------------------------------------------------


def test_no_keyring_offers_a_session_only_key(qtbot, context, memory_keyring, msp_home: Path) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    page = open_page(qtbot, context)
    qtbot.waitUntil(lambda: page.banner.state == "no_backend")
    assert page.banner.message.text() == NO_KEYRING_MESSAGE
    assert "No keyring was found on this computer" in page.banner.details.text()
    assert page.banner.retry_button.isVisible()
    session = page.form.session_check

    site = sandbox_site(context)
    fill_new(qtbot, page, "Sandbox shop", "Sandbox", site.api_key)
    assert session.isEnabled()
    assert "never written to disk" in session.toolTip()
    assert not page.save_button.isEnabled()
    assert "Keep the key for this session only" in page.form.messages["api_key"].text()
    assert page.form.test_button.isEnabled()  # a key that cannot be stored can still be tried
    assert "only be kept for this session" in page.form.note.text()

    session.setFocus()
    qtbot.keyClick(session, Qt.Key.Key_Space)
    assert session.isChecked()
    save(qtbot, page)
    assert page.feedback.text() == "Saved “Sandbox shop”."
    stored = context.profiles.store.list()[0]
    assert stored.key_storage is KeyStorage.SESSION_ONLY
    assert context.profiles.store.secrets.session_value(stored.id) == site.api_key
    assert memory_keyring.entries == {}
    assert page.form.note.text() == "The key is kept in memory until msp-desk closes."
    for path in msp_home.rglob("*"):
        if path.is_file() and not path.name.startswith("sandbox"):  # the sandbox's own database
            assert site.api_key not in path.read_bytes().decode("utf-8", "replace"), path

    click(qtbot, page.form.test_button)  # the session key works for requests
    qtbot.waitUntil(lambda: page.form.result_label.text().startswith(f"Site {site.site_id}"), timeout=20000)


def test_a_session_only_key_is_asked_for_again_after_a_restart(qtbot, context, memory_keyring) -> None:
    store, _ = open_store()
    store.add(
        Profile(name="Shop NL test", environment=Environment.TEST, key_storage=KeyStorage.SESSION_ONLY),
        TEST_KEY,
    )
    page = open_page(qtbot, context)  # a new store: the key held in memory is gone
    select(qtbot, page, "Shop NL test")
    qtbot.waitUntil(lambda: page.form.key_edit.placeholderText() == "No key available: enter it again")
    assert "enter it again to use the profile" in page.form.messages["api_key"].text()
    assert not page.form.test_button.isEnabled()


class LockedKeyring(KeyringBackend):
    # Defining a backend registers it with keyring; priority 0 keeps it out of keyring's own
    # choice and out of the chainer, so the Secret Service tests never ask it.
    priority = 0  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.locked = True
        self.entries: dict[tuple[str, str], str] = {}

    def _check(self) -> None:
        if self.locked:
            raise keyring.errors.KeyringLocked("locked")

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        self.entries.pop((service, username), None)


def test_locked_keyring_explains_and_tries_again(qtbot, context) -> None:
    ring = LockedKeyring()
    keyring.set_keyring(ring)
    page = open_page(qtbot, context)
    qtbot.waitUntil(lambda: page.banner.state == "locked_or_refused")
    assert page.banner.message.text() == LOCKED_MESSAGE
    assert "The keyring is locked" in page.banner.details.text()
    assert not page.form.session_check.isEnabled()  # the built-in profile has no key to keep
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.form.session_check.isEnabled()

    ring.locked = False
    click(qtbot, page.banner.retry_button)
    qtbot.waitUntil(lambda: page.banner.state == "working")
    assert not page.banner.retry_button.isVisible()
    assert not page.form.session_check.isEnabled()


def test_a_keyring_failure_on_save_keeps_everything_typed(qtbot, context) -> None:
    ring = LockedKeyring()
    ring.locked = False
    keyring.set_keyring(ring)
    page = open_page(qtbot, context)
    qtbot.waitUntil(lambda: page.banner.state == "working")
    fill_new(qtbot, page, "Shop NL", "LIVE", LIVE_KEY, "https://shop.example/notify")
    ring.locked = True
    save(qtbot, page)

    assert page.form.messages["api_key"].text().startswith("⚠ The key was not saved. The keyring is locked.")
    assert page.feedback.text() == "⚠ The profile was not saved; your entries are kept."
    assert page.banner.state == "locked_or_refused"
    assert page.form.name_edit.text() == "Shop NL"
    assert page.form.key_edit.text() == LIVE_KEY  # still only in the password field, to retry
    assert page.form.url_edit.text() == "https://shop.example/notify"
    assert context.profiles.store.list() == []

    ring.locked = False
    save(qtbot, page)
    assert page.feedback.text() == "Saved “Shop NL”."
    assert list(ring.entries.values()) == [LIVE_KEY]


# -- keys stay secret -----------------------------------------------------------


@pytest.fixture
def log_file() -> Iterator[Path]:
    from msp_desk.core.logs import setup_logging

    root = logging.getLogger()
    level = root.level
    path = setup_logging(logging.DEBUG)
    yield path
    for handler in list(root.handlers):
        if getattr(handler, "_msp_desk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def every_text(page: ProfilesPage) -> list[str]:
    texts: list[str] = []
    for widget in [page, *page.findChildren(QWidget)]:
        texts += [
            widget.toolTip(),
            widget.accessibleName(),
            widget.accessibleDescription(),
            widget.statusTip(),
        ]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.displayText(), widget.placeholderText()]
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QListWidget):
            for row in range(widget.count()):
                item = widget.item(row)
                texts += [
                    str(item.data(role))
                    for role in (0, 3, int(Qt.ItemDataRole.AccessibleTextRole), DETAIL_ROLE)
                ]
    return texts


def test_no_key_reaches_the_files_the_log_or_the_screen(
    qtbot, context, page: ProfilesPage, memory_keyring, msp_home: Path, log_file: Path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    site = sandbox_site(context)
    profile = add_profile(qtbot, page, "Shop NL", "LIVE", LIVE_KEY, "https://shop.example/notify")
    page.form.key_edit.setFocus()
    qtbot.keyClicks(page.form.key_edit, TEST_KEY)
    replace_text(qtbot, page.form.name_edit, "Shop NL renamed")
    save(qtbot, page)
    assert memory_keyring.entries == {("msp-desk", profile.id): TEST_KEY}

    wrong = "c" * 36 + "0bad"
    fill_new(qtbot, page, "Sandbox shop", "Sandbox", wrong)
    click(qtbot, page.form.test_button)
    qtbot.waitUntil(lambda: "1032" in page.form.result_label.text(), timeout=20000)
    replace_text(qtbot, page.form.key_edit, site.api_key)
    save(qtbot, page)
    save_layout(page, "profiles")  # what the window does on closing: the splitter into ui-state.ini

    secrets = [LIVE_KEY, TEST_KEY, wrong, site.api_key]
    files = {
        path.name: path.read_text(encoding="utf-8")
        for path in msp_home.rglob("*")
        # The sandbox's own database holds its own website key by design.
        if path.is_file() and not path.name.startswith("sandbox")
    }
    assert {"profiles.json", "ui-state.ini", "msp-desk.log"} <= set(files)
    assert "Added profile" in files["msp-desk.log"]
    for name, text in files.items():
        for secret in secrets:
            assert secret not in text, name
    assert "api_key" not in json.loads(files["profiles.json"])["profiles"][0]
    for record in caplog.records:
        for secret in secrets:
            assert secret not in record.getMessage()
    shown = every_text(page)
    for secret in secrets:
        assert not any(secret in text for text in shown)
    assert "Unchanged (••••" + site.api_key[-4:] + ")" in shown


# -- start-up cost and the real keyring ----------------------------------------


def test_importing_the_page_loads_no_credentials_or_http_code() -> None:
    code = (
        "import sys\n"
        "import msp_desk.ui.profiles.page\n"
        "print(sorted(m for m in ('httpx', 'pydantic', 'keyring') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def secret_tool_lookup(profile_id: str) -> str:
    result = subprocess.run(
        ["secret-tool", "lookup", "service", "msp-desk", "username", profile_id],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return result.stdout


@pytest.mark.secret_service
def test_add_and_delete_through_the_real_keyring(qtbot, context, dialogs) -> None:
    page = open_page(qtbot, context)
    qtbot.waitUntil(lambda: page.banner.state != "checking")
    assert page.banner.state == "working", page.banner.details.text()
    assert "Secret Service" in page.banner.message.text()
    profile = add_profile(qtbot, page, "Shop NL test", "Test", TEST_KEY)
    try:
        assert secret_tool_lookup(profile.id) == TEST_KEY
        select(qtbot, page, "Shop NL test")
        click(qtbot, page.delete_button)
        qtbot.waitUntil(lambda: page.feedback.text() == "Deleted “Shop NL test” and its API key.")
        assert secret_tool_lookup(profile.id) == ""
    finally:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password("msp-desk", profile.id)
