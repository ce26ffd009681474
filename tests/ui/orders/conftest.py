"""The order screen's fixtures: services with a short read timeout, the page, the sandbox's faults."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from msp_desk.api.follow import Backoff
from msp_desk.core.test_cards import TEST_CARDS
from msp_desk.credentials.access import open_store
from msp_desk.ui.orders.page import OrdersPage
from msp_desk.ui.services.context import AppContext
from tests.ui.conftest import on_screen

NO_3DS_CARD = "4012001038443335"


@pytest.fixture
def context(qtbot) -> Iterator[AppContext]:
    from msp_desk.api.http import make_http_client

    # A short read timeout lets the lost-answer test run in seconds.
    ctx = AppContext(http_factory=lambda: make_http_client(read_timeout=3.0))
    ctx.profiles.adopt(*open_store())
    ctx.sandbox.ensure_running()
    yield ctx
    ctx.close()


def orders_page(qtbot, context: AppContext) -> OrdersPage:
    """The New order screen on screen, following an order's status in tenths of seconds."""
    widget = on_screen(qtbot, OrdersPage(context))
    widget.backoff = Backoff(first=0.1)
    return widget


@pytest.fixture
def page(qtbot, context: AppContext) -> OrdersPage:
    return orders_page(qtbot, context)


def pick(page: OrdersPage, number: str) -> None:
    index = next(i for i, card in enumerate(TEST_CARDS, start=1) if card.number == number)
    page.form.scenario.setCurrentIndex(index)
    page.form.scenario.activated.emit(index)


def sandbox_key(context: AppContext) -> str:
    return context.sandbox.ensure_running().sites[0].api_key


def orders_with_id(context: AppContext, order_id: str) -> int:
    with httpx.Client() as http:
        answer = http.get(
            context.sandbox.base_url + "transactions",
            headers={"api_key": sandbox_key(context)},
            params={"limit": 100},
        )
    return sum(1 for item in answer.json()["data"] if item["order_id"] == order_id)


def arm_fault(context: AppContext, fault: str, paths: str = "/orders", count: int = 1) -> None:
    """Make the sandbox misbehave on the next matching requests of its website (docs/sandbox.md)."""
    with httpx.Client() as http:
        armed = http.post(
            context.sandbox.base_url + "_sandbox/faults",
            headers={"api_key": sandbox_key(context)},
            json={"fault": fault, "count": count, "paths": paths},
        )
    assert armed.status_code < 300, armed.text
