"""The assembled window: profiles load after the first paint, the sandbox starts for Sandbox."""

from __future__ import annotations

import httpx
import pytest

from msp_desk.ui.services.context import AppContext
from msp_desk.ui.shell.areas import build_main_window


@pytest.fixture
def context(qtbot):
    ctx = AppContext()
    yield ctx
    ctx.close()


def test_zero_setup_start_uses_the_builtin_sandbox(qtbot, context: AppContext) -> None:
    window = build_main_window(context)
    qtbot.addWidget(window)
    assert window.badge.text() == "Loading profiles…"
    with qtbot.waitSignal(context.sandbox.started, timeout=20000):
        window.show()  # first paint → profiles load → built-in Sandbox is active → sandbox starts
    assert window.badge.text() == "Local sandbox — Sandbox"
    assert "Local sandbox running at http://127.0.0.1:" in window.activity.text()
    assert not window.live_banner.isVisible()

    profile = context.profiles.active()
    client = context.profiles.client_for(context.http, profile)
    me = client.me().data
    assert me.site_id == context.sandbox.ensure_running().sites[0].site_id


def test_live_profile_turns_the_window_red(qtbot, context: AppContext, memory_keyring) -> None:
    from msp_desk.api.environments import Environment
    from msp_desk.credentials.access import open_store
    from msp_desk.credentials.profiles import Profile

    window = build_main_window(context)
    qtbot.addWidget(window)
    context.profiles.adopt(*open_store())
    live = context.profiles.store.add(Profile(name="Shop NL", environment=Environment.LIVE), "a" * 40)
    context.profiles.set_active(live)
    window.show()
    assert window.badge.text() == "Shop NL — LIVE"
    assert window.live_banner.isVisible()
    assert window.windowTitle().endswith("LIVE")
    assert context.profiles.base_url_for(live) == "https://api.multisafepay.com/v1/json/"
    assert memory_keyring.entries[("msp-desk", live.id)] == "a" * 40


def test_shared_http_client_identifies_msp_desk(context: AppContext) -> None:
    assert isinstance(context.http, httpx.Client)
    assert context.http is context.http
    assert context.http.headers["User-Agent"].startswith("msp-desk/0.1.0")


def test_closing_the_app_stops_the_sandbox(qtbot) -> None:
    ctx = AppContext()
    server = ctx.sandbox.ensure_running()
    url = server.base_url + "_sandbox/hello"
    assert httpx.get(url, timeout=5).status_code == 200
    ctx.close()
    assert not ctx.sandbox.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)


def test_another_screen_opens_an_order_in_the_lookup_screen(qtbot, context: AppContext) -> None:
    from msp_desk.credentials.access import open_store
    from msp_desk.ui.lookup.page import LookupPage

    window = build_main_window(context)
    qtbot.addWidget(window)
    context.profiles.adopt(*open_store())
    window.show()
    assert "lookup" not in window.built_areas()
    context.events.open_order.emit("ORD-from-elsewhere")
    assert window.current_area() == "lookup"
    page = window.area_widget("lookup")
    assert isinstance(page, LookupPage)
    assert page.order_edit.text() == "ORD-from-elsewhere"
    qtbot.waitUntil(lambda: page.message.kind == "error", timeout=20000)
    assert page.message.text().startswith("⚠ No order “ORD-from-elsewhere” on this profile's website")


def test_the_screens_in_navigation_order() -> None:
    from msp_desk.ui.shell.areas import AREAS

    keys = [area[0] for area in AREAS]
    assert keys[:3] == ["orders", "lookup", "history"]
    assert keys[-1] == "profiles"
