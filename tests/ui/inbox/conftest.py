"""The inbox screen's fixtures: services whose sandbox runs a thousand times faster, the page, orders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from msp_desk.credentials.access import open_store
from msp_desk.sandbox.server import SandboxServer
from msp_desk.ui.inbox.models import RowFilter
from msp_desk.ui.inbox.page import InboxPage
from msp_desk.ui.services.context import AppContext
from tests.sandbox.conftest import direct_order
from tests.ui.conftest import on_screen

TIME_SCALE = 1000.0
"""MultiSafepay's 15 minutes between retries become 0.9 s."""
COMPLETES = "4012001038443335"
DECLINES = "4012001038488884"


@pytest.fixture
def context(qtbot) -> Iterator[AppContext]:
    ctx = AppContext(sandbox_time_scale=TIME_SCALE)
    ctx.profiles.adopt(*open_store())
    ctx.sandbox.ensure_running()
    yield ctx
    ctx.close()


@pytest.fixture
def server(context: AppContext) -> SandboxServer:
    return context.sandbox.ensure_running()


@pytest.fixture
def page(qtbot, context: AppContext) -> InboxPage:
    widget = on_screen(qtbot, InboxPage(context))
    qtbot.waitUntil(lambda: widget.feed.source is not None, timeout=10000)
    return widget


def send_order(
    server: SandboxServer, order_id: str, *, card: str = COMPLETES, notification_url: str | None = None
) -> dict[str, Any]:
    """A direct card order without 3-D Secure: it reaches its final status (and notifies) at once."""
    body = direct_order(order_id, card)
    body["gateway_info"]["flexible_3d"] = False
    body["payment_options"]["notification_url"] = notification_url or server.receiver_url()
    with httpx.Client(base_url=server.base_url, headers={"api_key": server.sites[0].api_key}) as api:
        answer = api.post("orders", json=body)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


def shown(rows: RowFilter, column: str) -> list[str]:
    """A column of a table as the person sees it, top (newest) row first."""
    source = rows.sourceModel()
    number = next(
        i for i in range(source.columnCount()) if source.headerData(i, Qt.Orientation.Horizontal) == column
    )
    return [str(rows.index(row, number).data()) for row in range(rows.rowCount())]


def column_of(rows: RowFilter, column: str, order_id: str) -> list[str]:
    """One order's cells in a column, oldest first."""
    orders = shown(rows, "Order ID")
    return [value for value, order in zip(shown(rows, column), orders, strict=True) if order == order_id][
        ::-1
    ]
