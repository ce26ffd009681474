"""The Webhooks screen on the real sandbox; MultiSafepay's Test and Live hosts answered by it on loopback.

A Live profile must be testable without a request ever leaving the machine: the
shared HTTP client's transport sends ``api.multisafepay.com`` and
``testapi.multisafepay.com`` to the local sandbox and refuses every other
non-loopback host. Merchant endpoints come from ``tests/webhooks``.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from msp_desk.api.environments import Environment
from msp_desk.credentials.access import open_store
from msp_desk.credentials.profiles import Profile
from msp_desk.ui.services.context import AppContext
from msp_desk.ui.webhooks.page import WebhooksPage
from tests.webhooks.conftest import endpoint, endpoints  # noqa: F401 - fixtures shared with the core's tests

MSP_HOSTS = frozenset({"api.multisafepay.com", "testapi.multisafepay.com"})


class LoopbackStandIn(httpx.BaseTransport):
    """Answers MultiSafepay's hosts from the local sandbox; records what was sent, and to which host."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.sandbox_port = 0
        self.sent: list[tuple[str, str, str]] = []  # (asked host, method, path)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        asked = request.url.host
        if asked in MSP_HOSTS:
            request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.sandbox_port)
            request.headers["host"] = f"127.0.0.1:{self.sandbox_port}"
        elif asked != "127.0.0.1":
            raise httpx.ConnectError(f"tests never leave this machine ({asked})", request=request)
        self.sent.append((asked, request.method, request.url.path))
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()

    def patches(self) -> list[str]:
        return [path for _host, method, path in self.sent if method == "PATCH"]


@pytest.fixture
def stand_in() -> LoopbackStandIn:
    return LoopbackStandIn()


@pytest.fixture
def context(qtbot, stand_in: LoopbackStandIn) -> Iterator[AppContext]:
    """The app's services with the saved profiles loaded and the sandbox running."""
    ctx = AppContext(
        http_factory=lambda: httpx.Client(transport=stand_in, timeout=10.0, follow_redirects=False)
    )
    ctx.profiles.adopt(*open_store())
    stand_in.sandbox_port = int(httpx.URL(ctx.sandbox.ensure_running().base_url).port or 0)
    yield ctx
    ctx.close()


def sandbox_key(context: AppContext) -> str:
    return context.sandbox.ensure_running().sites[0].api_key


def use_profile(context: AppContext, environment: Environment, name: str) -> Profile:
    """A saved profile for the sandbox's website, made active; Test and Live reach it through the stand-in."""
    profile = context.profiles.store.add(Profile(name=name, environment=environment), sandbox_key(context))
    context.profiles.set_active(profile)
    return profile


def open_page(qtbot, context: AppContext) -> WebhooksPage:
    page = WebhooksPage(context)
    qtbot.addWidget(page)
    page.resize(1300, 860)
    page.show()
    qtbot.waitUntil(lambda: page.site_tab.site is not None, timeout=15000)
    return page
