"""The screens the window offers, in navigation order, and the wiring of the shared status.

Each area names the feature package that builds it; the package is imported
only when the screen is first opened (the first one right after the window's
first paint), so start-up never waits for a screen nobody has looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.main_window import Area, MainWindow

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile


def _orders(context: AppContext) -> QWidget:
    from msp_desk.ui.orders.page import OrdersPage

    return OrdersPage(context)


def _lookup(context: AppContext) -> QWidget:
    from msp_desk.ui.lookup.page import LookupPage

    return LookupPage(context)


def _history(context: AppContext) -> QWidget:
    from msp_desk.ui.history.page import HistoryPage

    return HistoryPage(context)


def _bulk(context: AppContext) -> QWidget:
    from msp_desk.ui.bulk.page import BulkPage

    return BulkPage(context)


def _webhooks(context: AppContext) -> QWidget:
    from msp_desk.ui.webhooks.page import WebhooksPage

    return WebhooksPage(context)


def _inbox(context: AppContext) -> QWidget:
    from msp_desk.ui.inbox.page import InboxPage

    return InboxPage(context)


def _profiles(context: AppContext) -> QWidget:
    from msp_desk.ui.profiles.page import ProfilesPage

    return ProfilesPage(context)


# key, title, icon, builder, description; the position gives the Ctrl+number shortcut.
AREAS: tuple[tuple[str, str, str, Callable[[AppContext], QWidget], str], ...] = (
    ("orders", "New order", "orders", _orders, "Send a direct card order and follow 3-D Secure"),
    ("lookup", "Order lookup", "lookup", _lookup, "Look an order up, follow it, refund or cancel it"),
    ("history", "History", "history", _history, "Every order sent or looked up here, per profile"),
    ("bulk", "Bulk lookup", "bulk", _bulk, "The status of many orders at once, from a list or a spreadsheet"),
    ("webhooks", "Webhooks", "webhooks", _webhooks, "A website's webhook setup: check, prove, fix"),
    ("inbox", "Inbox", "inbox", _inbox, "Notifications the sandbox sent, how they were answered, resending"),
    ("profiles", "Profiles", "profiles", _profiles, "Connection profiles and API keys"),
)


def _builder(build: Callable[[AppContext], QWidget], context: AppContext) -> Callable[[], QWidget]:
    return lambda: build(context)


def _open_order(window: MainWindow, order_id: str) -> None:
    """Another screen asked to see an order in depth: the lookup screen looks it up again."""
    from msp_desk.ui.lookup.page import LookupPage

    window.show_area("lookup")
    page = window.area_widget("lookup")
    if isinstance(page, LookupPage):
        page.look_up(order_id)


def build_main_window(context: AppContext) -> MainWindow:
    window = MainWindow()
    for key, title, icon_name, build, description in AREAS:
        window.add_area(Area(key, title, icon_name, _builder(build, context), description))
    window.badge.show_profile("Loading profiles…", "")

    def show_active(profile: Profile) -> None:
        window.badge.show_profile(profile.name, profile.environment.value)
        window.set_live(profile.environment.value == "live")
        if profile.environment.value == "sandbox" and not context.sandbox.running:
            window.show_activity("Starting the local sandbox…")
            context.tasks.submit(
                lambda ctx: context.sandbox.ensure_running(),
                name="Start the local sandbox",
                on_failure=lambda _error: None,  # said in the status bar through sandbox.failed
            )

    def on_ready() -> None:
        if context.profiles.load_warning:
            window.show_error("Profiles file unreadable", context.profiles.load_warning)

    context.profiles.active_changed.connect(show_active)
    context.profiles.ready.connect(on_ready)
    context.profiles.load_failed.connect(lambda message: window.show_error("Profiles", message))
    context.sandbox.started.connect(window.show_sandbox_started)
    context.sandbox.failed.connect(window.show_activity)
    context.events.status.connect(window.show_status)
    context.events.open_order.connect(lambda order_id: _open_order(window, order_id))
    context.events.unexpected.connect(window.report_unexpected)
    # A job that failed with nobody to handle it: as unexpected as an error in a slot.
    context.tasks.unhandled.connect(window.report_unexpected)
    # After the first paint: the screen on show, then the profiles (pydantic and keyring
    # imports on a worker would otherwise slow the screen down through the GIL).
    window.first_painted.connect(lambda: QTimer.singleShot(0, window.build_current_area))
    window.areas_ready.connect(context.profiles.load)
    return window
