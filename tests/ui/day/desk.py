"""The whole window driven as a support engineer drives it: keys, clicks and shortcuts, counted.

Used by the child processes of the working-day soak and the secrets audit, so
that an abort shows as a failed test, not a crashed pytest. Every action goes
through QTest (a key press, a click, a shortcut) and Qt's event path, and
``kinds`` counts them by kind; ``work`` counts what they achieved (orders,
lookups, refunds...). Waiting is bounded in time and never counts as an action.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QMessageBox, QTabWidget, QWidget

from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
AREA_KEYS = {
    "orders": Qt.Key.Key_1,
    "lookup": Qt.Key.Key_2,
    "history": Qt.Key.Key_3,
    "bulk": Qt.Key.Key_4,
    "webhooks": Qt.Key.Key_5,
    "inbox": Qt.Key.Key_6,
    "profiles": Qt.Key.Key_7,
}
THREE_DS_CARD = "4111111111111111"
PAID_AT_ONCE = "4012001038443335"  # not enrolled: completed without 3-D Secure


def resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def threads() -> int:
    return len(os.listdir("/proc/self/task"))


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Run the event loop until ``condition`` holds, as the app's own loop would, deferred deletes too."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the window never got there: {what}")
        spin()


def settle(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        spin()


def spin() -> None:
    """One turn of an event loop, deferred deletes included (processEvents alone skips them)."""
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    time.sleep(0.002)


class Answers:
    """Stands in for the person at the app's message boxes and file dialogs: yes, and these paths."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.save_as: list[str] = []  # the next file names typed into a save dialog
        QMessageBox.exec = lambda box: self._answer(box)  # type: ignore[method-assign]
        QFileDialog.getSaveFileName = self._save_name  # type: ignore[method-assign]

    def _answer(self, box: QMessageBox) -> int:
        self.asked.append(f"{box.windowTitle()}: {box.text()} {box.informativeText()}".strip())
        going = {QMessageBox.ButtonRole.YesRole, QMessageBox.ButtonRole.AcceptRole}
        buttons = [b for b in box.buttons() if box.buttonRole(b) in going] or box.buttons()
        buttons[0].click()
        return 0

    def _save_name(self, *_args: Any, **_kwargs: Any) -> tuple[str, str]:
        name = self.save_as.pop(0) if self.save_as else ""
        return name, ""


class Desk:
    """The main window and its services, and a person's hands on them."""

    def __init__(self, window: MainWindow, context: AppContext) -> None:
        self.window = window
        self.context = context
        self.kinds: Counter[str] = Counter()  # UI actions by kind
        self.work: Counter[str] = Counter()  # what they achieved
        self.answers = Answers()

    @property
    def actions(self) -> int:
        return sum(self.kinds.values())

    # -- hands -------------------------------------------------------------------------

    def key(
        self,
        widget: QWidget,
        key: Qt.Key,
        modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
        kind: str = "keys (Enter, Ctrl+A, Backspace, Ctrl+V...)",
    ) -> None:
        QTest.keyClick(widget, key, modifier)
        self.kinds[kind] += 1

    def type(self, widget: QWidget, text: str) -> None:
        for char in text:
            QTest.keyClick(widget, char)
        self.kinds["characters typed"] += len(text)

    def replace(self, edit: QWidget, text: str) -> None:
        edit.setFocus()
        self.key(edit, Qt.Key.Key_A, CTRL)
        self.key(edit, Qt.Key.Key_Backspace)
        self.type(edit, text)

    def click(self, button: QAbstractButton) -> None:
        assert button.isEnabled(), f"{button.text()!r} is off"
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        self.kinds["mouse clicks"] += 1

    def tab(self, tabs: QTabWidget, page: QWidget) -> None:
        """A click on a tab's title."""
        bar = tabs.tabBar()
        QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tabs.indexOf(page)).center())
        assert tabs.currentWidget() is page, f"the tab {tabs.tabText(tabs.indexOf(page))!r} did not open"
        self.kinds["mouse clicks"] += 1

    def shortcut(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = CTRL, kind: str = "other shortcuts"
    ) -> None:
        """A window-wide shortcut, pressed wherever the focus is."""
        focus = QApplication.focusWidget()
        target = focus if focus is not None and focus.isVisible() else QApplication.activeWindow()
        self.key(target or self.window, key, modifier, kind)

    def go(self, area: str) -> Any:
        """Ctrl+number, as a person switches screens; returns the screen."""
        if not self.window.isActiveWindow():
            self.window.activateWindow()
            wait_until(self.window.isActiveWindow, "the main window active")
        self.shortcut(AREA_KEYS[area], kind="screen switches (Ctrl+1..7)")
        wait_until(lambda: self.window.current_area() == area, f"the {area} screen")
        return self.window.area_widget(area)

    # -- New order -------------------------------------------------------------------------

    def order(self, card: str, *, cvc: str = "123", holder: str = "A Shopper", amount: str = "12.50") -> str:
        """Type an order with this card and send it with Ctrl+Enter; 3-D Secure passed in the browser."""
        page = self.go("orders")
        form = page.form
        self.replace(form.fields["amount"], amount)
        self.replace(form.fields["description"], f"Support test order for {holder}")
        self.replace(form.fields["card_number"], card)
        self.replace(form.fields["card_holder"], holder)
        self.replace(form.fields["card_expiry"], f"12/{(time.gmtime().tm_year + 2) % 100:02d}")
        self.replace(form.fields["card_cvc"], cvc)
        self.replace(form.fields["email"], "shopper@example.com")
        order_id = form.fields["order_id"].text()
        wait_until(page.send_button.isEnabled, f"Send order on, not {page.message.text()!r}")
        self.shortcut(Qt.Key.Key_Return)
        if card == THREE_DS_CARD:
            self._pass_three_d_secure(page)
        wait_until(lambda: page.result.status.text() == "Completed", f"order {order_id} completed", 60)
        wait_until(lambda: not (page.flow and page.flow.busy), "the order followed to the end")
        self.work["orders sent and completed"] += 1
        if card == THREE_DS_CARD:
            self.work["of which through 3-D Secure in the web view"] += 1
        self.shortcut(Qt.Key.Key_N, CTRL | SHIFT)
        wait_until(page.send_button.isVisible, "a fresh order form")
        return order_id

    def _pass_three_d_secure(self, page: Any) -> None:
        wait_until(lambda: page.challenge.browser is not None and page.tabs.currentIndex() == 1, "3-D Secure")
        browser = page.challenge.browser
        found: list[bool] = []

        def ready() -> bool:
            browser.page.runJavaScript(
                "!!document.getElementById('auth-Y')", 0, lambda ok: found.append(bool(ok))
            )
            return any(found)

        wait_until(ready, "the 3-D Secure simulator's page")
        # A click in the page, as the shopper's: "Authenticated (Y)".
        browser.page.runJavaScript("document.getElementById('auth-Y').click()", 0)
        self.kinds["clicks in the 3-D Secure page"] += 1

    def type_in_order_form(self, budget: int) -> None:
        """Fill and correct the customer fields, as between orders; ``budget`` key presses."""
        page = self.go("orders")
        words = {
            "description": "Order for a shopper who called support ",
            "email": "shopper@example.com",
            "card_holder": "A Shopper",
            "amount": "12.50",
            "browser_language": "nl-NL",
        }
        start = self.actions
        while self.actions - start < budget:
            for name, text in words.items():
                left = budget - (self.actions - start)
                if left <= 2:
                    return
                self.replace(page.form.fields[name], text[: left - 2])

    # -- Order lookup ------------------------------------------------------------------------

    def look_up(self, order_id: str) -> Any:
        page = self.go("lookup")
        self.shortcut(Qt.Key.Key_L)
        self.replace(page.order_edit, order_id)
        self.key(page.order_edit, Qt.Key.Key_Return)
        wait_until(
            lambda: page.detail.values["order_id"].text() == order_id and not page.watch.busy,
            f"order {order_id} looked up",
        )
        self.work["lookups"] += 1
        return page

    def refund(self, order_id: str, amount: str) -> str:
        """Ctrl+Shift+D, part of it, Enter; the question answered yes. Returns what the screen said."""
        page = self.look_up(order_id)
        wait_until(page.refund_button.isEnabled, "Refund on")
        self.shortcut(Qt.Key.Key_D, CTRL | SHIFT)
        wait_until(lambda: page.refund.form is not None and page.refund.form.isVisible(), "the refund form")
        form = page.refund.form
        self.replace(form.amount, amount)
        self.replace(form.description, "Damaged in transit")
        self.key(form.description, Qt.Key.Key_Return)
        wait_until(
            lambda: page.action_message.text().startswith(("Refunded", "⚠")) and not page.refund.busy,
            f"the refund of {order_id}",
        )
        said = page.action_message.text()
        assert said.startswith("Refunded"), said
        self.work["refunds"] += 1
        return said

    def bundle(self, path: Path) -> str:
        """The support bundle of the order on screen, saved as ``path``."""
        page = self.window.area_widget("lookup")
        self.answers.save_as.append(str(path))
        self.click(page.bundle_button)
        wait_until(lambda: not page.bundle.busy and "bundle" in page.action_message.text(), "the bundle")
        self.work["support bundles saved"] += 1
        return str(page.action_message.text())

    # -- History -----------------------------------------------------------------------------

    def search_history(self, prefix: str) -> int:
        """Type the start of an order id character by character; each one searches again."""
        page = self.go("history")
        self.replace(page.search_edit, prefix)
        wait_until(lambda: not page.model.searching, "the history search")
        self.work["history searches"] += 1
        return int(page.model.rowCount())

    # -- Bulk lookup -------------------------------------------------------------------------

    def bulk(self, ids: list[str]) -> str:
        """Paste the ids (Ctrl+V), look them all up (Ctrl+Enter), wait for the end."""
        page = self.go("bulk")
        QGuiApplication.clipboard().setText("\n".join(ids))
        page.input.box.setFocus()
        self.key(page.input.box, Qt.Key.Key_A, CTRL)
        self.key(page.input.box, Qt.Key.Key_V, CTRL)
        wait_until(lambda: len(page.input.ids()) == len(ids), "the pasted ids read")
        self.shortcut(Qt.Key.Key_Return)
        wait_until(lambda: page.run.busy, "the bulk run started", 10)
        wait_until(lambda: not page.run.busy, "the bulk run finished", 120)
        self.work[f"bulk runs of {len(ids):,} ids"] += 1
        return str(page.progress_text.text())

    def export(self, path: Path) -> str:
        page = self.window.area_widget("bulk")
        self.answers.save_as.append(str(path))
        self.click(page.export_button)
        wait_until(lambda: not page.ops.busy("export") and page.message.text().startswith("Saved"), path.name)
        self.work["bulk exports"] += 1
        return str(page.message.text())

    # -- Inbox ---------------------------------------------------------------------------------

    def inbox(self, order_id: str) -> int:
        """Open the inbox, filter on an order, look at its first notification."""
        page = self.go("inbox")
        wait_until(lambda: page.feed.source is not None, "the inbox feed")
        self.replace(page.order_filter, order_id)
        wait_until(lambda: page.received_rows.rowCount() > 0, f"a notification about {order_id}")
        view = page.received_view
        view.setFocus()
        self.key(view, Qt.Key.Key_Home)
        wait_until(lambda: not page.ops.busy("detail"), "the notification's detail")
        self.work["inbox views"] += 1
        return int(page.received_rows.rowCount())

    # -- Profiles ------------------------------------------------------------------------------

    def add_profile(self, name: str, environment: str, key: str) -> None:
        """Ctrl+N, the name and key typed, the environment picked with Home and Down, Ctrl+S."""
        page = self.go("profiles")
        wait_until(lambda: page.keyring_status is not None and not page.busy, "the keyring checked")
        self.shortcut(Qt.Key.Key_N)
        wait_until(page.form.name_edit.hasFocus, "a new profile's name field")
        self.type(page.form.name_edit, name)
        combo = page.form.environment_combo
        combo.setFocus()
        self.key(combo, Qt.Key.Key_Home)
        for _ in range(combo.findData(environment)):
            self.key(combo, Qt.Key.Key_Down)
        assert combo.currentData() == environment, f"{combo.currentText()!r} chosen, not {environment!r}"
        page.form.key_edit.setFocus()
        self.type(page.form.key_edit, key)
        wait_until(page.save_button.isEnabled, f"Save on, not {page.save_hint.text()!r}")
        self.shortcut(Qt.Key.Key_S)
        wait_until(
            lambda: page.feedback.text() == f"Saved “{name}”.", f"{name} saved: {page.feedback.text()!r}"
        )
        self.work["profiles saved with a key in the keyring"] += 1

    def use_profile(self, name: str) -> None:
        """The profile chosen in the list, then Ctrl+Enter: the one every screen works with."""
        page = self.go("profiles")
        items = page.profile_list.findItems(name, Qt.MatchFlag.MatchExactly)
        assert items, f"{name} is not in the list"
        view = page.profile_list
        QTest.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(items[0]).center()
        )
        self.kinds["mouse clicks"] += 1
        self.shortcut(Qt.Key.Key_Return)
        wait_until(lambda: self.context.profiles.active().name == name, f"{name} active")

    # -- Webhooks ------------------------------------------------------------------------------

    def doctor(self, url: str) -> str:
        page = self.go("webhooks")
        self.tab(page.tabs, page.doctor_tab)
        doctor = page.doctor_tab
        self.replace(doctor.url_edit, url)
        self.click(doctor.run_button)
        wait_until(lambda: doctor.report is not None and not page.busy, "the endpoint doctor", 60)
        self.click(doctor.copy_button)
        self.work["endpoint doctor runs"] += 1
        return str(doctor.verdict.text())

    def check_signature(self, body: str, auth: str) -> str:
        page = self.go("webhooks")
        self.tab(page.tabs, page.signature_tab)
        tab = page.signature_tab
        tab.body_edit.setFocus()
        QGuiApplication.clipboard().setText(body)
        self.key(tab.body_edit, Qt.Key.Key_A, CTRL)
        self.key(tab.body_edit, Qt.Key.Key_V, CTRL)
        self.replace(tab.auth_edit, auth)
        self.click(tab.verify_button)
        wait_until(lambda: not page.busy and tab.verdict.text() != "Verifying…", "the signature verdict")
        self.work["signature checks"] += 1
        return str(tab.verdict.text())
