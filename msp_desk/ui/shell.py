"""Assembles the main window from the areas that exist and wires the shared status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msp_desk.ui.context import AppContext
from msp_desk.ui.main_window import Area, MainWindow
from msp_desk.ui.orders_page import OrdersPage
from msp_desk.ui.profiles_page import ProfilesPage

if TYPE_CHECKING:
    from msp_desk.credentials.profiles import Profile


def build_main_window(context: AppContext) -> MainWindow:
    window = MainWindow()
    window.add_area(
        Area(
            "orders",
            "New order",
            "orders",
            OrdersPage(context),
            "Send a direct card order and follow 3-D Secure",
        )
    )
    profiles = ProfilesPage(context)
    window.add_area(Area("profiles", "Profiles", "profiles", profiles, "Connection profiles and API keys"))
    profiles.status_message.connect(window.show_status)
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
    window.first_painted.connect(context.profiles.load)
    return window
