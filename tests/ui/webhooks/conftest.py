"""The Webhooks screen on the real sandbox; MultiSafepay's Test and Live hosts answered by it on loopback.

A Live profile is tested without a request ever leaving the machine (the
``stand_in`` fixture, tests/helpers/loopback.py). Merchant endpoints come from
``tests/webhooks``.
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
from tests.helpers.loopback import LoopbackStandIn
from tests.webhooks.conftest import endpoint, endpoints  # noqa: F401 - fixtures shared with the core's tests


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
