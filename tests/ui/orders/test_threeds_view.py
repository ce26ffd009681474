"""The embedded 3-D Secure browser, on a real QtWebEngine page against loopback."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.webengine


class _AcsHandler(http.server.BaseHTTPRequestHandler):
    """An ACS in miniature: the form posts here, and it bounces to the shop."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode()
        target = "/shop/return" if "PaReq=challenge" in body else "/shop/cancel"
        self.send_response(302)
        self.send_header("Location", f"{target}?transactionid=order-1")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        body = b"<html><body>merchant page</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if self.path.startswith("/shop/"):
            self.server.merchant_hits += 1  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def acs() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AcsHandler)
    server.merchant_hits = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _form(base: str, pareq: str) -> str:
    return (
        '<html><body onload="document.forms[0].submit()">'
        f'<form method="post" action="{base}/acs"><input type="hidden" name="PaReq" value="{pareq}">'
        '<input type="hidden" name="MD" value="md"></form></body></html>'
    )


@pytest.fixture
def view(qtbot):
    from msp_desk.ui.orders.threeds_view import ThreeDSecureView

    widget = ThreeDSecureView()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    yield widget
    widget.dispose()


def test_flow_is_stopped_at_the_redirect_url_and_traced(qtbot, view, acs) -> None:
    base = f"http://127.0.0.1:{acs.server_address[1]}"
    with qtbot.waitSignal(view.finished, timeout=20000) as blocker:
        view.start_form(_form(base, "challenge"), base + "/", f"{base}/shop/return", f"{base}/shop/cancel")
    assert blocker.args == ["redirect", f"{base}/shop/return?transactionid=order-1"]
    assert acs.merchant_hits == 0, "the merchant's return page must not be loaded"
    steps = [(hop.method, hop.path) for hop in view.hops]
    assert ("POST", "/acs") in steps
    assert steps[-1] == ("GET", "/shop/return")
    assert view.hops[-1].status.startswith("intercepted")
    assert view.trace.count() == len(view.hops)


def test_cancel_url_is_reported_as_cancel(qtbot, view, acs) -> None:
    base = f"http://127.0.0.1:{acs.server_address[1]}"
    with qtbot.waitSignal(view.finished, timeout=20000) as blocker:
        view.start_form(_form(base, "other"), base + "/", f"{base}/shop/return", f"{base}/shop/cancel")
    assert blocker.args[0] == "cancel"
    assert acs.merchant_hits == 0


def test_profile_is_off_the_record_and_keeps_nothing(view) -> None:
    from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineSettings

    profile = view.page.profile()
    assert profile.isOffTheRecord()
    assert profile.persistentCookiesPolicy() == QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
    assert profile.httpCacheType() == QWebEngineProfile.HttpCacheType.MemoryHttpCache
    settings = view.page.settings()
    assert settings.testAttribute(QWebEngineSettings.WebAttribute.JavascriptEnabled)
    assert not settings.testAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls)


def test_announced_user_agent_is_the_engine_s_own(view) -> None:
    from PySide6.QtWebEngineCore import QWebEngineProfile

    from msp_desk.ui.orders.browser_identity import user_agent

    # Built without starting Chromium, yet the same string Chromium itself would send.
    fresh = QWebEngineProfile()
    try:
        assert user_agent() == fresh.httpUserAgent()
    finally:
        del fresh
