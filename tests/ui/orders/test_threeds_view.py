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


class _BounceHandler(http.server.BaseHTTPRequestHandler):
    """Sends the browser wherever the posted form's ``target`` says, as an ACS does with TermUrl."""

    def do_POST(self) -> None:
        from urllib.parse import parse_qs

        length = int(self.headers.get("Content-Length", 0))
        target = parse_qs(self.rfile.read(length).decode())["target"][0]
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def bounce() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BounceHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _bounce_form(base: str, target: str) -> str:
    return (
        '<html><body onload="document.forms[0].submit()">'
        f'<form method="post" action="{base}/acs"><input type="hidden" name="target" value="{target}">'
        "</form></body></html>"
    )


@pytest.mark.parametrize(
    ("configured", "sent_to"),
    [
        # The shop wrote its default port; Chromium drops it before asking.
        ("http://127.0.0.1:80/shop/return", "http://127.0.0.1:80/shop/return?transactionid=o-1"),
        # An international host name: the browser asks for its punycode form.
        ("http://bücher.localhost/return", "http://xn--bcher-kva.localhost/return?transactionid=o-1"),
        # Percent-encoding of an unreserved character, a trailing slash and the scheme's case.
        ("HTTP://shop.localhost/pay/ret%75rn/", "http://shop.localhost/pay/return?transactionid=o-1"),
    ],
    ids=["default-port", "idn-host", "percent-and-slash"],
)
def test_the_return_page_is_recognised_however_the_browser_writes_it(
    qtbot, view, bounce: str, configured: str, sent_to: str
) -> None:
    with qtbot.waitSignal(view.finished, timeout=20000) as blocker:
        view.start_form(
            _bounce_form(bounce, sent_to), bounce + "/", configured, "http://shop.localhost/cancel"
        )
    assert blocker.args[0] == "redirect"
    assert view.hops[-1].status.startswith("intercepted, not loaded")
    assert not any(hop.status == "loaded" and hop.path.endswith("return") for hop in view.hops)


def test_page_dialogs_and_popups_stay_out_of_the_app_and_are_noted(qtbot, view) -> None:
    from PySide6.QtWidgets import QApplication

    windows_before = set(QApplication.topLevelWidgets())
    html = (
        "<html><body><script>"
        "alert('Enter the code from your bank app');"
        "document.title = confirm('Leave the page?') ? 'left' : 'stayed';"
        "window.open('http://127.0.0.1:9/popup', '_blank');"
        "</script></body></html>"
    )
    view.start_form(
        html, "http://127.0.0.1:9/", "http://shop.localhost/return", "http://shop.localhost/cancel"
    )
    qtbot.waitUntil(lambda: sum(hop.method == "PAGE" for hop in view.hops) >= 2, timeout=20000)
    qtbot.waitUntil(lambda: view.page.title() == "stayed", timeout=20000)
    notes = [hop.status for hop in view.hops if hop.method == "PAGE"]
    assert "page alert (not shown): Enter the code from your bank app" in notes
    assert "page question (answered Cancel): Leave the page?" in notes
    assert not (set(QApplication.topLevelWidgets()) - windows_before), "no dialog or window opened"
    assert view.trace.count() == len(view.hops)
