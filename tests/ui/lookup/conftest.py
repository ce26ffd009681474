"""The lookup screen against the real sandbox over loopback, its delays shortened 60 times."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from msp_desk.api.follow import Backoff
from msp_desk.credentials.access import open_store
from msp_desk.ui.lookup.page import LookupPage
from msp_desk.ui.services.context import AppContext
from tests.helpers.loopback import LoopbackStandIn
from tests.sandbox.conftest import direct_order, run_3ds
from tests.ui.conftest import on_screen, replace_text

TIME_SCALE = 60.0  # the 3-minute uncleared cards decide after 3 s
PAID_AT_ONCE = "4012001038443335"  # no 3-D Secure: completed straight away
UNCLEARED_THEN_COMPLETED = "4462000000000003"
THREE_DS_CARD = "4111111111111111"

_numbers = itertools.count(1)


@pytest.fixture
def context(qtbot, stand_in: LoopbackStandIn) -> Iterator[AppContext]:
    # A short read timeout keeps the timeout tests to seconds; Test and Live profiles reach the sandbox.
    ctx = AppContext(
        http_factory=lambda: httpx.Client(transport=stand_in, timeout=httpx.Timeout(1.0, connect=5.0)),
        sandbox_time_scale=TIME_SCALE,
    )
    ctx.profiles.adopt(*open_store())
    stand_in.sandbox_port = int(httpx.URL(ctx.sandbox.ensure_running().base_url).port or 0)
    yield ctx
    ctx.close()


@pytest.fixture
def page(qtbot, context: AppContext) -> LookupPage:
    widget = on_screen(qtbot, LookupPage(context))
    widget.watch.backoff = Backoff(first=0.2, factor=1.5, longest=1.0, limit=30.0)
    widget.refund.look_again = Backoff(first=0.2, factor=1.5, longest=1.0, limit=3.0)
    qtbot.waitUntil(lambda: widget.transactions.model.rowCount() > 0 or not widget.transactions.ops.busy())
    return widget


def new_id(prefix: str = "lookup") -> str:
    return f"{prefix}-{next(_numbers)}-{time.monotonic_ns() % 10**8}"


def sandbox_key(context: AppContext) -> str:
    return context.sandbox.ensure_running().sites[0].api_key


def api(context: AppContext, key: str | None = None) -> httpx.Client:
    return httpx.Client(
        base_url=context.sandbox.ensure_running().base_url,
        headers={"api_key": key or sandbox_key(context)},
        timeout=10,
    )


def create_order(
    context: AppContext, order_id: str, card: str = PAID_AT_ONCE, *, key: str | None = None, **fields: Any
) -> dict[str, Any]:
    """An order made straight through the API, as a shop makes it; 3-D Secure only for the 3-D Secure card."""
    body = direct_order(order_id, card, amount=2500, **fields)
    if card != THREE_DS_CARD:
        body["gateway_info"]["flexible_3d"] = False
    with api(context, key) as client:
        answer = client.post("orders", json=body)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


def create_3ds_paid(context: AppContext, order_id: str, **fields: Any) -> None:
    with api(context) as client:
        finished = run_3ds(client, order_id, THREE_DS_CARD, "Y", amount=2500, **fields)
    assert finished.status_code in (302, 303), finished.text


def look_up(qtbot, page: LookupPage, order_id: str) -> None:
    """Type the id and press Enter, as a person does."""
    replace_text(qtbot, page.order_edit, order_id)
    from PySide6.QtCore import Qt

    qtbot.keyClick(page.order_edit, Qt.Key.Key_Return)


def shown(page: LookupPage, order_id: str) -> bool:
    return page.detail.values["order_id"].text() == order_id
