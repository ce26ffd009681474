"""Assembles the main window from the areas that exist and wires the shared status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from msp_desk.ui.context import AppContext
from msp_desk.ui.main_window import Area, MainWindow

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile


def build_main_window(context: AppContext) -> MainWindow:
    window = MainWindow()

    def orders() -> QWidget:
        from msp_desk.ui.orders_page import OrdersPage

        return OrdersPage(context)

    def profiles() -> QWidget:
        from msp_desk.ui.profiles_page import ProfilesPage

        page = ProfilesPage(context)
        page.status_message.connect(window.show_status)
        return page

    window.add_area(
        Area("orders", "New order", "orders", orders, "Send a direct card order and follow 3-D Secure")
    )
    window.add_area(Area("profiles", "Profiles", "profiles", profiles, "Connection profiles and API keys"))
    window.badge.show_profile("Loading profiles…", "")

    def show_active(profile: Profile) -> None:
        window.badge.show_profile(profile.name, profile.environment.value)
        window.set_live(profile.environment.value == "live")
        if profile.environment.value == "sandbox" and not context.sandbox.running:
            window.show_activity("Starting the local sandbox…")
            context.tasks.submit(lambda ctx: context.sandbox.ensure_running(), name="Start the local sandbox")

    def on_ready() -> None:
        if context.profiles.load_warning:
            window.show_error("Profiles file unreadable", context.profiles.load_warning)

    context.profiles.active_changed.connect(show_active)
    context.profiles.ready.connect(on_ready)
    context.profiles.load_failed.connect(lambda message: window.show_error("Profiles", message))
    context.sandbox.started.connect(window.show_sandbox_started)
    context.sandbox.failed.connect(window.show_activity)
    context.tasks.unhandled.connect(lambda name, error: window.show_status(f"{name} failed: {error}"))
    # After the first paint: the screens first, then the profiles (pydantic and keyring
    # imports on a worker would otherwise slow the screens down through the GIL).
    window.first_painted.connect(lambda: QTimer.singleShot(0, window.build_all_areas))
    window.areas_ready.connect(context.profiles.load)
    return window
